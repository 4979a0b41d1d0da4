-- Keyring entries Herald meant to delete but could not (the keyring was locked or gone).
-- Each is retried at the next start and at every connection check until the delete succeeds.
-- Never a secret: only the entry's name, why it goes, and how the attempts went. Errors are
-- stored as an error code (plus the platform's technical detail), not as text for people.

CREATE TABLE pending_keyring_deletions (
    service            TEXT NOT NULL,
    entry              TEXT NOT NULL,
    reason             TEXT NOT NULL CHECK (reason IN ('disconnected', 'replaced', 'connect_rolled_back', 'grant_gone')),
    attempts           INTEGER NOT NULL CHECK (attempts >= 1),
    last_error_code    TEXT NOT NULL,
    last_error_detail  TEXT,
    first_attempt_at   TEXT NOT NULL,
    last_attempt_at    TEXT NOT NULL,
    PRIMARY KEY (service, entry)
) STRICT;
