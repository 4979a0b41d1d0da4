import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { account } from '../../fixtures';
import { setLocale } from '../../i18n/index.svelte';
import type { Account } from '../../ipc';
import AccountCard from './AccountCard.svelte';

afterEach(() => setLocale('en'));

function renderCard(overrides: Partial<Account> = {}) {
  const onDisconnect = vi.fn();
  const onReconnect = vi.fn();
  const acc = account(overrides);
  const { unmount } = render(AccountCard, { account: acc, onDisconnect, onReconnect });
  return { acc, onDisconnect, onReconnect, unmount, card: screen.getByTestId('account-card') };
}

describe('AccountCard', () => {
  it('says since when an account needs attention, why, and when it was last checked (en and it)', () => {
    const { unmount } = renderCard({
      status: 'needs_reconnect',
      statusReason: 'sign_in_rejected',
      statusSince: '2026-11-12T09:30:00Z',
      lastCheckedAt: '2026-11-20T08:00:00Z',
    });
    expect(screen.getByTestId('status-since')).toHaveTextContent('Needs reconnecting since November 12, 2026');
    expect(screen.getByTestId('last-checked')).toHaveTextContent('Last checked November 20, 2026');
    unmount();
    setLocale('it');
    renderCard({ status: 'disconnected', statusSince: '2026-11-12T09:30:00Z' });
    expect(screen.getByTestId('status-since')).toHaveTextContent('Scollegato dal 12 novembre 2026');
  });

  it('says nothing about "since" for a connected account', () => {
    renderCard({ statusSince: '2026-11-12T09:30:00Z' });
    expect(screen.queryByTestId('status-since')).not.toBeInTheDocument();
  });

  it('shows the page name, network, kind and its id', () => {
    const { card } = renderCard();
    expect(card).toHaveAttribute('data-account-id', 'acc-1');
    expect(within(card).getByRole('heading', { name: 'Bottega Rossi' })).toBeInTheDocument();
    expect(card).toHaveTextContent('Google Business Profile');
    expect(card).toHaveTextContent('Location');
    expect(card.querySelector('svg[data-network="google_business"]')).not.toBeNull();
  });

  it('shows the picture when there is one, else the initial with alt text', () => {
    renderCard({ id: 'a', avatarUrl: 'https://lh3.googleusercontent.com/p.png' });
    expect(screen.getByRole('img', { name: 'Picture of Bottega Rossi' }).tagName).toBe('IMG');
  });

  it('falls back to a coloured initial', () => {
    const { card } = renderCard({ displayName: 'caffè Nero' });
    const avatar = within(card).getByRole('img', { name: 'Picture of caffè Nero' });
    expect(avatar.tagName).toBe('SPAN');
    expect(avatar).toHaveTextContent('C');
  });

  it('writes the connection date in the current language', () => {
    const expectedEn = new Intl.DateTimeFormat('en', { dateStyle: 'long' }).format(new Date('2025-03-14T10:30:00Z'));
    const { card } = renderCard();
    expect(card).toHaveTextContent(`Connected on ${expectedEn}`);
    expect(expectedEn).toMatch(/March/);
  });

  it('writes the date in Italian when Herald speaks Italian', () => {
    setLocale('it');
    const expectedIt = new Intl.DateTimeFormat('it', { dateStyle: 'long' }).format(new Date('2025-03-14T10:30:00Z'));
    const { card } = renderCard();
    expect(expectedIt).toMatch(/marzo/);
    expect(card).toHaveTextContent(`Collegato il ${expectedIt}`);
    expect(card).toHaveTextContent('Sede');
  });

  it.each([
    ['connected', 'Connected'],
    ['needs_reconnect', 'Needs reconnect'],
    ['disconnected', 'Disconnected'],
  ] as const)('badge for %s says "%s"', (status, text) => {
    const { card } = renderCard({ status });
    expect(within(card).getByTestId('status-badge')).toHaveTextContent(text);
  });

  it('shows the last error when there is one', () => {
    const { card } = renderCard({ status: 'needs_reconnect', lastError: 'Token expired on 2 May' });
    expect(within(card).getByTestId('last-error')).toHaveTextContent('Token expired on 2 May');
  });

  it('words the stored reason in the chosen language, with the network detail under it', () => {
    const { card } = renderCard({
      status: 'needs_reconnect',
      statusReason: 'sign_in_rejected',
      lastError: 'invalid_grant: Token has been expired or revoked.',
    });
    expect(within(card).getByTestId('status-reason')).toHaveTextContent(
      'Google Business Profile no longer accepts this sign-in',
    );
    expect(within(card).getByTestId('last-error')).toHaveTextContent('invalid_grant');
  });

  it('words every reason in Italian too', () => {
    setLocale('it');
    for (const [statusReason, words] of [
      ['keyring_entry_missing', 'portachiavi'],
      ['expired_cannot_renew', 'scaduto'],
      ['sign_in_rejected', 'non accetta più'],
      ['check_failed', 'riproverà'],
      ['imported', 'Importato'],
    ] as const) {
      const { card, unmount } = renderCard({ status: 'needs_reconnect', statusReason });
      expect(within(card).getByTestId('status-reason')).toHaveTextContent(words);
      unmount();
    }
  });

  it('leaves a missing permission to its own block', () => {
    const { card } = renderCard({
      status: 'needs_reconnect',
      statusReason: 'permission_missing',
      missingPermissions: ['pages_manage_posts'],
    });
    expect(within(card).queryByTestId('status-reason')).toBeNull();
  });

  it('offers only Disconnect for a healthy connection', async () => {
    const user = userEvent.setup();
    renderCard({ status: 'connected' });
    await user.click(screen.getByTestId('card-menu'));
    expect(screen.getByRole('menu')).toBeInTheDocument();
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent?.trim())).toEqual(['Disconnect']);
    expect(screen.queryByTestId('menu-reconnect')).toBeNull();
  });

  it.each(['needs_reconnect', 'disconnected'] as const)('offers Reconnect when the status is %s', async (status) => {
    const user = userEvent.setup();
    const { onReconnect, acc } = renderCard({ status });
    await user.click(screen.getByTestId('card-menu'));
    expect(screen.getByTestId('menu-reconnect')).toBeInTheDocument();
    await user.click(screen.getByTestId('menu-reconnect'));
    expect(onReconnect).toHaveBeenCalledWith(acc);
  });

  it('labels the menu button with the page name', () => {
    renderCard();
    const button = screen.getByRole('button', { name: 'Actions for Bottega Rossi' });
    expect(button).toHaveAttribute('aria-haspopup', 'menu');
    expect(button).toHaveAttribute('aria-expanded', 'false');
  });

  it('opens the menu from the keyboard and calls onDisconnect', async () => {
    const user = userEvent.setup();
    const { onDisconnect, onReconnect, acc } = renderCard({ status: 'needs_reconnect' });
    const button = screen.getByTestId('card-menu');

    await user.tab();
    expect(button).toHaveFocus();
    await user.keyboard('{Enter}');

    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('menu-reconnect')).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('menu-disconnect')).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('menu-reconnect')).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(screen.getByTestId('menu-disconnect')).toHaveFocus();
    await user.keyboard('{Enter}');

    expect(onDisconnect).toHaveBeenCalledTimes(1);
    expect(onDisconnect).toHaveBeenCalledWith(acc);
    expect(onReconnect).not.toHaveBeenCalled();
    expect(screen.queryByRole('menu')).toBeNull();
    expect(button).toHaveFocus();
  });

  it('closes the menu on Escape and returns focus to the button', async () => {
    const user = userEvent.setup();
    renderCard();
    const button = screen.getByTestId('card-menu');
    button.focus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('menu-disconnect')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(button).toHaveFocus();
  });

  it('does not reconnect while connecting is impossible', async () => {
    const user = userEvent.setup();
    const onReconnect = vi.fn();
    render(AccountCard, {
      account: account({ status: 'needs_reconnect' }),
      canReconnect: false,
      onDisconnect: vi.fn(),
      onReconnect,
    });
    await user.click(screen.getByTestId('card-menu'));
    const item = screen.getByTestId('menu-reconnect');
    expect(item).toHaveAttribute('aria-disabled', 'true');
    await user.click(item);
    expect(onReconnect).not.toHaveBeenCalled();
  });
  it('says which permission is missing, in words, and offers Reconnect there and on the badge', async () => {
    const user = userEvent.setup();
    const { onReconnect, card } = renderCard({
      network: 'facebook',
      kind: 'page',
      status: 'needs_reconnect',
      missingPermissions: ['pages_manage_posts'],
    });
    const missing = within(card).getByTestId('missing-permissions');
    expect(missing).toHaveTextContent('Permission not granted: publish on your Pages');
    await user.click(within(missing).getByRole('button', { name: 'Reconnect' }));
    expect(onReconnect).toHaveBeenCalledTimes(1);
    await user.click(within(card).getByRole('button', { name: 'Reconnect Bottega Rossi' }));
    expect(onReconnect).toHaveBeenCalledTimes(2);
  });

  it('lists several missing permissions in Italian', () => {
    setLocale('it');
    const { card } = renderCard({
      network: 'x',
      status: 'needs_reconnect',
      missingPermissions: ['tweet.write', 'offline.access'],
    });
    expect(within(card).getByTestId('missing-permissions')).toHaveTextContent('pubblicare post e restare collegato');
  });

  it('a deprecated WeChat link can be disconnected and says why it cannot be reconnected', async () => {
    const user = userEvent.setup();
    const onDisconnect = vi.fn();
    const onReconnect = vi.fn();
    render(AccountCard, {
      account: account({ network: 'wechat', kind: 'profile', status: 'needs_reconnect' }),
      deprecated: true,
      onDisconnect,
      onReconnect,
    });
    expect(screen.queryByTestId('badge-reconnect')).toBeNull();
    expect(screen.getByTestId('deprecated-note')).toHaveTextContent('WeChat is deprecated');
    await user.click(screen.getByTestId('card-menu'));
    const unavailable = screen.getByTestId('menu-reconnect-unavailable');
    expect(unavailable).toHaveAttribute('aria-disabled', 'true');
    expect(unavailable).toHaveTextContent('Reconnect unavailable: WeChat no longer accepts new links');
    await user.click(unavailable);
    expect(onReconnect).not.toHaveBeenCalled();
    expect(screen.queryByTestId('menu-reconnect')).toBeNull();
    await user.click(screen.getByTestId('menu-disconnect'));
    expect(onDisconnect).toHaveBeenCalledTimes(1);
  });
});
