-- Unattended operations: the run log of scheduled jobs, the state of each delivered
-- partition, the signal export files already applied, and the signals expired by housekeeping.
-- Times are wall-clock UTC of the engine, except partition_day (the institution's day).

-- One row per job run (a scheduled tick or `sever schedule run`), written when it starts.
CREATE TABLE IF NOT EXISTS ops_runs (
    run_id      VARCHAR PRIMARY KEY,       -- 'ops-<job>-YYYYmmddTHHMMSS-<hex>'
    job         VARCHAR NOT NULL,
    trigger     VARCHAR NOT NULL,          -- schedule, manual
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,          -- running, ok, warning, failed, abandoned
    attempts    INTEGER NOT NULL,          -- tries so far (retries back off)
    host        VARCHAR NOT NULL,
    pid         INTEGER NOT NULL,
    summary     VARCHAR,                   -- one line for `sever schedule list`
    record      JSON                       -- inputs, counts per stage, data quality, timings, errors
);

-- One row per day folder found in the inbox: pending -> running -> done (or failed, retried).
-- A 'running' row found by the next run is from a process that died: it is retried.
CREATE TABLE IF NOT EXISTS ops_partitions (
    partition_day DATE PRIMARY KEY,
    path          VARCHAR NOT NULL,
    state         VARCHAR NOT NULL,        -- pending, running, done, failed
    attempts      INTEGER NOT NULL,        -- scans started, interrupted ones included
    fingerprint   VARCHAR,                 -- the folder's files (names, sizes, times) when scanned
    ops_run_id    VARCHAR,                 -- the job run that last touched it
    scan_run_id   VARCHAR,                 -- the scan that finished it
    discovered_at TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    last_error    VARCHAR
);

-- Signal export files applied from the drop folder: each content once.
CREATE TABLE IF NOT EXISTS ops_signal_files (
    sha256        VARCHAR PRIMARY KEY,
    file_name     VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    status        VARCHAR NOT NULL,        -- applied, unusable
    ingest_run_id VARCHAR NOT NULL,
    ops_run_id    VARCHAR NOT NULL,
    applied_at    TIMESTAMP NOT NULL,
    counts        JSON                     -- read, loaded, quarantined, duplicates
);

-- Signals purged after their expired_on: what remains for reporting (no indicator).
CREATE TABLE IF NOT EXISTS signal_expirations (
    signal_id   VARCHAR PRIMARY KEY,
    signal_type VARCHAR NOT NULL,
    owner       VARCHAR NOT NULL,
    expired_on  TIMESTAMP NOT NULL,
    purged_at   TIMESTAMP NOT NULL
)
