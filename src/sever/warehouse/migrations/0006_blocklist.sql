-- Block lists: proposed and approved entries, appeals, numbered releases, what each payment
-- system acknowledged loading, and what real-time screening decided (no identifiers kept).
-- Times are wall-clock UTC of the engine. value_norm is the normalised identifier: the
-- warehouse keeps it (keyed hashes are computed per recipient at release time); releases
-- carry keyed hashes unless a recipient is configured for raw values.

CREATE TABLE IF NOT EXISTS block_entries (
    entry_id           VARCHAR PRIMARY KEY,   -- 'BE-' + 16 hex of sha256(id_type|value_norm|action|source ref)
    id_type            VARCHAR NOT NULL,      -- account_id or a contract identifier type
    value_norm         VARCHAR NOT NULL,
    action             VARCHAR NOT NULL,      -- block, review, warn, allow
    applies_to         VARCHAR NOT NULL,      -- payee, payer, either
    reason_code        VARCHAR NOT NULL,      -- stable code a payment system can show or map
    reason             VARCHAR NOT NULL,      -- analyst-facing text (never exported)
    source             VARCHAR NOT NULL,      -- alert, rule, analyst, appeal
    subject_account_id VARCHAR,
    alert_id           VARCHAR,
    rule_ref           VARCHAR,               -- 'id@version' of the proposing rule
    signal_ids         VARCHAR[] NOT NULL,    -- signals behind the evidence (deletion propagates)
    override_of        VARCHAR,               -- allow entries: the entry an upheld appeal overturned
    state              VARCHAR NOT NULL,      -- candidate, approved, rejected, appealed, removed, expired
    auto_approved      BOOLEAN NOT NULL,      -- added by a rule approved for automatic action
    proposed_at        TIMESTAMP NOT NULL,
    decided_by         VARCHAR,
    decided_at         TIMESTAMP,
    expires_at         TIMESTAMP,             -- set on approval; renewals move it
    updated_at         TIMESTAMP NOT NULL
);

-- Append-only: every step of an entry's life, 'system' for the engine.
CREATE TABLE IF NOT EXISTS block_audit (
    entry_id   VARCHAR NOT NULL,
    "at"       TIMESTAMP NOT NULL,
    actor      VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,   -- proposed, approved, auto_approved, rejected, renewed, appealed,
                                   -- appeal_upheld, appeal_denied, expired, removed, purged
    from_state VARCHAR,
    to_state   VARCHAR,
    note       VARCHAR
);

CREATE TABLE IF NOT EXISTS block_appeals (
    appeal_id     VARCHAR PRIMARY KEY,       -- 'AP-' + 6-digit sequence
    entry_id      VARCHAR NOT NULL,
    filed_at      TIMESTAMP NOT NULL,
    filed_by      VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    state         VARCHAR NOT NULL,          -- open, upheld, denied
    decided_by    VARCHAR,
    decided_at    TIMESTAMP,
    decision_note VARCHAR
);

-- One row per (release, recipient): releases are numbered globally, materialised per recipient.
CREATE TABLE IF NOT EXISTS block_releases (
    release_no   INTEGER NOT NULL,
    recipient    VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   VARCHAR NOT NULL,
    previous_no  INTEGER,
    n_entries    INTEGER NOT NULL,
    n_added      INTEGER NOT NULL,
    n_removed    INTEGER NOT NULL,
    checksum     VARCHAR NOT NULL,           -- sha256 of the entries file
    path         VARCHAR NOT NULL,
    manifest     JSON NOT NULL,
    PRIMARY KEY (release_no, recipient)
);

-- The entries a release holds (the same set for every recipient of that release).
CREATE TABLE IF NOT EXISTS block_release_entries (
    release_no  INTEGER NOT NULL,
    entry_id    VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    expires_at  TIMESTAMP,
    PRIMARY KEY (release_no, entry_id)
);

-- Which payment system reported loading which release.
CREATE TABLE IF NOT EXISTS block_acks (
    client_id   VARCHAR NOT NULL,            -- the payment system (service client or CLI name)
    recipient   VARCHAR NOT NULL,
    release_no  INTEGER NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,          -- when the client says it loaded the release
    reported_at TIMESTAMP NOT NULL,
    via         VARCHAR NOT NULL             -- http, cli
);

-- Real-time screening outcomes, loaded from the service's decision logs: no identifiers.
CREATE TABLE IF NOT EXISTS screen_outcomes (
    decision_id  VARCHAR PRIMARY KEY,
    client_id    VARCHAR NOT NULL,
    recipient    VARCHAR NOT NULL,
    release_no   INTEGER NOT NULL,
    decided_at   TIMESTAMP NOT NULL,
    action       VARCHAR NOT NULL,           -- block, review, warn, allow, pass
    amount_usd   DOUBLE,
    channel      VARCHAR,
    reason_codes VARCHAR[] NOT NULL,
    entry_ids    VARCHAR[] NOT NULL
);
