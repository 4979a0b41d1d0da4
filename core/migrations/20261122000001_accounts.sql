-- Accounts and the grants behind them. No secret is ever stored here: tokens live in the OS
-- keyring under the grant's id.

CREATE TABLE grants (
    id          TEXT PRIMARY KEY NOT NULL,
    network     TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id               TEXT PRIMARY KEY NOT NULL,
    network          TEXT NOT NULL,
    external_id      TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('page', 'organization', 'location', 'profile')),
    display_name     TEXT NOT NULL,
    avatar_url       TEXT,
    status           TEXT NOT NULL CHECK (status IN ('connected', 'needs_reconnect', 'disconnected')),
    grant_id         TEXT REFERENCES grants (id) ON DELETE SET NULL,
    connected_at     TEXT NOT NULL,
    token_expires_at TEXT,
    last_checked_at  TEXT,
    last_error       TEXT,
    UNIQUE (network, external_id)
) STRICT;

CREATE INDEX accounts_grant ON accounts (grant_id);

-- Per-network OAuth client ids (public); the client secret, if any, is in the keyring.
CREATE TABLE network_credentials (
    network     TEXT PRIMARY KEY NOT NULL,
    client_id   TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
