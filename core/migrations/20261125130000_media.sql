-- The media library: a copy of every photo attached to a post, in the data directory under
-- media/<id[0..2]>/<id>.<ext>, named by the SHA-256 of its bytes (`id`), so the same photo used
-- twice is stored once and survives its original being moved or deleted. `post_images.path`
-- holds media ids from now on (a path left from before is adopted into the library at start).
-- `used` is set once a post refers to the photo: a photo no post uses any more is freed at
-- once if it was used, or a day after it was added if it never was (the composer adds a photo
-- before its draft is saved).
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    has_location INTEGER NOT NULL DEFAULT 0,
    fitted_from TEXT,
    used INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX post_images_path ON post_images (path);
