-- When each setting last changed. Nullable so the column can be added to an existing table;
-- rows that predate it are stamped with the time of the upgrade (their real age is unknown).

ALTER TABLE settings ADD COLUMN updated_at TEXT;

UPDATE settings SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE updated_at IS NULL;
