-- Alerts stage: deduplicated alerts with their merged evidence, a per-run history, an audit log.
-- Times: first_seen / last_seen / episode_start are data time (UTC, from the ledger);
-- created_at / updated_at / last_activity_at / at are wall-clock time of the engine (UTC).

-- At most one open alert (new, in_review, escalated) per (subject, typology, victim or not):
-- the alerts stage keeps that invariant; a victim alert never merges into a suspect one.
CREATE TABLE alerts (
    alert_id            VARCHAR PRIMARY KEY,   -- 'AL-' + 16 hex of sha256(subject|typology|class|episode date)
    subject_account_id  VARCHAR NOT NULL,
    role                VARCHAR NOT NULL,      -- collector, mule, victim, consumer, other
    typology            VARCHAR NOT NULL,
    score               DOUBLE NOT NULL,       -- newest evidence
    severity            VARCHAR NOT NULL,      -- newest evidence: low, medium, high, critical
    reasons             VARCHAR[] NOT NULL,    -- newest evidence, unredacted (export redacts)
    detector_ids        VARCHAR[] NOT NULL,    -- union over runs
    rule_ids            VARCHAR[] NOT NULL,    -- union over runs
    signal_ids          VARCHAR[] NOT NULL,    -- union over runs
    related_account_ids VARCHAR[] NOT NULL,    -- union over runs
    txn_ids             VARCHAR[] NOT NULL,    -- union over runs
    first_seen          TIMESTAMP,
    last_seen           TIMESTAMP,
    total_amount_usd    DOUBLE,                -- largest total any run reported (never summed)
    restricted          BOOLEAN NOT NULL,      -- touches minor_perpetrator material; sticky
    state               VARCHAR NOT NULL,      -- new, in_review, escalated, dismissed, closed
    episode_start       TIMESTAMP,             -- first activity of this episode: part of the id
    previous_alert_id   VARCHAR,               -- the dismissed/closed alert this one follows
    created_run_id      VARCHAR NOT NULL,
    updated_run_id      VARCHAR NOT NULL,      -- last run that changed the evidence
    created_at          TIMESTAMP NOT NULL,    -- detection date (SAR deadlines count from it)
    updated_at          TIMESTAMP NOT NULL,    -- last change of evidence or state
    last_activity_at    TIMESTAMP NOT NULL     -- last run that brought new evidence
);

-- One row per (alert, run that saw it): the merged evidence after that run.
CREATE TABLE alert_history (
    alert_id         VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    outcome          VARCHAR NOT NULL,         -- created, updated, unchanged
    role             VARCHAR NOT NULL,
    score            DOUBLE NOT NULL,
    severity         VARCHAR NOT NULL,
    reasons          VARCHAR[] NOT NULL,
    n_txns           INTEGER NOT NULL,
    n_signals        INTEGER NOT NULL,
    n_related        INTEGER NOT NULL,
    txn_ids_added    VARCHAR[] NOT NULL,       -- transactions this run added to the evidence
    first_seen       TIMESTAMP,
    last_seen        TIMESTAMP,
    total_amount_usd DOUBLE,
    recorded_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (alert_id, run_id)
);

-- Append-only: who did what to an alert and when ('system' for the engine).
CREATE TABLE alert_audit (
    alert_id   VARCHAR NOT NULL,
    "at"       TIMESTAMP NOT NULL,            -- quoted: AT is a keyword in DuckDB
    actor      VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,               -- created, evidence_updated, state_changed, reopened
    from_state VARCHAR,
    to_state   VARCHAR,
    run_id     VARCHAR,
    note       VARCHAR
)
