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

/** A date in the current locale, e.g. "12 Mar 2025" / "12 mar 2025". */
export function formatDate(iso: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(current.locale, options).format(date);
}
