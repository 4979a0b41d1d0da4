-- Desktop notifications already sent about an account, so each is sent once per threshold per
-- account and not again at every start. `kind` is `expires_20_days`, `expires_7_days`,
-- `expires_1_day` or `needs_reconnect`; an expiry warning is about the sign-in that expires at
-- `for_expiry` (a renewed or reconnected sign-in may be warned about again). A
-- `needs_reconnect` row is removed once the account is connected again.

CREATE TABLE health_notices (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    for_expiry TEXT,
    notified_at TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
) STRICT;

-- When the account's status last changed (the date shown with the reason on the card).
ALTER TABLE accounts ADD COLUMN status_since TEXT;
