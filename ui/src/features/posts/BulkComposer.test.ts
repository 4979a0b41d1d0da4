import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { account, fakeApi, postsSettings } from '../../fixtures';
import BulkComposer from './BulkComposer.svelte';

describe('BulkComposer', () => {
  it('lists every bad CSV row by line and says nothing was imported', async () => {
    const backend = fakeApi();
    const user = userEvent.setup();
    backend.api.postsImportCsv.mockResolvedValue({
      posts: [],
      problems: [
        { line: 3, code: 'bad_date', value: '2025-13-01', accountId: null, problems: [] },
        { line: 7, code: 'unknown_account', value: 'Pizzeria', accountId: null, problems: [] },
        {
          line: 9,
          code: 'invalid_for_target',
          value: null,
          accountId: 'acc-1',
          problems: [{ code: 'image_too_large', limit: 5242880, count: 8388608, image: '/home/me/Pictures/oven.jpg' }],
        },
      ],
    });
    render(BulkComposer, { api: backend.api, accounts: [account()], settings: postsSettings(), ondone: vi.fn() });
    await user.click(screen.getByTestId('csv-text'));
    await user.paste('date,time,text,accounts\n');
    await user.click(screen.getByTestId('csv-import'));
    const errors = await screen.findByTestId('csv-errors');
    expect(errors).toHaveTextContent('3 rows have a problem.');
    expect(errors).toHaveTextContent('Nothing was imported.');
    expect(errors).toHaveTextContent('Line 3: the date "2025-13-01" is not a valid YYYY-MM-DD date');
    expect(errors).toHaveTextContent('Line 7: the account "Pizzeria" is not connected to Herald');
    expect(errors).toHaveTextContent(
      'Line 9: it cannot be published on Bottega Rossi: The image oven.jpg is too large for Google Business Profile (8 MB; at most 5 MB).',
    );
  });

  it('creates all rows at once, or none when a row is incomplete', async () => {
    const backend = fakeApi();
    const user = userEvent.setup();
    render(BulkComposer, { api: backend.api, accounts: [account()], settings: postsSettings(), ondone: vi.fn() });
    await user.click(screen.getByTestId('bulk-drafts'));
    expect(await screen.findByTestId('bulk-row-errors')).toHaveTextContent('Row 1: no text');
    expect(backend.api.postsCreateMany).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('bulk-add'));
    expect(screen.getAllByTestId('bulk-row')).toHaveLength(3);
    await waitFor(() => expect(screen.getAllByRole('button', { name: /Remove row/ })).toHaveLength(3));
  });
});
