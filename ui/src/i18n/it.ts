// Testi italiani: stesse chiavi di `en.ts`.

import type { MessageKey } from './en';

export const it: Record<MessageKey, string> = {
  'app.loading': 'Avvio di Herald…',
  'app.loadFailed': 'Herald non è riuscito ad avviarsi.',
  'nav.label': 'Principale',
  'nav.social': 'Account social',
  'nav.settings': 'Impostazioni',

  'common.retry': 'Riprova',
  'common.cancel': 'Annulla',
  'common.close': 'Chiudi',
  'common.dismiss': 'Chiudi avviso',
  'common.details': 'Dettagli tecnici',
  'common.theNetwork': 'il social network',
  'common.listAnd': '{rest} e {last}',

  'banner.keyringTitle': 'Il portachiavi di sistema non è disponibile',
  'banner.keyringBody':
    'Herald conserva gli accessi nel portachiavi di sistema (Secret Service) e al momento non riesce a raggiungerlo, quindi non può custodirli in modo sicuro. Finché il portachiavi non sarà disponibile Herald non collegherà nuovi account: sbloccalo o avvialo (per esempio GNOME Keyring o KWallet) e riapri Herald.',
  'banner.keyringDetail': 'Dettagli: {detail}',
  'banner.demo':
    'Modalità demo: i collegamenti vanno all’ambiente di prova integrato in Herald, non ai veri social network.',

  'recovery.corruptTitle': 'Herald è ripartito con un database nuovo',
  'recovery.corruptBody':
    'Herald ha trovato il proprio database danneggiato e lo ha messo da parte, così non va perso nulla. Ne è stato creato uno nuovo. Il vecchio file è conservato in: {path}',
  'recovery.corruptKeyring': 'I tuoi accessi sono nel portachiavi di sistema; se serve, ricollega gli account.',
  'recovery.newerTitle': 'Questo database viene da una versione più recente di Herald',
  'recovery.newerBody':
    'Questo database è stato scritto da una versione più recente di Herald. È stato messo da parte, intatto, in {path} ed è stato creato un database nuovo. Aggiorna Herald per ritrovare i tuoi dati.',

  'accounts.title': 'Account social',
  'accounts.intro':
    'Gli account social della tua attività su cui Herald può pubblicare. Ogni accesso resta nel portachiavi di sistema di questo computer.',
  'accounts.connect': 'Collega',
  'accounts.connectBlocked':
    'Non è possibile collegare account finché il portachiavi di sistema non è disponibile.',
  'accounts.loading': 'Caricamento degli account…',
  'accounts.loadFailed': 'Herald non è riuscito a caricare i tuoi account.',
  'accounts.listLabel': 'Account collegati',
  'accounts.emptyTitle': 'Ancora nessun account collegato',
  'accounts.emptyBody':
    'Collega la pagina, il profilo o la sede della tua attività che vuoi gestire da Herald. Accedi al social network dal browser e scegli cosa collegare: basta un minuto.',

  'card.connectedOn': 'Collegato il {date}',
  'card.lastError': 'Ultimo problema: {error}',
  'card.menuLabel': 'Azioni per {name}',
  'card.avatarAlt': 'Immagine di {name}',
  'card.reconnect': 'Ricollega',
  'card.disconnect': 'Scollega',

  'kind.page': 'Pagina',
  'kind.organization': 'Organizzazione',
  'kind.location': 'Sede',
  'kind.profile': 'Profilo',

  'status.connected': 'Collegato',
  'status.needs_reconnect': 'Da ricollegare',
  'status.disconnected': 'Scollegato',

  'disconnect.title': 'Scollegare {name}?',
  'disconnect.body':
    'Herald chiederà a {network} di revocare l’accesso e cancellerà l’accesso salvato su questo computer. Potrai ricollegare l’account in qualsiasi momento.',
  'disconnect.confirm': 'Scollega',
  'disconnect.working': 'Scollegamento in corso…',
  'disconnect.done': 'Account scollegato.',
  'disconnect.revokeFailed':
    'Account scollegato da Herald, ma non è stato possibile chiedere a {network} di revocare l’accesso: rimuovi Herald dalle impostazioni di sicurezza di {network}.',
  'disconnect.keptForOthers':
    'Account scollegato. Le altre sedi collegate con lo stesso account Google continuano a usare quell’accesso.',
  'disconnect.detail': 'Dettagli: {detail}',

  'connect.title': 'Collega un account',
  'connect.reconnectTitle': 'Ricollega {name}',
  'connect.choose': 'Scegli il social network su cui si trova l’account della tua attività.',
  'connect.laterVersion': 'Arriverà in una prossima versione di Herald',
  'connect.comingSoon': 'In arrivo',
  'connect.deprecated': 'Dismesso: i collegamenti esistenti continuano a funzionare, ma non se ne possono aggiungere di nuovi',
  'connect.opening': 'Apertura del browser…',
  'connect.waitingTitle': 'Completa l’accesso nel browser…',
  'connect.waitingBody':
    'Herald ha aperto {network} nel browser. Accedi e consenti l’accesso: questa finestra andrà avanti da sola quando avrai finito.',
  'connect.urlLabel': 'Il browser non si è aperto? Copia questo indirizzo e incollalo nel browser',
  'connect.copy': 'Copia',
  'connect.copied': 'Copiato',
  'connect.expires': 'L’indirizzo resta valido fino alle {time}.',
  'connect.cancel': 'Annulla',
  'connect.candidatesTitle': 'Scegli cosa collegare',
  'connect.candidatesBody': 'Herald può gestire questi account {network}. Collegherà quelli che selezioni.',
  'connect.alreadyConnected': 'già collegato',
  'connect.noCandidates':
    'Con questo accesso non c’è nessuna pagina, profilo o sede che Herald possa gestire. Non è stato collegato nulla.',
  'connect.connectSelected': 'Collega i selezionati',
  'connect.finishing': 'Collegamento in corso…',
  'connect.reconnecting': 'Ricollegamento in corso…',
  'connect.back': 'Scegli un altro social network',
  'connect.openSettings': 'Apri Impostazioni',

  'error.keyring_unavailable':
    'Il portachiavi di sistema non è disponibile, quindi Herald non può custodire l’accesso in modo sicuro. Non è stato collegato nulla.',
  'error.credentials_missing':
    'Per collegarsi a {network} Herald ha bisogno del client ID della tua app {network}. Aggiungilo nelle Impostazioni.',
  'error.network_not_supported': 'Questa versione di Herald non può collegare account {network}.',
  'error.flow_not_found': 'Questo accesso non è più attivo. Ricomincia da capo.',
  'error.flow_cancelled': 'Accesso annullato.',
  'error.flow_timed_out':
    'L’accesso ha richiesto troppo tempo ed è scaduto. Non è stato collegato nulla: ricomincia quando vuoi.',
  'error.state_mismatch':
    'Per la tua sicurezza Herald ha interrotto questo accesso: la risposta arrivata dal browser non corrisponde alla richiesta fatta da Herald. Non è stato collegato nulla. Ricomincia da capo.',
  'error.consent_denied': 'Hai negato l’accesso nel browser. Non è stato collegato nulla.',
  'error.token_exchange_failed':
    '{network} non ha risposto correttamente. Riprova fra qualche minuto: i tuoi account già collegati non sono stati toccati.',
  'error.network_error':
    '{network} non ha risposto correttamente. Controlla la connessione a internet e riprova fra qualche minuto: i tuoi account già collegati non sono stati toccati.',
  'error.network_rejected': '{network} ha rifiutato la richiesta.',
  'error.different_account':
    'Hai effettuato l’accesso con un account {network} diverso da quello di questo collegamento. Accedi con l’account originale per ricollegarlo.',
  'error.invalid_input': 'Alcuni dati non sono validi. Controllali e riprova.',
  'error.not_found': 'Herald non ha trovato questo elemento. Forse è già stato rimosso.',
  'error.storage': 'Herald non è riuscito a leggere o scrivere i propri dati su questo computer.',
  'error.internal': 'Si è verificato un errore interno di Herald.',

  'settings.title': 'Impostazioni',
  'settings.languageTitle': 'Lingua',
  'settings.language': 'Mostra Herald in',
  'settings.languageSystem': 'Predefinita di sistema',
  'settings.languageHelp': 'Con “Predefinita di sistema” Herald usa la lingua del computer.',
  'settings.keyringTitle': 'Conservazione degli accessi',
  'settings.keyringOk': 'Disponibile: gli accessi sono conservati nel portachiavi di sistema (Secret Service).',
  'settings.keyringMissing':
    'Non disponibile: Herald non può custodire gli accessi in modo sicuro e non collegherà account finché il portachiavi di sistema (Secret Service) non funzionerà.',
  'settings.credentialsTitle': 'App dei social network',
  'settings.credentialsIntro':
    'Herald accede a ogni social network tramite un’app che registri su quel social network. Incolla qui il client ID e il client secret dell’app: il secret viene salvato nel portachiavi di sistema, mai in un file.',
  'settings.noNetworks': 'In questa versione non c’è nessun social network da configurare.',
  'settings.configured': 'Configurato',
  'settings.notConfigured': 'Da configurare',
  'settings.clientId': 'Client ID',
  'settings.clientSecret': 'Client secret',
  'settings.clientSecretOptional': 'Client secret (facoltativo)',
  'settings.secretStored': 'salvato nel portachiavi di sistema',
  'settings.save': 'Salva',
  'settings.saving': 'Salvataggio…',
  'settings.saved': 'Salvato.',
  'transfer.title': 'Trasferisci su un altro computer',
  'transfer.intro':
    'Salva i dati di Herald in un file e poi importalo in Herald su un altro computer (oppure conservalo come copia).',
  'transfer.included':
    'Il file contiene le impostazioni, i client ID delle app dei social network e l’elenco degli account collegati.',
  'transfer.excluded':
    'Non contiene gli accessi né i client secret, che restano nel portachiavi di sistema di questo computer: sull’altro computer gli account andranno ricollegati e i client secret andranno inseriti di nuovo.',
  'transfer.export': 'Esporta…',
  'transfer.exporting': 'Esportazione…',
  'transfer.exportHelp': 'Il file viene salvato nella cartella Documenti.',
  'transfer.exported': 'Salvato in {path}',
  'transfer.import': 'Importa…',
  'transfer.importing': 'Importazione…',
  'transfer.importHelp':
    'Scegli un file esportato da Herald (.json). Herald aggiunge solo ciò che qui manca: niente di quello che c’è già su questo computer viene modificato o rimosso.',
  'transfer.tooBig':
    'Questo file è troppo grande per essere un’esportazione di Herald (il limite è 10 MB). Scegli il file salvato da Herald con Esporta.',
  'transfer.invalidFile': 'Questo file non si può importare: {reason}.',
  'transfer.imported': 'Importazione completata: {items}.',
  'transfer.nothingNew': 'Niente di nuovo da importare: tutto ciò che contiene questo file è già presente.',
  'transfer.accountsOne': '{count} account (va ricollegato)',
  'transfer.accountsOther': '{count} account (vanno ricollegati)',
  'transfer.settingsOne': '{count} impostazione',
  'transfer.settingsOther': '{count} impostazioni',
  'transfer.clientIdsOne': '{count} client ID',
  'transfer.clientIdsOther': '{count} client ID',
  'transfer.secretsAgain': 'Inserisci di nuovo i client secret in “App dei social network”.',

  'banner.useLive': 'Usa i miei account reali',
  'mode.demoTitle': 'I tuoi account reali',
  'mode.demoIntro': 'Herald sta mostrando una demo con account di esempio. Quando vuoi, passa ai tuoi account reali: ti servono il client ID e il client secret dell’app che hai registrato presso il social network (per Google Business Profile, un client OAuth di tipo “App desktop” in Google Cloud).',
  'mode.useLive': 'Usa i miei account reali',
  'mode.forcedDemo': 'Questo avvio di Herald è in modalità demo per via dell’impostazione HERALD_DEMO, quindi qui non si può cambiare. Avvia Herald senza quell’impostazione per usare i tuoi account reali.',
  'mode.forcedLive': 'Questo avvio di Herald usa i tuoi account reali per via dell’impostazione HERALD_DEMO, quindi qui non si può scegliere la demo. Avvia Herald senza quell’impostazione per cambiare.',
  'mode.dialogTitle': 'Usa i miei account reali',
  'mode.dialogIntro': 'Herald conserverà questi dati (il secret nel portachiavi di sistema) e si riavvierà con i tuoi account reali.',
  'mode.dialogDemoStays': 'Gli account di esempio della demo restano nella demo e non si mescolano mai con i tuoi. Puoi tornare alla demo quando vuoi dalle Impostazioni.',
  'mode.network': 'Social network',
  'mode.keepSaved': 'Lascia vuoti entrambi i campi per usare i dati salvati in precedenza.',
  'mode.confirmLive': 'Salva e riavvia',
  'mode.restarting': 'Riavvio di Herald…',
  'mode.liveTitle': 'Demo',
  'mode.liveIntro': 'Vuoi provare Herald con account di esempio? La demo è separata: i tuoi account reali e i dati delle tue app restano salvati e tornano quando scegli “Usa i miei account reali”.',
  'mode.useDemo': 'Torna alla demo',
  'mode.demoConfirmTitle': 'Tornare alla demo?',
  'mode.demoConfirmBody': 'Herald si riavvierà con gli account di esempio. I tuoi account reali restano salvati e collegati: nessuno viene scollegato.',
  'mode.confirmDemo': 'Riavvia nella demo',

  'settings.aboutTitle': 'Informazioni su Herald',
  'settings.version': 'Versione {version}',
  'settings.dataDir': 'Cartella dei dati: {path}',
};
