// A tiny reactive translator. `t()` reads the current locale from a rune, so
// any template or $derived that calls it re-renders when the locale changes.

import { en, type MessageKey } from './en';
import { it } from './it';

export type { MessageKey };
export type Locale = 'en' | 'it';
export type Params = Record<string, string | number>;

export const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, it };

/** Locales offered in Settings, named in their own language. */
export const LOCALES: { id: Locale; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'it', name: 'Italiano' },
];

const current = $state<{ locale: Locale }>({ locale: 'en' });

/** Maps a BCP 47 tag (`it-IT`, `en_GB`, `null`) to a supported locale. */
export function resolveLocale(tag: string | null | undefined): Locale {
  return tag && tag.trim().toLowerCase().startsWith('it') ? 'it' : 'en';
}

/** The locale the computer asks for. */
export function systemLocale(): Locale {
  return resolveLocale(typeof navigator === 'undefined' ? null : navigator.language);
}

export function setLocale(locale: Locale): void {
  current.locale = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function getLocale(): Locale {
  return current.locale;
}

export function t(key: MessageKey, params?: Params): string {
  const text = dictionaries[current.locale][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/**
 * The text of `key` split around its `{name}` placeholder, so a template can show that value
 * in its own element (e.g. a file path in monospace). Without the placeholder: `[text, '']`.
 */
export function tSplit(key: MessageKey, name: string, params?: Params): [string, string] {
  const marker = `{${name}}`;
  const text = t(key, params);
  const at = text.indexOf(marker);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + marker.length)];
}

/** `n` with the singular or plural text (English and Italian both have just these two forms). */
export function tCount(n: number, one: MessageKey, other: MessageKey): string {
  return t(n === 1 ? one : other, { count: n });
}

/** "a, b and c" / "a, b e c". */
export function tList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return t('common.listAnd', { rest: items.slice(0, -1).join(', '), last: items[items.length - 1] });
}

/** A date in the current locale, e.g. "12 Mar 2025" / "12 mar 2025". */
export function formatDate(iso: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(current.locale, options).format(date);
}
