-- Photos Herald put on the media host for a network that fetches them by address (Instagram,
-- Google). A row is written before the upload, so an object of a crashed run is still known
-- and deleted later; `deleted_at` is set once it is gone from the bucket.
CREATE TABLE hosted_media (
    key TEXT PRIMARY KEY NOT NULL,
    attempt_id TEXT NOT NULL,
    network TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX hosted_media_attempt ON hosted_media (attempt_id);
CREATE INDEX hosted_media_left ON hosted_media (uploaded_at) WHERE deleted_at IS NULL;
