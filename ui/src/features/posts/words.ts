// Words for the posts' codes: each problem, attempt reason, state, resolution and CSV problem is
// worded from its code and numbers (never from the backend's message), in the UI's language.
// The maps are typed by the generated enums, so a code added in Rust fails `npm run check` until
// it is worded here; a code a newer backend sends at run time still gets a sentence, never a raw
// identifier.

import type {
  AttemptReason,
  AttemptResolution,
  AttemptState,
  CsvProblem,
  CsvProblemCode,
  EntryState,
  PostProblem,
  ProblemCode,
} from '../../ipc';
import type { MessageKey } from '../../i18n/en';
import { getLocale, t, tList } from '../../i18n/index.svelte';
import { nameOf } from './media.svelte';

export const PROBLEM_KEYS: Record<ProblemCode, MessageKey> = {
  text_empty: 'problem.text_empty',
  text_too_long: 'problem.text_too_long',
  media_required: 'problem.media_required',
  too_many_hashtags: 'problem.too_many_hashtags',
  link_invalid: 'problem.link_invalid',
  account_not_found: 'problem.account_not_found',
  network_cannot_publish: 'problem.network_cannot_publish',
  no_targets: 'problem.no_targets',
  schedule_missing: 'problem.schedule_missing',
  schedule_in_past: 'problem.schedule_in_past',
  zone_unknown: 'problem.zone_unknown',
  too_many_images: 'problem.too_many_images',
  image_unreadable: 'problem.image_unreadable',
  image_type_not_allowed: 'problem.image_type_not_allowed',
  image_too_large: 'problem.image_too_large',
  image_aspect_ratio: 'problem.image_aspect_ratio',
  images_not_yet_supported: 'problem.images_not_yet_supported',
  media_host_required: 'problem.media_host_required',
};

export const REASON_KEYS: Record<AttemptReason, MessageKey> = {
  needs_reconnect: 'attemptReason.needs_reconnect',
  content_rejected: 'attemptReason.content_rejected',
  sign_in_rejected: 'attemptReason.sign_in_rejected',
  rate_limited: 'attemptReason.rate_limited',
  network_unavailable: 'attemptReason.network_unavailable',
  timed_out: 'attemptReason.timed_out',
  server_error: 'attemptReason.server_error',
  interrupted: 'attemptReason.interrupted',
  needs_image: 'attemptReason.needs_image',
  account_gone: 'attemptReason.account_gone',
  not_supported: 'attemptReason.not_supported',
  quota_wait: 'attemptReason.quota_wait',
  missed: 'attemptReason.missed',
  media_host_required: 'attemptReason.media_host_required',
  media_host_unreachable: 'attemptReason.media_host_unreachable',
  media_host_refused: 'attemptReason.media_host_refused',
};

/** `EntryState` is `AttemptState` plus `draft`, so this words both. */
export const STATE_KEYS: Record<EntryState | AttemptState, MessageKey> = {
  draft: 'postState.draft',
  scheduled: 'postState.scheduled',
  publishing: 'postState.publishing',
  published: 'postState.published',
  failed: 'postState.failed',
  unconfirmed: 'postState.unconfirmed',
};

export const RESOLUTION_KEYS: Record<AttemptResolution, MessageKey> = {
  retried: 'resolution.retried',
  kept_as_draft: 'resolution.kept_as_draft',
};

export const CSV_KEYS: Record<CsvProblemCode, MessageKey> = {
  header_missing: 'csvError.header_missing',
  row_malformed: 'csvError.row_malformed',
  bad_date: 'csvError.bad_date',
  bad_time: 'csvError.bad_time',
  in_past: 'csvError.in_past',
  unknown_account: 'csvError.unknown_account',
  invalid_for_target: 'csvError.invalid_for_target',
  too_many_rows: 'csvError.too_many_rows',
  empty: 'csvError.empty',
};

function lookup<K extends string>(map: Record<K, MessageKey>, code: string): MessageKey | null {
  return Object.prototype.hasOwnProperty.call(map, code) ? map[code as K] : null;
}

/** The file name of a path the user chose (`/home/me/Pictures/shop.jpg` → `shop.jpg`). */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function bytes(n: number): string {
  const nf = (v: number, digits: number) =>
    new Intl.NumberFormat(getLocale(), { maximumFractionDigits: digits }).format(v);
  if (n >= 1024 * 1024) return `${nf(n / (1024 * 1024), 1)} MB`;
  if (n >= 1024) return `${nf(n / 1024, 0)} KB`;
  return `${nf(n, 0)} B`;
}

function ratio(thousandths: number): string {
  return new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 2 }).format(thousandths / 1000);
}

/** "Too long by 11 (291/280)" and the like, for one target's problem. */
export function problemText(problem: Pick<PostProblem, 'code' | 'limit' | 'count' | 'image'>, network: string): string {
  const limit = problem.limit ?? 0;
  const count = problem.count ?? 0;
  const params = {
    network,
    limit,
    count,
    over: Math.max(0, count - limit),
    image: problem.image ? nameOf(problem.image) : '',
    limitSize: bytes(limit),
    countSize: bytes(count),
    limitRatio: ratio(limit),
    countRatio: ratio(count),
  };
  const key = lookup(PROBLEM_KEYS, problem.code);
  return key ? t(key, params) : t('problem.unknown', params);
}

/** Why an attempt waits, failed or is unconfirmed. */
export function reasonText(reason: AttemptReason | null | undefined, network: string): string {
  if (!reason) return '';
  const key = lookup(REASON_KEYS, reason);
  return key ? t(key, { network }) : t('attemptReason.unknown', { network });
}

/** A post's, an entry's or an attempt's state. */
export function stateText(state: EntryState | AttemptState): string {
  const key = lookup(STATE_KEYS, state);
  return key ? t(key) : state;
}

/** What the user decided about a failed or unconfirmed attempt. */
export function resolutionText(resolution: AttemptResolution | null | undefined): string {
  if (!resolution) return '';
  const key = lookup(RESOLUTION_KEYS, resolution);
  return key ? t(key) : '';
}

/**
 * One bad CSV row's reason, from its code, the value the row held and, for a target that
 * cannot take the post, that account's name and problems.
 */
export function csvProblemText(
  problem: CsvProblem,
  account: (id: string) => { name: string; network: string } | null,
): string {
  const target = problem.accountId ? account(problem.accountId) : null;
  const network = target?.network ?? t('common.theNetwork');
  const params = {
    value: problem.value ?? '',
    account: target?.name ?? t('common.accountGone'),
    problems: tList(problem.problems.map((p) => problemText(p, network))),
  };
  if (problem.code === 'unknown_account' && !problem.value) return t('csvError.no_account');
  const key = lookup(CSV_KEYS, problem.code);
  return key ? t(key, params) : t('csvError.unknown', params);
}
