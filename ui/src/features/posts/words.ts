// Words for the posts' codes: each problem, attempt reason and state is worded from its code and
// numbers (never from the backend's message), in the UI's language. A code this UI does not know
// yet still gets a sentence, never a raw identifier.

import type { MessageKey } from '../../i18n/en';
import { en } from '../../i18n/en';
import { t } from '../../i18n/index.svelte';
import type { CsvProblem } from '../../ipc';

function known(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export type ProblemLike = { code: string; limit: number | null; count: number | null; image?: string | null };

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
const fileName = (path: string | null | undefined) => (path ? (path.split(/[\\/]/).pop() ?? path) : '');

/** "Too long by 11 (291/280)" and the like, for one target's problem. */
export function problemText(problem: ProblemLike, network: string): string {
  const key = `problem.${problem.code}`;
  const limit = problem.limit ?? 0;
  const count = problem.count ?? 0;
  const params = {
    network,
    limit,
    count,
    over: Math.max(0, count - limit),
    image: fileName(problem.image),
    countMb: megabytes(count),
    limitMb: megabytes(limit),
    ratio: (count / 1000).toFixed(2),
  };
  return known(key) ? t(key, params) : t('problem.unknown', params);
}

/** Why an attempt waits, failed or is unconfirmed. */
export function reasonText(reason: string | null | undefined, network: string): string {
  if (!reason) return '';
  const key = `attemptReason.${reason}`;
  return known(key) ? t(key, { network }) : t('attemptReason.unknown', { network });
}

/** A post's or an attempt's state: draft, scheduled, publishing, published, failed, unconfirmed. */
export function stateText(state: string): string {
  const key = `postState.${state}`;
  return known(key) ? t(key) : state;
}

/** One bad CSV row's reason, from its code (and the value, account and problems it carries). */
export function csvErrorText(error: CsvProblem, accountName: (id: string) => string = (id) => id): string {
  if (error.code === 'invalid_for_target' && error.problems.length > 0) {
    const network = error.accountId ? accountName(error.accountId) : t('common.theNetwork');
    const reason = error.problems.map((p: ProblemLike) => problemText(p, network)).join(' ');
    return t('csvError.invalid_for_target', { reason });
  }
  const key = `csvError.${error.code}`;
  const params = { value: error.value ?? '' };
  return known(key) ? t(key, params) : t('csvError.unknown', params);
}
