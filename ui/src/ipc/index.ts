// The UI's only door to the backend. Everything else in ui/src imports from
// here, never from `@tauri-apps/*` or from the generated `bindings.ts`
// (ipc/boundary.test.ts enforces the first rule).
//
// Each command returns its data or throws an `AppError` whose `code` is the
// typed `ErrorCode` from Rust. Components switch on `code` to show localized
// text and fall back to `message` for codes they do not know.

import { getCurrentWebview } from '@tauri-apps/api/webview';
import { commands, events } from './bindings';
import type {
  Account,
  AppStatus,
  ArchiveFilter,
  ArchivePage,
  CalendarEntry,
  Candidate,
  ConnectCheck,
  ConnectFlow,
  ConnectSetup,
  Credentials,
  CsvImport,
  DisconnectOutcome,
  DraftInput,
  ErrorCode,
  ExportResult,
  ImportSummary,
  IpcError,
  LiveCredentials,
  MediaHostCheck,
  MediaHostInput,
  MediaHostSettings,
  MediaItem,
  MissedAction,
  MissedPost,
  ModeStatus,
  NetworkId,
  NetworkInfo,
  Post,
  PostsSettings,
  PublishingStatus,
  ReconcileReport,
  RedirectMode,
  Result,
  TargetCheck,
} from './bindings';

export type {
  Account,
  AccountKind,
  AccountStatus,
  AccountsChanged,
  AppStatus,
  ArchiveEntry,
  ArchiveFilter,
  ArchivePage,
  Attempt,
  AttemptReason,
  AttemptResolution,
  AttemptState,
  CalendarEntry,
  Candidate,
  CheckProblem,
  CsvImport,
  CsvProblem,
  CsvProblemCode,
  DraftInput,
  EntryState,
  Post,
  PostProblem,
  PostsChanged,
  PostsSettings,
  PostState,
  ProblemCode,
  TargetCheck,
  TargetInput,
  ConnectCheck,
  ConnectFlow,
  ConnectSetup,
  Credentials,
  DisconnectOutcome,
  ErrorCode,
  ExportResult,
  ImportSummary,
  IpcError,
  KeyringStatus,
  LiveCredentials,
  MediaFormat,
  MediaHostCheck,
  MediaHostInput,
  MediaHostProblem,
  MediaHostSettings,
  MediaItem,
  MissedAction,
  MissedPost,
  ModeStatus,
  NetworkAvailability,
  NetworkId,
  NetworkInfo,
  PublishingStatus,
  QuotaUse,
  ReconcileReport,
  Recovery,
  RecoveryReason,
  RedirectMode,
  RevokeOutcome,
} from './bindings';

export class AppError extends Error {
  // Class fields are defined (not assigned), which stays safe when Tauri's
  // `freezePrototype` has made inherited properties read-only.
  override readonly name = 'AppError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Turns anything a command rejected with into an `AppError`. */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  if (isIpcError(value)) return new AppError(value.code, value.message);
  if (value instanceof Error) return new AppError('internal', value.message);
  return new AppError('internal', typeof value === 'string' ? value : String(value));
}

async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  let result: Result<T, IpcError>;
  try {
    result = await run();
  } catch (e) {
    throw toAppError(e);
  }
  if (result.status === 'ok') return result.data;
  throw toAppError(result.error);
}

export type Unlisten = () => void;

export const ipc = {
  appStatus: (): Promise<AppStatus> => call(() => commands.appStatus()),
  /** Tells the shell the first screen is painted (call once per app start). */
  appReady: (): Promise<null> => call(() => commands.appReady()),
  settingsSetLocale: (locale: string | null): Promise<null> =>
    call(() => commands.settingsSetLocale(locale)),
  networksList: (): Promise<NetworkInfo[]> => call(() => commands.networksList()),
  credentialsGet: (network: NetworkId): Promise<Credentials> =>
    call(() => commands.credentialsGet(network)),
  /** A `null` secret keeps the one already stored. */
  credentialsSave: (
    network: NetworkId,
    clientId: string,
    clientSecret: string | null,
  ): Promise<Credentials> => call(() => commands.credentialsSave(network, clientId, clientSecret)),
  /** How the network's sign-ins come back to Herald, and the address to register. */
  settingsConnectSetupGet: (network: NetworkId): Promise<ConnectSetup> =>
    call(() => commands.settingsConnectSetupGet(network)),
  /** Refused in the demo (its set-up is the sandbox's). */
  settingsConnectSetupSave: (
    network: NetworkId,
    mode: RedirectMode,
    port: number | null,
    relayUrl: string | null,
  ): Promise<ConnectSetup> => call(() => commands.settingsConnectSetupSave(network, mode, port, relayUrl)),
  /** Asks the network's sign-in page whether it accepts the client ID and redirect address. */
  settingsConnectCheck: (network: NetworkId): Promise<ConnectCheck> =>
    call(() => commands.settingsConnectCheck(network)),
  /** Writes settings and accounts (never secrets or sign-ins) to a JSON file in Documents. */
  dataExport: (): Promise<ExportResult> => call(() => commands.dataExport()),
  /**
   * Imports the contents of an export file. Only adds what is missing; imported accounts
   * need reconnecting. Throws `invalid_input` (with a specific message) for a wrong file.
   */
  dataImport: (contents: string): Promise<ImportSummary> => call(() => commands.dataImport(contents)),
  accountsList: (): Promise<Account[]> => call(() => commands.accountsList()),
  accountsConnectBegin: (
    network: NetworkId,
    reconnectAccountId: string | null,
  ): Promise<ConnectFlow> => call(() => commands.accountsConnectBegin(network, reconnectAccountId)),
  accountsConnectWait: (flowId: string): Promise<Candidate[]> =>
    call(() => commands.accountsConnectWait(flowId)),
  accountsConnectCancel: (flowId: string): Promise<null> =>
    call(() => commands.accountsConnectCancel(flowId)),
  accountsConnectFinish: (flowId: string, externalIds: string[]): Promise<Account[]> =>
    call(() => commands.accountsConnectFinish(flowId, externalIds)),
  accountsDisconnect: (accountId: string): Promise<DisconnectOutcome> =>
    call(() => commands.accountsDisconnect(accountId)),
  accountsCheck: (): Promise<Account[]> => call(() => commands.accountsCheck()),
  /** "Check connections": one cheap call per connection now; answers once all are checked. */
  accountsCheckNow: (): Promise<Account[]> => call(() => commands.accountsCheckNow()),
  /** Demo or live, whether HERALD_DEMO fixed it, and whether real credentials are saved. */
  modeStatus: (): Promise<ModeStatus> => call(() => commands.modeStatus()),
  /**
   * "Use my real accounts": saves the credentials (when given) for live use, then Herald
   * restarts with the real accounts shortly after answering.
   */
  modeUseLive: (credentials: LiveCredentials | null): Promise<null> => call(() => commands.modeUseLive(credentials)),
  /** "Back to demo": Herald restarts with the sample accounts shortly after answering. */
  modeUseDemo: (): Promise<null> => call(() => commands.modeUseDemo()),
  /** Autosave: creates the draft when `draft.id` is null, else updates it. */
  postsSaveDraft: (draft: DraftInput): Promise<Post> => call(() => commands.postsSaveDraft(draft)),
  postsGet: (id: string): Promise<Post> => call(() => commands.postsGet(id)),
  /** The composer's live per-target counters and problems. */
  postsCheck: (draft: DraftInput): Promise<TargetCheck[]> => call(() => commands.postsCheck(draft)),
  /** A post with problems stays a draft; its targets carry the problems. */
  postsSchedule: (id: string): Promise<Post> => call(() => commands.postsSchedule(id)),
  postsUnschedule: (id: string): Promise<Post> => call(() => commands.postsUnschedule(id)),
  postsReschedule: (id: string, at: string, zone: string): Promise<Post> =>
    call(() => commands.postsReschedule(id, at, zone)),
  postsDelete: (id: string): Promise<null> => call(() => commands.postsDelete(id)),
  postsCalendar: (from: string, to: string): Promise<CalendarEntry[]> => call(() => commands.postsCalendar(from, to)),
  postsArchive: (filter: ArchiveFilter): Promise<ArchivePage> => call(() => commands.postsArchive(filter)),
  /** An unconfirmed attempt needs `confirm`: Herald is not sure it was not published already. */
  postsRetry: (attemptId: string, confirm: boolean): Promise<Post> => call(() => commands.postsRetry(attemptId, confirm)),
  postsKeepAsDraft: (attemptId: string): Promise<Post> => call(() => commands.postsKeepAsDraft(attemptId)),
  /** Opens a published post on its network in the system browser (the core picks the address). */
  postsOpenPermalink: (attemptId: string): Promise<null> => call(() => commands.postsOpenPermalink(attemptId)),
  /** All or nothing. */
  postsCreateMany: (drafts: DraftInput[], schedule: boolean): Promise<Post[]> =>
    call(() => commands.postsCreateMany(drafts, schedule)),
  /** All or nothing; each bad row comes back with its line. */
  postsImportCsv: (csv: string): Promise<CsvImport> => call(() => commands.postsImportCsv(csv)),
  postsSettingsGet: (): Promise<PostsSettings> => call(() => commands.postsSettingsGet()),
  /** Answers the settings as saved (the zone checked, the OS zone filled in). */
  postsSettingsSave: (settings: PostsSettings): Promise<PostsSettings> =>
    call(() => commands.postsSettingsSave(settings)),
  /** Calls `cb` whenever a post or an attempt changed (the scheduler's changes included). */
  onPostsChanged: async (cb: () => void): Promise<Unlisten> => {
    try {
      return await events.postsChanged.listen(() => cb());
    } catch (e) {
      throw toAppError(e);
    }
  },
  publishingStatus: (): Promise<PublishingStatus> => call(() => commands.publishingStatus()),
  /** "Pause publishing": holds every due post until resumed. */
  publishingPause: (paused: boolean): Promise<null> => call(() => commands.publishingPause(paused)),
  /** Looks each unconfirmed post up on its network. */
  postsReconcile: (): Promise<ReconcileReport> => call(() => commands.postsReconcile()),
  /** Posts that were due while Herald was not running (for the catch-up prompt). */
  postsMissed: (): Promise<MissedPost[]> => call(() => commands.postsMissed()),
  postsResolveMissed: (attemptIds: string[], action: MissedAction): Promise<null> =>
    call(() => commands.postsResolveMissed(attemptIds, action)),
  /**
   * "Add photos…": the system's file dialog, opened by the core (the web view never sees file
   * paths); the chosen photos come back added to the library. Cancelled: an empty list.
   */
  mediaPickFiles: (title: string): Promise<MediaItem[]> => call(() => commands.mediaPickFiles(title)),
  /** Adds dropped files to the library, all or nothing (a bad file is named in the error). */
  mediaImportFiles: (paths: string[]): Promise<MediaItem[]> => call(() => commands.mediaImportFiles(paths)),
  mediaItem: (id: string): Promise<MediaItem> => call(() => commands.mediaItem(id)),
  /** A `data:image/jpeg;base64,…` thumbnail (made once, cached by the core). */
  mediaThumbnail: (id: string): Promise<string> => call(() => commands.mediaThumbnail(id)),
  /** A fitted copy (JPEG, within the network's limit); the original stays as it is. */
  mediaFit: (id: string, network: NetworkId): Promise<MediaItem> => call(() => commands.mediaFit(id, network)),
  mediaHostGet: (): Promise<MediaHostSettings> => call(() => commands.mediaHostGet()),
  /** A `null` secret keeps the stored one. */
  mediaHostSave: (input: MediaHostInput): Promise<MediaHostSettings> => call(() => commands.mediaHostSave(input)),
  /** Stores a small file, reads it back through the address a network gets, deletes it. */
  mediaHostTest: (): Promise<MediaHostCheck> => call(() => commands.mediaHostTest()),
  mediaHostClear: (): Promise<null> => call(() => commands.mediaHostClear()),
  /** Calls `cb` with the local paths of files dropped on the window. */
  onFileDrop: async (cb: (paths: string[]) => void): Promise<Unlisten> => {
    try {
      return await getCurrentWebview().onDragDropEvent((event) => {
        if (event.payload.type === 'drop') cb(event.payload.paths);
      });
    } catch (e) {
      throw toAppError(e);
    }
  },
  /** The account whose reconnect the tray or a notification asked for (null once taken). */
  shellTakeReconnect: (): Promise<string | null> => call(() => commands.shellTakeReconnect()),
  /** Whether Herald starts in the tray when the user logs in. */
  settingsAutostartGet: (): Promise<boolean> => call(() => commands.settingsAutostartGet()),
  /** Turns start at login on or off; answers the state the system now reports. */
  settingsAutostartSet: (enabled: boolean): Promise<boolean> => call(() => commands.settingsAutostartSet(enabled)),
  /** Calls `cb` when the tray or a notification asks for an account's reconnect. */
  onOpenReconnect: async (cb: () => void): Promise<Unlisten> => {
    try {
      return await events.openReconnect.listen(() => cb());
    } catch (e) {
      throw toAppError(e);
    }
  },
  /** Calls `cb` whenever the backend changed the stored accounts. */
  onAccountsChanged: async (cb: () => void): Promise<Unlisten> => {
    try {
      return await events.accountsChanged.listen(() => cb());
    } catch (e) {
      throw toAppError(e);
    }
  },
};

export type Api = typeof ipc;

/** What the connect popup needs; tests pass a fake of this shape. */
export type ConnectApi = Pick<
  Api,
  'accountsConnectBegin' | 'accountsConnectWait' | 'accountsConnectCancel' | 'accountsConnectFinish'
>;

/** What the accounts page needs besides the connect popup. */
export type AccountsApi = ConnectApi &
  Pick<Api, 'accountsList' | 'accountsCheck' | 'accountsCheckNow' | 'accountsDisconnect' | 'onAccountsChanged'>;

/** What the "Move to another computer" section needs. */
export type TransferApi = Pick<Api, 'dataExport' | 'dataImport' | 'appStatus'>;

/** What the live / demo switch needs. */
export type ModeApi = Pick<Api, 'modeStatus' | 'modeUseLive' | 'modeUseDemo'>;

/** What the "Start at login" section needs. */
export type StartupApi = Pick<Api, 'settingsAutostartGet' | 'settingsAutostartSet'>;

/** What the settings page needs. */
export type SettingsApi = TransferApi &
  ModeApi &
  PostsSettingsApi &
  MediaHostApi &
  StartupApi &
  Pick<
    Api,
    | 'settingsSetLocale'
    | 'credentialsGet'
    | 'credentialsSave'
    | 'settingsConnectSetupGet'
    | 'settingsConnectSetupSave'
    | 'settingsConnectCheck'
  >;

/** The posts' settings section. */
export type PostsSettingsApi = Pick<Api, 'postsSettingsGet' | 'postsSettingsSave'>;

/** The media host's settings section. */
export type MediaHostApi = Pick<Api, 'mediaHostGet' | 'mediaHostSave' | 'mediaHostTest' | 'mediaHostClear'>;

/** Photos: the picker, dropped files, thumbnails and fitted copies. */
export type MediaApi = Pick<Api, 'mediaPickFiles' | 'mediaImportFiles' | 'mediaItem' | 'mediaThumbnail' | 'mediaFit'>;

/** The catch-up prompt. */
export type PublishingApi = Pick<Api, 'postsResolveMissed'>;

/** What the posts pages (composer, calendar, bulk, archive) need. */
export type PostsApi = PostsSettingsApi &
  MediaApi &
  Pick<
    Api,
    | 'accountsList'
    | 'postsSaveDraft'
    | 'postsGet'
    | 'postsCheck'
    | 'postsSchedule'
    | 'postsUnschedule'
    | 'postsReschedule'
    | 'postsDelete'
    | 'postsCalendar'
    | 'postsArchive'
    | 'postsRetry'
    | 'postsKeepAsDraft'
    | 'postsOpenPermalink'
    | 'postsCreateMany'
    | 'postsImportCsv'
    | 'onPostsChanged'
    | 'onFileDrop'
    | 'publishingStatus'
    | 'publishingPause'
    | 'postsReconcile'
  >;

/** What one network's sign-in set-up panel needs. */
export type ConnectSetupApi = Pick<
  Api,
  'credentialsGet' | 'settingsConnectSetupGet' | 'settingsConnectSetupSave' | 'settingsConnectCheck'
>;

/** The largest export file `dataImport` accepts (the backend's limit, checked here before reading). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

export default ipc;
