-- The posts API: images stored with a post, what the user decided about a failed or
-- unconfirmed attempt, the Google account a location belongs to, and indexes for the calendar
-- (a time range) and the archive (newest first, by account or network).

CREATE TABLE post_images (
    post_id   TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    path      TEXT NOT NULL,
    PRIMARY KEY (post_id, position)
) STRICT;

-- 'retried' | 'kept_as_draft'; NULL: nobody decided (yet).
ALTER TABLE publish_attempts ADD COLUMN resolution TEXT;
-- What the calendar shows without reading the post: the start of the text sent (≤ 120
-- characters) and the zone, written with the attempt (a scheduled post's text cannot change
-- without it going back to draft); NULL for attempts written before (read from the post then).
ALTER TABLE publish_attempts ADD COLUMN excerpt TEXT;
ALTER TABLE publish_attempts ADD COLUMN zone TEXT;
-- 1: a later attempt for the same target exists, or the post went back to draft: the archive
-- keeps it, the calendar shows the post's current state instead.
ALTER TABLE publish_attempts ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1));

-- Google: the `accounts/{id}` a location (`locations/{id}`) belongs to; NULL for other networks
-- and for locations connected before it was kept (looked up once, at their first publish).
ALTER TABLE accounts ADD COLUMN parent_id TEXT;

CREATE INDEX posts_state_time ON posts (state, scheduled_at);
CREATE INDEX publish_attempts_time ON publish_attempts (due_at, id);
CREATE INDEX publish_attempts_calendar ON publish_attempts (due_at) WHERE superseded = 0;
CREATE INDEX publish_attempts_account_time ON publish_attempts (account_id, due_at, id);
CREATE INDEX publish_attempts_network_time ON publish_attempts (network, due_at, id);
CREATE INDEX publish_attempts_target ON publish_attempts (post_id, account_id);
