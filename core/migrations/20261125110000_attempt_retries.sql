-- The scheduler's own bookkeeping on publish attempts.
-- `tries`: how many calls failed in a way that surely published nothing (network unreachable,
-- a 429) and were put back to wait; past a limit the attempt fails. While an attempt waits
-- (a retry, a quota), it stays `scheduled` with `retry_at` = when it may go and `reason` saying why.
-- `missed`: it was due while Herald was not running, later than the grace period: held for the
-- user to decide (publish now, reschedule, keep as draft) instead of publishing late.
ALTER TABLE publish_attempts ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE publish_attempts ADD COLUMN missed INTEGER NOT NULL DEFAULT 0 CHECK (missed IN (0, 1));

-- Quotas count an account's publishes in a window by when they started.
CREATE INDEX publish_attempts_account_started ON publish_attempts (account_id, started_at);
