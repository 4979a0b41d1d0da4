import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n/index.svelte';
import StatusBadge from './StatusBadge.svelte';

afterEach(() => setLocale('en'));

describe('StatusBadge', () => {
  it.each([
    ['connected', 'Connected'],
    ['needs_reconnect', 'Needs reconnect'],
    ['disconnected', 'Disconnected'],
  ] as const)('says %s in words, not colour only', (status, text) => {
    render(StatusBadge, { status });
    const badge = screen.getByTestId('status-badge');
    expect(badge).toHaveTextContent(text);
    expect(badge).toHaveAttribute('data-status', status);
    expect(badge).toHaveClass(status);
  });

  it('follows the current language', () => {
    setLocale('it');
    render(StatusBadge, { status: 'needs_reconnect' });
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Da ricollegare');
  });

  it('hides the decorative symbol from screen readers', () => {
    render(StatusBadge, { status: 'connected' });
    const symbol = screen.getByTestId('status-badge').querySelector('.symbol');
    expect(symbol).toHaveAttribute('aria-hidden', 'true');
  });
});
