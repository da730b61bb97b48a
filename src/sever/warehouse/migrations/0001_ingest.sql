-- Ingest stage: contract tables, quarantine, data-quality results, run records.
-- Timestamps are UTC (TIMESTAMP); the sender's offset is kept where local time matters.

CREATE TABLE ingest_runs (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    data_dir    VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,          -- running, ok, unusable_files, failed
    summary     JSON
);

CREATE TABLE ingest_files (
    run_id      VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    rows_read   BIGINT NOT NULL,
    loaded      BIGINT NOT NULL,           -- inserted or updated
    quarantined BIGINT NOT NULL,
    duplicates  BIGINT NOT NULL,           -- exact duplicates skipped
    status      VARCHAR NOT NULL,          -- ok, unusable
    problem     VARCHAR,
    PRIMARY KEY (run_id, table_name, file_name)
);

-- No index on the ledger: the loader enforces one row per txn_id (conflicts are quarantined),
-- and an ART index on 10M keys would cost more than the load itself.
CREATE TABLE transactions (
    txn_id            VARCHAR NOT NULL,
    ts                TIMESTAMP NOT NULL,
    ts_offset_minutes SMALLINT,            -- sender's UTC offset when the source gave one
    sender_id         VARCHAR NOT NULL,
    receiver_id       VARCHAR NOT NULL,
    amount            DECIMAL(18, 2) NOT NULL,
    currency          VARCHAR NOT NULL,
    channel           VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    memo              VARCHAR,
    sender_country    VARCHAR,
    receiver_country  VARCHAR,
    device_id         VARCHAR,
    ip                VARCHAR,
    source_file       VARCHAR NOT NULL,
    run_id            VARCHAR NOT NULL
);

CREATE TABLE accounts (
    account_id   VARCHAR PRIMARY KEY,
    opened_at    TIMESTAMP NOT NULL,
    kind         VARCHAR NOT NULL,
    birth_date   DATE,
    country      VARCHAR,
    display_name VARCHAR,
    kyc_level    VARCHAR,
    closed_at    TIMESTAMP,
    source_file  VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE account_identifiers (
    account_id  VARCHAR NOT NULL,
    id_type     VARCHAR NOT NULL,
    value_raw   VARCHAR NOT NULL,
    value_norm  VARCHAR NOT NULL,
    valid       BOOLEAN NOT NULL,          -- false: kept for matching, flagged (e.g. bad checksum)
    platform    VARCHAR NOT NULL DEFAULT '',
    first_seen  TIMESTAMP,
    last_seen   TIMESTAMP,
    source_file VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL
    -- unique on (account_id, id_type, value_raw, platform), enforced by the loader
);

-- Signals keep only what matching needs: the normalised indicator, never the raw one.
CREATE TABLE signals (
    signal_id      VARCHAR PRIMARY KEY,
    signal_type    VARCHAR NOT NULL,
    id_type        VARCHAR,                -- the account_identifiers type it matches, if any
    indicator_norm VARCHAR NOT NULL,
    indicator_valid BOOLEAN NOT NULL,
    owner          VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    confidence     SMALLINT,
    platform       VARCHAR NOT NULL DEFAULT '',
    added_on       TIMESTAMP NOT NULL,
    last_active    TIMESTAMP,
    expired_on     TIMESTAMP,
    minor_perpetrator BOOLEAN NOT NULL,
    source_file    VARCHAR NOT NULL,
    run_id         VARCHAR NOT NULL
);

CREATE TABLE signal_tags (
    signal_id VARCHAR NOT NULL,
    tag       VARCHAR NOT NULL,            -- normalised tag as received
    kind      VARCHAR NOT NULL,            -- harm, flag, report_id, platform, other
    value     VARCHAR NOT NULL,            -- e.g. sextortion, 12345678, instagram
    PRIMARY KEY (signal_id, tag)
);

-- After an owner deletes a signal only this may be kept.
CREATE TABLE signal_tombstones (
    signal_id   VARCHAR PRIMARY KEY,
    signal_type VARCHAR NOT NULL,
    removed_on  DATE NOT NULL
);

CREATE TABLE fx_rates (
    currency VARCHAR NOT NULL,
    date     DATE NOT NULL,
    usd_rate DOUBLE NOT NULL,
    PRIMARY KEY (currency, date)
);

CREATE TABLE quarantine (
    table_name VARCHAR NOT NULL,
    file_name  VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,            -- 1-based data row (CSV: line number, header = 1)
    raw_digest VARCHAR NOT NULL,           -- md5 of the raw row: makes re-ingest idempotent
    reasons    VARCHAR[] NOT NULL,
    raw        VARCHAR,
    first_run_id VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (table_name, file_name, row_number, raw_digest)
);

CREATE TABLE dq_results (
    run_id           VARCHAR NOT NULL,
    table_name       VARCHAR NOT NULL,
    file_name        VARCHAR NOT NULL,
    expectation_type VARCHAR NOT NULL,
    column_name      VARCHAR,
    kwargs           JSON,
    success          BOOLEAN NOT NULL,
    element_count    BIGINT NOT NULL,
    unexpected_count BIGINT NOT NULL,
    severity         VARCHAR NOT NULL      -- quarantine (row-level) or observe (reported only)
);
