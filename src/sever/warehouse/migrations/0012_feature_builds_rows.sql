-- How many payments the warehouse held at a build: f_edge slides only if none went away
-- since (retention), as the history before the window says which pairs are first-time.
ALTER TABLE feature_builds ADD COLUMN IF NOT EXISTS txn_rows BIGINT;
