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

-- Google: the `accounts/{id}` a location (`locations/{id}`) belongs to; NULL for other networks
-- and for locations connected before it was kept (looked up once, at their first publish).
ALTER TABLE accounts ADD COLUMN parent_id TEXT;

CREATE INDEX posts_state_time ON posts (state, scheduled_at);
CREATE INDEX publish_attempts_time ON publish_attempts (due_at, id);
CREATE INDEX publish_attempts_account_time ON publish_attempts (account_id, due_at, id);
CREATE INDEX publish_attempts_network_time ON publish_attempts (network, due_at, id);
CREATE INDEX publish_attempts_target ON publish_attempts (post_id, account_id);
