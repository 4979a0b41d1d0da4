-- Why an account has its status, as a code the UI words in the user's language
-- (`keyring_entry_missing`, `expired_cannot_renew`, `sign_in_rejected`, `check_failed`,
-- `permission_missing`, `imported`). `last_error` keeps only the technical detail (often the
-- network's own words). Rows from before have no code: the UI then shows the detail alone.

ALTER TABLE accounts ADD COLUMN status_reason TEXT;
