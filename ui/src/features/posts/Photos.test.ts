import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, mediaItem } from '../../fixtures';
import type { NetworkId, PostProblem } from '../../ipc';
import Photos from './Photos.svelte';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function setup(images: string[], problems: { network: NetworkId; problem: PostProblem }[] = []) {
  const backend = fakeApi();
  backend.api.mediaItem.mockImplementation(async (id) =>
    mediaItem({ id, name: id === A ? 'forno.jpg' : 'vetrina.png', hasLocation: id === A }),
  );
  const onchange = vi.fn();
  const user = userEvent.setup();
  const view = render(Photos, { api: backend.api, images, problems, onchange });
  return { ...backend, onchange, user, view };
}

describe('Photos', () => {
  it('adds photos from the picker, shows thumbnails and says location data is removed', async () => {
    const { api, onchange, user } = setup([A]);
    expect(await screen.findByAltText('Photo forno.jpg')).toHaveAttribute('src', `data:image/jpeg;base64,${A.slice(0, 8)}`);
    expect(screen.getByTestId('photos-location')).toHaveTextContent('removes the location');
    api.mediaPickFiles.mockResolvedValue([mediaItem({ id: B, name: 'vetrina.png' })]);
    await user.click(screen.getByTestId('photos-add'));
    expect(api.mediaPickFiles).toHaveBeenCalledWith('Add photos to the post');
    expect(onchange).toHaveBeenCalledWith([A, B]);
  });

  it('moves and removes photos with the keyboard-reachable buttons', async () => {
    const { onchange, user } = setup([A, B]);
    await screen.findByText('vetrina.png');
    await user.click(screen.getByRole('button', { name: 'Move vetrina.png earlier' }));
    expect(onchange).toHaveBeenLastCalledWith([B, A]);
    await user.click(screen.getByTestId('photo-remove-0'));
    expect(onchange).toHaveBeenLastCalledWith([B]);
  });

  it('names what a network refuses and swaps in a fitted copy, keeping the original', async () => {
    const problem: PostProblem = { code: 'image_too_large', limit: 4194303, count: 9000000, image: A, fixable: true };
    const { api, onchange, user } = setup([A], [{ network: 'facebook', problem }]);
    expect(await screen.findByTestId('photo-problem-0')).toHaveTextContent('forno.jpg is too large for Facebook');
    await user.click(screen.getByTestId('photo-fit-0-facebook'));
    expect(api.mediaFit).toHaveBeenCalledWith(A, 'facebook');
    expect(onchange).toHaveBeenCalledWith(['f'.repeat(64)]);
    expect(screen.getByTestId('photos-notice')).toHaveTextContent('your original photo is unchanged');
  });

  it('says which file was refused and adds nothing', async () => {
    const { api, onchange, user } = setup([]);
    const { AppError } = await import('../../ipc');
    api.mediaPickFiles.mockRejectedValue(new AppError('invalid_input', 'notes.txt: not a JPEG, PNG or GIF photo'));
    await user.click(screen.getByTestId('photos-add'));
    await waitFor(() => expect(screen.getByTestId('photos-error')).toHaveTextContent('Nothing was added: notes.txt'));
    expect(onchange).not.toHaveBeenCalled();
  });
});
