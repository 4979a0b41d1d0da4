-- Posts, their targets and every publish attempt. What a user reads later is stored as codes
-- and parameters (reason codes, problems as JSON codes), never as English text; `detail` keeps
-- only a network's own words, bounded and cleaned. Instants are UTC milliseconds since the
-- epoch (so they order as numbers); `zone` is the IANA zone the user scheduled in.
-- No foreign key to accounts: a disconnected account's posts and attempts stay in the archive.

CREATE TABLE posts (
    id            TEXT PRIMARY KEY NOT NULL,
    text          TEXT NOT NULL,
    link          TEXT,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'scheduled')),
    scheduled_at  INTEGER,
    zone          TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE post_targets (
    post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    variant     TEXT,
    -- JSON array of {code, limit?, count?}: why this target cannot be scheduled. NULL: unchecked.
    problems    TEXT,
    PRIMARY KEY (post_id, account_id)
) STRICT;

-- scheduled → publishing → published | failed | unconfirmed. `publishing` is written (and
-- synced) before the network call; an attempt found in it at start becomes `unconfirmed`.
CREATE TABLE publish_attempts (
    id               TEXT PRIMARY KEY NOT NULL,
    post_id          TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id       TEXT NOT NULL,
    network          TEXT NOT NULL,
    due_at           INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('scheduled', 'publishing', 'published', 'failed', 'unconfirmed')),
    started_at       INTEGER,
    finished_at      INTEGER,
    network_post_id  TEXT,
    permalink        TEXT,
    reason           TEXT,
    retryable        INTEGER NOT NULL DEFAULT 0 CHECK (retryable IN (0, 1)),
    retry_at         INTEGER,
    detail           TEXT
) STRICT;

CREATE INDEX publish_attempts_due ON publish_attempts (state, due_at);
CREATE INDEX publish_attempts_post ON publish_attempts (post_id);
