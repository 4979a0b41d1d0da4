// What the UI knows of the media library's photos: their details and thumbnails, by media id,
// loaded once per app run and shared by the composer, the calendar and the archive.

import type { MediaApi, MediaItem } from '../../ipc';

export const media = $state<{ items: Record<string, MediaItem>; thumbs: Record<string, string> }>({
  items: {},
  thumbs: {},
});

const pending = new Map<string, Promise<void>>();

export function remember(items: MediaItem[]): void {
  for (const item of items) media.items[item.id] = item;
}

/** A media id (64 hex digits), as opposed to a path kept from before the library. */
export function isMediaId(ref: string): boolean {
  return /^[0-9a-f]{64}$/.test(ref);
}

/** The name a person recognises a photo by. */
export function nameOf(ref: string): string {
  const known = media.items[ref];
  if (known) return known.name;
  if (isMediaId(ref)) return `${ref.slice(0, 8)}…`;
  const parts = ref.split(/[\\/]/);
  return parts[parts.length - 1] || ref;
}

/** Loads a photo's details and thumbnail once (failures leave it unknown: it shows a placeholder). */
export function load(api: Pick<MediaApi, 'mediaItem' | 'mediaThumbnail'>, id: string): Promise<void> {
  if (!isMediaId(id) || (media.items[id] && media.thumbs[id])) return Promise.resolve();
  let running = pending.get(id);
  if (!running) {
    running = (async () => {
      try {
        if (!media.items[id]) media.items[id] = await api.mediaItem(id);
        if (!media.thumbs[id]) media.thumbs[id] = await api.mediaThumbnail(id);
      } catch {
        // A photo missing from the library: the problem list says so.
      } finally {
        pending.delete(id);
      }
    })();
    pending.set(id, running);
  }
  return running;
}
