import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../ipc';
import { en } from './en';
import { errorText } from './errors';
import { getLocale, resolveLocale, setLocale, t, tCount, tList, tSplit } from './index.svelte';
import { it as itDict } from './it';

afterEach(() => setLocale('en'));

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('dictionaries', () => {
  it('English and Italian have exactly the same keys', () => {
    expect(Object.keys(itDict).sort()).toEqual(Object.keys(en).sort());
  });

  it('no text is empty', () => {
    for (const dict of [en, itDict]) {
      for (const [key, text] of Object.entries(dict)) expect(text.trim(), key).not.toBe('');
    }
  });

  it('each Italian text uses the same placeholders as the English one', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(itDict[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('has a text for every error code the backend can send', () => {
    const codes: AppError['code'][] = [
      'keyring_unavailable', 'credentials_missing', 'network_not_supported', 'flow_not_found',
      'flow_cancelled', 'flow_timed_out', 'state_mismatch', 'consent_denied', 'token_exchange_failed',
      'network_error', 'network_rejected', 'different_account', 'invalid_input', 'not_found', 'storage', 'internal',
    ];
    for (const code of codes) expect(Object.keys(en)).toContain(`error.${code}`);
  });
});

describe('translator', () => {
  it('picks Italian for any it* tag and English otherwise', () => {
    expect(resolveLocale('it')).toBe('it');
    expect(resolveLocale('it-IT')).toBe('it');
    expect(resolveLocale('IT_ch')).toBe('it');
    expect(resolveLocale('en-GB')).toBe('en');
    expect(resolveLocale('de-DE')).toBe('en');
    expect(resolveLocale(null)).toBe('en');
    expect(resolveLocale(undefined)).toBe('en');
  });

  it('fills placeholders and switches language at once', () => {
    expect(t('card.menuLabel', { name: 'Bottega' })).toBe('Actions for Bottega');
    setLocale('it');
    expect(getLocale()).toBe('it');
    expect(t('card.menuLabel', { name: 'Bottega' })).toBe('Azioni per Bottega');
    expect(document.documentElement.lang).toBe('it');
  });

  it('leaves unknown placeholders visible rather than inventing text', () => {
    expect(t('card.menuLabel')).toBe('Actions for {name}');
  });

  it('splits a text around a placeholder so the value can get its own element', () => {
    expect(tSplit('transfer.exported', 'path')).toEqual(['Saved to ', '']);
    expect(tSplit('recovery.newerBody', 'path')[1]).toBe(
      ', and a fresh one was started. Update Herald to get your data back.',
    );
    expect(tSplit('card.menuLabel', 'missing', { name: 'Bottega' })).toEqual(['Actions for Bottega', '']);
  });

  it('picks singular or plural and joins lists in the current language', () => {
    expect(tCount(1, 'transfer.settingsOne', 'transfer.settingsOther')).toBe('1 setting');
    expect(tCount(0, 'transfer.settingsOne', 'transfer.settingsOther')).toBe('0 settings');
    expect(tList([])).toBe('');
    expect(tList(['a'])).toBe('a');
    expect(tList(['a', 'b', 'c'])).toBe('a, b and c');
    setLocale('it');
    expect(tCount(2, 'transfer.settingsOne', 'transfer.settingsOther')).toBe('2 impostazioni');
    expect(tList(['a', 'b'])).toBe('a e b');
  });
});

describe('error texts', () => {
  it('are chosen by code, not by the message', () => {
    const err = new AppError('consent_denied', 'user clicked deny');
    expect(errorText(err)).toBe('You declined access in the browser. Nothing was connected.');
    setLocale('it');
    expect(errorText(err)).toBe('Hai negato l’accesso nel browser. Non è stato collegato nulla.');
  });

  it('name the network when given', () => {
    const err = new AppError('token_exchange_failed', 'HTTP 500');
    expect(errorText(err, 'Google Business Profile')).toMatch(/^Google Business Profile did not answer correctly/);
    expect(errorText(err, 'Google Business Profile')).toMatch(/your existing accounts are untouched/);
  });

  it('fall back to the backend message for a code this UI does not know', () => {
    const err = new AppError('quota_exceeded' as AppError['code'], 'Daily quota reached');
    expect(errorText(err)).toBe('Daily quota reached');
  });
});
