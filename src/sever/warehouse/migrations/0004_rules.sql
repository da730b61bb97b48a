-- Analyst rules: versions and approvals (governance), what each scan ran and what it hit.
-- A rule version is identified as 'id@version'; its content hash is the sha256 of its
-- canonical YAML (cases left out). Times are wall-clock UTC of the engine, `day` is data time.
-- IF NOT EXISTS: the file can be renumbered without breaking warehouses that applied it.

-- Draft rows are what scans ran before publication (replaced while draft); a published row
-- never changes: the same id@version with other content is refused.
CREATE TABLE IF NOT EXISTS rule_versions (
    rule_id      VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL,
    body         JSON NOT NULL,            -- the rule as validated, cases left out
    published_at TIMESTAMP,
    published_by VARCHAR,
    state        VARCHAR NOT NULL,         -- draft, published
    PRIMARY KEY (rule_id, version)
);

-- Maker != checker: the approver is never the rule's owner nor its publisher.
CREATE TABLE IF NOT EXISTS rule_approvals (
    rule_id     VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    approved_by VARCHAR NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    note        VARCHAR,
    PRIMARY KEY (rule_id, version, approved_by)
);

-- One row per rule a scan evaluated: the mode it declared, the mode it ran in and why.
CREATE TABLE IF NOT EXISTS rule_evaluations (
    run_id        VARCHAR NOT NULL,
    rule_ref      VARCHAR NOT NULL,        -- 'id@version'
    content_hash  VARCHAR NOT NULL,
    declared_mode VARCHAR NOT NULL,        -- live, shadow (disabled rules are not evaluated)
    mode          VARCHAR NOT NULL,        -- live, shadow
    note          VARCHAR NOT NULL,        -- e.g. 'approved', 'published, awaiting approval'
    day_from      DATE NOT NULL,
    day_to        DATE NOT NULL,
    hits          BIGINT NOT NULL,
    accounts      BIGINT NOT NULL,
    seconds       DOUBLE NOT NULL,
    PRIMARY KEY (run_id, rule_ref)
);

-- Every (account, day) a rule's condition held; shadow hits never become alerts.
CREATE TABLE IF NOT EXISTS rule_hits (
    run_id          VARCHAR NOT NULL,
    rule_ref        VARCHAR NOT NULL,      -- 'id@version'
    content_hash    VARCHAR NOT NULL,
    account_id      VARCHAR NOT NULL,      -- the account the hit is about
    counterparty_id VARCHAR,               -- pair rules: the other side
    day             DATE NOT NULL,
    mode            VARCHAR NOT NULL,      -- live, shadow
    action          VARCHAR NOT NULL,      -- alert, review, block_candidate
    "values"        JSON NOT NULL          -- the features the rule read, by name
);

-- When f_rule_account_day / f_rule_pair_day were built, from which state of the inputs.
CREATE TABLE IF NOT EXISTS rule_feature_builds (
    built_at    TIMESTAMP NOT NULL,
    fingerprint VARCHAR NOT NULL,
    seconds     DOUBLE NOT NULL,
    account_day_rows BIGINT NOT NULL,
    pair_day_rows    BIGINT NOT NULL
)
