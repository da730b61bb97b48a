-- Incremental rule-feature builds: what each build saw, so the next one can recompute only
-- the days new data touches. static_fp covers the SQL text and the parameters (a change
-- there means a full build); txn_rows and txn_runs say which ingest runs' payments it read.
ALTER TABLE rule_feature_builds ADD COLUMN IF NOT EXISTS mode VARCHAR;       -- full, incremental
ALTER TABLE rule_feature_builds ADD COLUMN IF NOT EXISTS from_day DATE;      -- first day rewritten
ALTER TABLE rule_feature_builds ADD COLUMN IF NOT EXISTS static_fp VARCHAR;
ALTER TABLE rule_feature_builds ADD COLUMN IF NOT EXISTS txn_rows BIGINT;
ALTER TABLE rule_feature_builds ADD COLUMN IF NOT EXISTS txn_runs VARCHAR[];
ALTER TABLE rule_feature_builds ADD COLUMN IF NOT EXISTS started_at TIMESTAMP;

-- Each pair's first completed payment day (days since 1970-01-01) over all history.
CREATE TABLE IF NOT EXISTS f_rule_pair_first (
    payer    VARCHAR NOT NULL,
    payee    VARCHAR NOT NULL,
    first_dn INTEGER NOT NULL
);

-- The fx rates the last build read: a changed or new rate rewrites the days from its date.
CREATE TABLE IF NOT EXISTS f_rule_fx_seen (
    currency VARCHAR NOT NULL,
    date     DATE NOT NULL,
    usd_rate DOUBLE NOT NULL
)
