-- Detection stage: scan runs, signal hits, per-account scores from detectors and the combiner.

CREATE TABLE scan_runs (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    as_of       TIMESTAMP,
    window_from TIMESTAMP,
    status      VARCHAR NOT NULL,          -- running, ok, failed
    record      JSON                       -- counts per stage, timings, data-quality summary
);

-- Which account carries which live shared signal, and how much the hit weighs.
CREATE TABLE signal_hits (
    account_id  VARCHAR NOT NULL,
    signal_id   VARCHAR NOT NULL,
    id_type     VARCHAR NOT NULL,
    owner       VARCHAR NOT NULL,
    harm        VARCHAR,                   -- typology from the harm tag, if any
    weight      DOUBLE NOT NULL,
    minor_perpetrator BOOLEAN NOT NULL,
    report_id   VARCHAR,
    PRIMARY KEY (account_id, signal_id)
);

-- One row per account the combiner scored in a scan: what the alerts stage reads.
CREATE TABLE account_scores (
    run_id              VARCHAR NOT NULL,
    account_id          VARCHAR NOT NULL,
    role                VARCHAR NOT NULL,  -- collector, mule, victim, consumer, other
    typology            VARCHAR NOT NULL,  -- financial_sextortion, csam_purchase, mule_network
    score               DOUBLE NOT NULL,   -- 0..1
    severity            VARCHAR NOT NULL,  -- low, medium, high, critical
    reasons             VARCHAR[] NOT NULL,
    detector_ids        VARCHAR[] NOT NULL,
    rule_ids            VARCHAR[] NOT NULL,
    signal_ids          VARCHAR[] NOT NULL,
    related_account_ids VARCHAR[] NOT NULL,
    txn_ids             VARCHAR[] NOT NULL,
    first_seen          TIMESTAMP,
    last_seen           TIMESTAMP,
    total_amount_usd    DOUBLE,
    restricted          BOOLEAN NOT NULL,  -- touches minor_perpetrator material
    PRIMARY KEY (run_id, account_id, typology)
)
