import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { setLocale } from '../../i18n/index.svelte';
import { it as itDict } from '../../i18n/it';
import { CSV_KEYS, PROBLEM_KEYS, REASON_KEYS, RESOLUTION_KEYS, STATE_KEYS, problemText, reasonText } from './words';

const ALL = { ...PROBLEM_KEYS, ...REASON_KEYS, ...STATE_KEYS, ...RESOLUTION_KEYS, ...CSV_KEYS };

describe('words for the posts codes', () => {
  afterEach(() => setLocale('en'));

  it('words every code of the generated enums in English and Italian', () => {
    for (const [code, key] of Object.entries(ALL)) {
      expect(en[key], code).toBeTruthy();
      expect(itDict[key], code).toBeTruthy();
      expect(itDict[key], `${code} is not translated`).not.toBe(en[key]);
    }
  });

  it('names the image, its size and ratio in the image problems', () => {
    const image = '/home/me/Pictures/tall.png';
    expect(problemText({ code: 'image_aspect_ratio', limit: 800, count: 500, image }, 'Instagram')).toBe(
      'The image tall.png is too narrow or too wide for Instagram (its width is 0.5 times its height; the limit is 0.8).',
    );
    setLocale('it');
    expect(problemText({ code: 'image_too_large', limit: 8 * 1024 * 1024, count: 9 * 1024 * 1024, image }, 'X')).toBe(
      "L'immagine tall.png è troppo grande per X (9 MB; al massimo 8 MB).",
    );
    expect(reasonText('quota_wait', 'X')).toBe('In attesa: questo account ha esaurito per ora la quota di pubblicazione di X.');
  });

  it('still says something for a code a newer backend sends', () => {
    expect(problemText({ code: 'brand_new' as never, limit: null, count: null }, 'X')).toBe(
      'This post cannot be published on X as it is.',
    );
    expect(reasonText('brand_new' as never, 'X')).toBe('Something went wrong publishing on X.');
  });
});
