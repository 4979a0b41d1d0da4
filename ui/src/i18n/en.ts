// English texts. `it.ts` must have exactly the same keys (TypeScript and
// i18n.test.ts both check it). Placeholders are written `{name}`.

export const en = {
  'app.loading': 'Starting Herald…',
  'app.loadFailed': 'Herald could not start.',
  'nav.label': 'Main',
  'nav.social': 'Social settings',
  'nav.settings': 'Settings',

  'common.retry': 'Try again',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.dismiss': 'Dismiss',
  'common.details': 'Technical details',
  'common.theNetwork': 'the network',
  'common.listAnd': '{rest} and {last}',

  'banner.keyringTitle': 'The system keyring is unavailable',
  'banner.keyringBody':
    'Herald keeps sign-ins in the system keyring (Secret Service) and cannot reach it, so it cannot store sign-ins safely. Herald will not connect accounts until the keyring is available: unlock or start it (for example GNOME Keyring or KWallet), then restart Herald.',
  'banner.keyringDetail': 'Details: {detail}',
  'banner.demo': "Demo mode: connections go to Herald's built-in sandbox, not the real networks.",

  'recovery.corruptTitle': 'Herald started with a fresh database',
  'recovery.corruptBody':
    'Herald found its database damaged and set it aside so nothing is lost. A fresh one was started. The old file is kept at: {path}',
  'recovery.corruptKeyring': 'Your sign-ins are in the system keyring; reconnect accounts if needed.',
  'recovery.newerTitle': 'This database is from a newer version of Herald',
  'recovery.newerBody':
    'This database was written by a newer version of Herald. It was set aside, untouched, at {path}, and a fresh one was started. Update Herald to get your data back.',

  'accounts.title': 'Social settings',
  'accounts.intro':
    'The social accounts of your business that Herald can post to. Each sign-in stays in the system keyring of this computer.',
  'accounts.connect': 'Connect',
  'accounts.connectBlocked': 'Connecting is off until the system keyring is available.',
  'accounts.loading': 'Loading your accounts…',
  'accounts.loadFailed': 'Herald could not load your accounts.',
  'accounts.listLabel': 'Connected accounts',
  'accounts.emptyTitle': 'No accounts connected yet',
  'accounts.emptyBody':
    'Connect the page, profile or business location you want to manage from Herald. You sign in with the network in your browser, then choose what to connect. It takes a minute.',

  'card.connectedOn': 'Connected on {date}',
  'card.lastError': 'Last problem: {error}',
  'card.menuLabel': 'Actions for {name}',
  'card.avatarAlt': 'Picture of {name}',
  'card.reconnect': 'Reconnect',
  'card.disconnect': 'Disconnect',

  'kind.page': 'Page',
  'kind.organization': 'Organization',
  'kind.location': 'Location',
  'kind.profile': 'Profile',

  'status.connected': 'Connected',
  'status.needs_reconnect': 'Needs reconnect',
  'status.disconnected': 'Disconnected',

  'disconnect.title': 'Disconnect {name}?',
  'disconnect.body':
    'Herald will ask {network} to revoke its access and will delete the stored sign-in from this computer. You can connect the account again at any time.',
  'disconnect.confirm': 'Disconnect',
  'disconnect.working': 'Disconnecting…',
  'disconnect.done': 'Disconnected.',
  'disconnect.revokeFailed':
    'Disconnected here, but {network} could not be told to revoke access: remove Herald in your {network} security settings.',
  'disconnect.keptForOthers':
    'Disconnected. Other locations signed in with the same Google account still use that sign-in.',
  'disconnect.detail': 'Details: {detail}',

  'connect.title': 'Connect an account',
  'connect.reconnectTitle': 'Reconnect {name}',
  'connect.choose': 'Choose the network where your business account is.',
  'connect.laterVersion': 'Arrives in a later version of Herald',
  'connect.comingSoon': 'Coming soon',
  'connect.deprecated': 'Deprecated: existing links keep working, no new ones',
  'connect.opening': 'Opening your browser…',
  'connect.waitingTitle': 'Finish signing in in your browser…',
  'connect.waitingBody':
    'Herald opened {network} in your browser. Sign in there and allow access: this window moves on by itself when you are done.',
  'connect.urlLabel': 'Browser did not open? Copy this address into it',
  'connect.copy': 'Copy',
  'connect.copied': 'Copied',
  'connect.expires': 'The address works until {time}.',
  'connect.cancel': 'Cancel',
  'connect.candidatesTitle': 'Choose what to connect',
  'connect.candidatesBody': 'Herald can manage these {network} accounts. It connects the ones you tick.',
  'connect.alreadyConnected': 'already connected',
  'connect.noCandidates':
    'This sign-in gives access to no page, profile or location that Herald can manage. Nothing was connected.',
  'connect.connectSelected': 'Connect selected',
  'connect.finishing': 'Connecting…',
  'connect.reconnecting': 'Reconnecting…',
  'connect.back': 'Choose another network',
  'connect.openSettings': 'Open Settings',

  'error.keyring_unavailable':
    'The system keyring is unavailable, so Herald cannot store the sign-in safely. Nothing was connected.',
  'error.credentials_missing':
    'Herald needs the client ID of your {network} app before it can connect. Add it in Settings.',
  'error.network_not_supported': 'Herald cannot connect {network} accounts in this version.',
  'error.flow_not_found': 'This sign-in is no longer active. Please start again.',
  'error.flow_cancelled': 'Signing in was cancelled.',
  'error.flow_timed_out':
    'The sign-in took too long and expired. Nothing was connected: start again when you are ready.',
  'error.state_mismatch':
    'For your safety, Herald stopped this sign-in: the answer from the browser did not match the request Herald made. Nothing was connected. Please start again.',
  'error.consent_denied': 'You declined access in the browser. Nothing was connected.',
  'error.token_exchange_failed':
    '{network} did not answer correctly. Try again in a few minutes: your existing accounts are untouched.',
  'error.network_error':
    '{network} did not answer correctly. Check your internet connection and try again in a few minutes: your existing accounts are untouched.',
  'error.network_rejected': '{network} refused the request.',
  'error.different_account':
    'You signed in with a different {network} account from the one this connection belongs to. Sign in with the original account to reconnect it.',
  'error.invalid_input': 'Some of the information is not valid. Check it and try again.',
  'error.not_found': 'Herald could not find this item. It may have been removed already.',
  'error.storage': "Herald could not read or write its data on this computer.",
  'error.internal': 'Something went wrong inside Herald.',

  'settings.title': 'Settings',
  'settings.languageTitle': 'Language',
  'settings.language': 'Show Herald in',
  'settings.languageSystem': 'System default',
  'settings.languageHelp': 'System default follows the language of your computer.',
  'settings.keyringTitle': 'Sign-in storage',
  'settings.keyringOk': 'Available: sign-ins are kept in the system keyring (Secret Service).',
  'settings.keyringMissing':
    'Unavailable: Herald cannot store sign-ins safely and will not connect accounts until the system keyring (Secret Service) works.',
  'settings.credentialsTitle': 'Network apps',
  'settings.credentialsIntro':
    'Herald signs in to each network through an app you register with that network. Paste the app’s client ID and client secret here: the secret goes into the system keyring, never into a file.',
  'settings.noNetworks': 'No network needs setting up in this version.',
  'settings.configured': 'Set up',
  'settings.notConfigured': 'Not set up',
  'settings.clientId': 'Client ID',
  'settings.clientSecret': 'Client secret',
  'settings.clientSecretOptional': 'Client secret (optional)',
  'settings.secretStored': 'stored in the system keyring',
  'settings.save': 'Save',
  'settings.saving': 'Saving…',
  'settings.saved': 'Saved.',
  'transfer.title': 'Move to another computer',
  'transfer.intro':
    'Save Herald’s data to a file, then import that file in Herald on another computer (or keep it as a copy).',
  'transfer.included': 'The file contains your settings, the client IDs of your network apps and the list of connected accounts.',
  'transfer.excluded':
    'It does not contain sign-ins or client secrets: they stay in the system keyring of this computer. On the other computer, accounts will ask to be reconnected and client secrets must be entered again.',
  'transfer.export': 'Export…',
  'transfer.exporting': 'Exporting…',
  'transfer.exportHelp': 'The file is saved in your Documents folder.',
  'transfer.exported': 'Saved to {path}',
  'transfer.import': 'Import…',
  'transfer.importing': 'Importing…',
  'transfer.importHelp':
    'Choose a file exported by Herald (.json). Herald only adds what is missing here: nothing already on this computer is changed or removed.',
  'transfer.tooBig':
    'This file is too big to be a Herald export (the limit is 10 MB). Choose the file Herald saved with Export.',
  'transfer.invalidFile': 'This file cannot be imported: {reason}.',
  'transfer.imported': 'Imported {items}.',
  'transfer.nothingNew': 'Nothing new to import: everything in this file is already here.',
  'transfer.accountsOne': '{count} account (it needs reconnecting)',
  'transfer.accountsOther': '{count} accounts (they need reconnecting)',
  'transfer.settingsOne': '{count} setting',
  'transfer.settingsOther': '{count} settings',
  'transfer.clientIdsOne': '{count} client ID',
  'transfer.clientIdsOther': '{count} client IDs',
  'transfer.secretsAgain': 'Enter the client secrets again under Network apps.',

  'banner.useLive': 'Use my real accounts',
  'mode.demoTitle': 'Your real accounts',
  'mode.demoIntro': 'Herald is running a demo with sample accounts. When you are ready, switch to your real accounts: you need the client ID and client secret of the app you registered with the network (for Google Business Profile, a “Desktop app” OAuth client in Google Cloud).',
  'mode.useLive': 'Use my real accounts',
  'mode.forcedDemo': 'This launch of Herald was put in demo mode by the HERALD_DEMO setting, so it cannot be switched here. Start Herald without that setting to use your real accounts.',
  'mode.forcedLive': 'This launch of Herald was put on your real accounts by the HERALD_DEMO setting, so the demo cannot be chosen here. Start Herald without that setting to switch.',
  'mode.dialogTitle': 'Use my real accounts',
  'mode.dialogIntro': 'Herald will keep these details (the secret in the system keyring) and restart with your real accounts.',
  'mode.dialogDemoStays': 'The demo’s sample accounts stay in the demo and never mix with yours. You can come back to the demo at any time from Settings.',
  'mode.network': 'Network',
  'mode.keepSaved': 'Leave both fields empty to use the details you saved before.',
  'mode.confirmLive': 'Save and restart',
  'mode.restarting': 'Restarting Herald…',
  'mode.liveTitle': 'Demo',
  'mode.liveIntro': 'Want to try Herald with sample accounts? The demo runs separately: your real accounts and app details stay saved and come back when you choose “Use my real accounts”.',
  'mode.useDemo': 'Back to demo',
  'mode.demoConfirmTitle': 'Back to the demo?',
  'mode.demoConfirmBody': 'Herald will restart with sample accounts. Your real accounts stay saved and connected: nothing is disconnected.',
  'mode.confirmDemo': 'Restart in demo',

  'settings.aboutTitle': 'About Herald',
  'settings.version': 'Version {version}',
  'settings.dataDir': 'Data folder: {path}',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
