// Localized text for an error from the backend. Callers switch on the typed
// `code`, never on the message; a code this UI does not know yet falls back
// to the backend's own message.

import { AppError, toAppError } from '../ipc';
import { en, type MessageKey } from './en';
import { t } from './index.svelte';

export function errorKey(error: AppError): MessageKey | null {
  const key = `error.${error.code}`;
  return Object.prototype.hasOwnProperty.call(en, key) ? (key as MessageKey) : null;
}

/** `network` is the display name used in texts such as "Google did not answer…". */
export function errorText(error: unknown, network?: string): string {
  const appError = error instanceof AppError ? error : toAppError(error);
  const key = errorKey(appError);
  if (!key) return appError.message || t('error.internal');
  return t(key, { network: network ?? t('common.theNetwork') });
}
