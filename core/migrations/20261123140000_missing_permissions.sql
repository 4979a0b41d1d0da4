-- Permissions Herald needs to publish that the person did not grant at sign-in, as a JSON array
-- of the network's scope names (e.g. ["pages_manage_posts"]). NULL or "[]": nothing missing.

ALTER TABLE accounts ADD COLUMN missing_permissions TEXT;
