-- What the scan's reusable feature tables were last built from, so that a nightly scan
-- redoes only what changed: f_ledger slides with the window, f_shared waits for new
-- identifiers (sever.features.reuse).
CREATE TABLE IF NOT EXISTS feature_builds (
    name        VARCHAR PRIMARY KEY,  -- the table
    static_fp   VARCHAR NOT NULL,     -- its SQL text and parameters
    input_fp    VARCHAR NOT NULL,     -- f_ledger: the fx rates; f_shared: the identifiers
    runs        VARCHAR[],            -- f_ledger: the ingest runs whose payments it read
    window_from TIMESTAMP,
    as_of       TIMESTAMP,
    built_at    TIMESTAMP NOT NULL
);
