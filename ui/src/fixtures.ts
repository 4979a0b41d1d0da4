// Test data and a fake backend for component tests (imported by *.test.ts only).

import { vi } from 'vitest';
import {
  AppError,
  type Account,
  type Api,
  type AppStatus,
  type ArchiveEntry,
  type Attempt,
  type CalendarEntry,
  type Candidate,
  type ConnectFlow,
  type ConnectSetup,
  type DraftInput,
  type MediaHostSettings,
  type MediaItem,
  type NetworkInfo,
  type Post,
  type PostsSettings,
  type PublishingStatus,
} from './ipc';

/** A normal start: keyring available, no demo, no database recovery. */
export function appStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    demo: false,
    recovery: null,
    keyring: { available: true, detail: null },
    locale: 'en',
    dataDir: '/home/anna/.local/share/herald',
    version: '0.1.0',
    ...overrides,
  };
}

/** The seven networks, deliberately not in display order. */
export function networkInfos(): NetworkInfo[] {
  const info = (
    id: NetworkInfo['id'],
    name: string,
    availability: NetworkInfo['availability'],
  ): NetworkInfo => ({
    id,
    name,
    availability,
    credentialsConfigured: availability === 'available',
    clientSecretRequired: true,
    redirectModes: availability === 'available' ? ['loopback'] : [],
    revocable: availability === 'available' && id !== 'instagram',
  });
  return [
    info('facebook', 'Facebook', 'available'),
    info('wechat', 'WeChat', 'deprecated'),
    info('google_business', 'Google Business Profile', 'available'),
    info('x', 'X', 'later_version'),
    info('instagram', 'Instagram', 'later_version'),
    info('tiktok', 'TikTok', 'coming_soon'),
    info('linkedin', 'LinkedIn', 'later_version'),
  ];
}

export function account(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc-1',
    network: 'google_business',
    externalId: 'locations/111',
    kind: 'location',
    displayName: 'Bottega Rossi',
    avatarUrl: null,
    status: 'connected',
    connectedAt: '2025-03-14T10:30:00Z',
    tokenExpiresAt: null,
    lastCheckedAt: null,
    lastError: null,
    missingPermissions: [],
    statusReason: null,
    statusSince: null,
    ...overrides,
  };
}

export function candidate(overrides: Partial<Candidate> = {}): Candidate {
  return {
    externalId: 'locations/111',
    kind: 'location',
    displayName: 'Bottega Rossi',
    avatarUrl: null,
    alreadyConnected: false,
    ...overrides,
  };
}

export function flow(overrides: Partial<ConnectFlow> = {}): ConnectFlow {
  return {
    flowId: 'flow-1',
    network: 'google_business',
    authorizeUrl: 'http://127.0.0.1:4444/authorize?state=abc',
    expiresAt: '2025-03-14T10:40:00Z',
    reconnectAccountId: null,
    ...overrides,
  };
}

/** A sign-in set-up (Google's by default: loopback, nothing to register). */
export function connectSetup(overrides: Partial<ConnectSetup> = {}): ConnectSetup {
  return {
    network: 'google_business',
    mode: 'loopback',
    allowedModes: ['loopback'],
    port: 0,
    relayUrl: null,
    redirectToRegister: null,
    ...overrides,
  };
}

export function postsSettings(overrides: Partial<PostsSettings> = {}): PostsSettings {
  return { zone: 'Europe/Rome', graceMinutes: 15, osZone: 'Europe/Rome', ...overrides };
}

/** The post a backend would return for `draft` (a draft, no attempts). */
export function post(overrides: Partial<Post> = {}, draft?: DraftInput): Post {
  return {
    id: draft?.id ?? 'post-1',
    text: draft?.text ?? 'Fresh focaccia today',
    link: draft?.link ?? null,
    images: draft?.images ?? [],
    state: 'draft',
    scheduledAt: draft?.scheduledAt ?? null,
    zone: draft?.zone ?? null,
    targets: (draft?.targets ?? []).map((t) => ({ accountId: t.accountId, variant: t.variant, problems: [] })),
    attempts: [],
    createdAt: '2025-03-14T10:30:00Z',
    updatedAt: '2025-03-14T10:30:00Z',
    ...overrides,
  };
}

export function calendarEntry(overrides: Partial<CalendarEntry> = {}): CalendarEntry {
  return {
    postId: 'post-1',
    attemptId: 'att-1',
    accountId: 'acc-1',
    network: 'google_business',
    at: '2025-03-18T08:00:00Z',
    zone: 'Europe/Rome',
    state: 'scheduled',
    excerpt: 'Fresh focaccia today',
    permalink: null,
    reason: null,
    needsReconnect: false,
    firstImage: null,
    ...overrides,
  };
}

export function attempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    id: 'att-1',
    postId: 'post-1',
    accountId: 'acc-1',
    network: 'google_business',
    dueAt: '2025-03-18T08:00:00Z',
    state: 'published',
    startedAt: '2025-03-18T08:00:00Z',
    finishedAt: '2025-03-18T08:00:01Z',
    networkPostId: 'gbp-post-1',
    permalink: 'https://business.google.com/posts/1',
    reason: null,
    retryable: false,
    retryAt: null,
    detail: null,
    resolution: null,
    ...overrides,
  };
}

/** An archive entry; `overrides` go to its attempt, `entry` to the entry itself. */
export function archiveEntry(overrides: Partial<Attempt> = {}, entry: Partial<Omit<ArchiveEntry, 'attempt'>> = {}): ArchiveEntry {
  return {
    attempt: attempt(overrides),
    accountName: 'Bottega Rossi',
    excerpt: 'Fresh focaccia today',
    firstImage: null,
    ...entry,
  };
}

export function publishingStatus(overrides: Partial<PublishingStatus> = {}): PublishingStatus {
  return { paused: false, nextDue: null, quotas: [], ...overrides };
}

export type Deferred<T> = {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
};

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function appError(code: AppError['code'], message = `backend says ${code}`): AppError {
  return new AppError(code, message);
}

/** A fake of the whole ipc module; every command is a vi.fn you can re-program. */
export function mediaItem(overrides: Partial<MediaItem> = {}): MediaItem {
  return {
    id: 'a'.repeat(64),
    name: 'focaccia.jpg',
    format: 'jpeg',
    bytes: 850_000,
    width: 1600,
    height: 1200,
    hasLocation: false,
    fittedFrom: null,
    ...overrides,
  };
}

export function mediaHost(overrides: Partial<MediaHostSettings> & { secretAccessKey?: unknown } = {}): MediaHostSettings {
  const { secretAccessKey: _secret, ...rest } = overrides;
  return {
    configured: false,
    endpoint: '',
    region: '',
    bucket: '',
    accessKeyId: '',
    hasSecret: false,
    pathStyle: false,
    publicBaseUrl: null,
    urlTtlMinutes: 60,
    deleteAfterPublish: true,
    demo: false,
    ...rest,
  };
}

export function fakeApi(state: { accounts?: Account[] } = {}) {
  let accounts = state.accounts ?? [];
  const listeners = new Set<() => void>();
  const postsListeners = new Set<() => void>();
  const reconnectListeners = new Set<() => void>();
  const api = {
    appStatus: vi.fn<Api['appStatus']>(async () => appStatus()),
    appReady: vi.fn<Api['appReady']>(async () => null),
    settingsSetLocale: vi.fn<Api['settingsSetLocale']>(async () => null),
    networksList: vi.fn<Api['networksList']>(async () => networkInfos()),
    credentialsGet: vi.fn<Api['credentialsGet']>(async (network) => ({ network, clientId: '', hasSecret: false })),
    credentialsSave: vi.fn<Api['credentialsSave']>(async (network, clientId, clientSecret) => ({
      network,
      clientId,
      hasSecret: clientSecret !== null,
    })),
    settingsConnectSetupGet: vi.fn<Api['settingsConnectSetupGet']>(async (network) => connectSetup({ network })),
    settingsConnectSetupSave: vi.fn<Api['settingsConnectSetupSave']>(async (network, mode, port, relayUrl) =>
      connectSetup({
        network,
        mode,
        allowedModes: [mode],
        port: port ?? 0,
        relayUrl,
        redirectToRegister: mode === 'relay' ? relayUrl : mode === 'fixed_port' ? `http://127.0.0.1:${port}/callback` : null,
      }),
    ),
    settingsConnectCheck: vi.fn<Api['settingsConnectCheck']>(async (network) => ({
      network,
      ok: true,
      problem: null,
      status: 200,
      detail: null,
    })),
    dataExport: vi.fn<Api['dataExport']>(async () => ({ path: '/home/anna/Documents/herald-export.json' })),
    dataImport: vi.fn<Api['dataImport']>(async () => ({ settings: 0, credentials: 0, accounts: 0, posts: 0, publishingPaused: false })),
    accountsList: vi.fn<Api['accountsList']>(async () => accounts),
    accountsConnectBegin: vi.fn<Api['accountsConnectBegin']>(async (network, reconnectAccountId) =>
      flow({ network, reconnectAccountId }),
    ),
    accountsConnectWait: vi.fn<Api['accountsConnectWait']>(() => new Promise<Candidate[]>(() => {})),
    accountsConnectCancel: vi.fn<Api['accountsConnectCancel']>(async () => null),
    accountsConnectFinish: vi.fn<Api['accountsConnectFinish']>(async () => []),
    accountsDisconnect: vi.fn<Api['accountsDisconnect']>(async (id) => {
      accounts = accounts.filter((a) => a.id !== id);
      return { revoke: 'revoked', detail: null };
    }),
    accountsCheck: vi.fn<Api['accountsCheck']>(async () => accounts),
    accountsCheckNow: vi.fn<Api['accountsCheckNow']>(async () => accounts),
    modeStatus: vi.fn<Api['modeStatus']>(async () => ({
      demo: false,
      forced: false,
      demoAvailable: true,
      liveConfigured: true,
    })),
    modeUseLive: vi.fn<Api['modeUseLive']>(async () => null),
    modeUseDemo: vi.fn<Api['modeUseDemo']>(async () => null),
    shellTakeReconnect: vi.fn<Api['shellTakeReconnect']>(async () => null),
    settingsAutostartGet: vi.fn<Api['settingsAutostartGet']>(async () => false),
    settingsAutostartSet: vi.fn<Api['settingsAutostartSet']>(async (enabled) => enabled),
    onOpenReconnect: vi.fn<Api['onOpenReconnect']>(async (cb) => {
      reconnectListeners.add(cb);
      return () => reconnectListeners.delete(cb);
    }),
    onAccountsChanged: vi.fn<Api['onAccountsChanged']>(async (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    }),
    mediaPickFiles: vi.fn<Api['mediaPickFiles']>(async () => [mediaItem()]),
    mediaImportFiles: vi.fn<Api['mediaImportFiles']>(async (paths) =>
      paths.map((p, i) => mediaItem({ id: `${String(i + 1).repeat(64)}`.slice(0, 64), name: p.split('/').pop() ?? p })),
    ),
    mediaItem: vi.fn<Api['mediaItem']>(async (id) => mediaItem({ id })),
    mediaThumbnail: vi.fn<Api['mediaThumbnail']>(async (id) => `data:image/jpeg;base64,${id.slice(0, 8)}`),
    mediaFit: vi.fn<Api['mediaFit']>(async (id) =>
      mediaItem({ id: 'f'.repeat(64), name: 'forno (fitted).jpg', bytes: 2_900_000, fittedFrom: id }),
    ),
    mediaHostGet: vi.fn<Api['mediaHostGet']>(async () => mediaHost()),
    mediaHostSave: vi.fn<Api['mediaHostSave']>(async (input) =>
      mediaHost({ ...input, configured: true, hasSecret: true }),
    ),
    mediaHostTest: vi.fn<Api['mediaHostTest']>(async () => ({ ok: true, problem: null, detail: null })),
    mediaHostClear: vi.fn<Api['mediaHostClear']>(async () => null),
    postsSaveDraft: vi.fn<Api['postsSaveDraft']>(async (draft) => post({ id: draft.id ?? 'post-1' }, draft)),
    postsGet: vi.fn<Api['postsGet']>(async (id) => post({ id })),
    postsCheck: vi.fn<Api['postsCheck']>(async () => []),
    postsSchedule: vi.fn<Api['postsSchedule']>(async (id) => post({ id, state: 'scheduled' })),
    postsUnschedule: vi.fn<Api['postsUnschedule']>(async (id) => post({ id })),
    postsReschedule: vi.fn<Api['postsReschedule']>(async (id, at, zone) => post({ id, scheduledAt: at, zone })),
    postsDelete: vi.fn<Api['postsDelete']>(async () => null),
    postsCalendar: vi.fn<Api['postsCalendar']>(async () => []),
    postsArchive: vi.fn<Api['postsArchive']>(async () => ({ entries: [], next: null })),
    postsRetry: vi.fn<Api['postsRetry']>(async () => post({ state: 'scheduled' })),
    postsKeepAsDraft: vi.fn<Api['postsKeepAsDraft']>(async () => post()),
    postsOpenPermalink: vi.fn<Api['postsOpenPermalink']>(async () => null),
    postsCreateMany: vi.fn<Api['postsCreateMany']>(async (drafts) => drafts.map((d, i) => post({ id: `post-${i + 1}` }, d))),
    postsImportCsv: vi.fn<Api['postsImportCsv']>(async () => ({ posts: [], problems: [] })),
    postsSettingsGet: vi.fn<Api['postsSettingsGet']>(async () => postsSettings()),
    postsSettingsSave: vi.fn<Api['postsSettingsSave']>(async (s) => postsSettings(s)),
    onPostsChanged: vi.fn<Api['onPostsChanged']>(async (cb) => {
      postsListeners.add(cb);
      return () => postsListeners.delete(cb);
    }),
    onFileDrop: vi.fn<Api['onFileDrop']>(async () => () => {}),
    publishingStatus: vi.fn<Api['publishingStatus']>(async () => publishingStatus()),
    publishingPause: vi.fn<Api['publishingPause']>(async () => null),
    postsReconcile: vi.fn<Api['postsReconcile']>(async () => ({ checked: 0, found: 0, stillUnconfirmed: 0 })),
    postsMissed: vi.fn<Api['postsMissed']>(async () => []),
    postsResolveMissed: vi.fn<Api['postsResolveMissed']>(async () => null),
  } satisfies Api;
  return {
    api,
    setAccounts(next: Account[]) {
      accounts = next;
    },
    emitAccountsChanged() {
      for (const cb of listeners) cb();
    },
    listenerCount: () => listeners.size,
    emitPostsChanged() {
      for (const cb of postsListeners) cb();
    },
    /** The shell asks for `accountId`'s reconnect (tray item or notification click). */
    requestReconnect(accountId: string) {
      api.shellTakeReconnect.mockResolvedValueOnce(accountId);
      for (const cb of reconnectListeners) cb();
    },
  };
}
