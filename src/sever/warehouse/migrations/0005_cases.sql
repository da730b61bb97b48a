-- Cases and SAR drafts: investigation cases built from alerts, their audit log, and the
-- report documents drafted for them. Confidential: nothing customer-facing reads these
-- tables, and no alert table or export refers to them.
-- Times are wall-clock UTC of the engine, except activity_from / activity_to (data time).

CREATE TABLE cases (
    case_id               VARCHAR PRIMARY KEY,  -- 'CASE-' + 6-digit sequence
    state                 VARCHAR NOT NULL,     -- draft, in_review, approved, filed, closed_no_file
    typology              VARCHAR NOT NULL,     -- the case's main typology
    typologies            VARCHAR[] NOT NULL,   -- every typology among its alerts
    detected_at           TIMESTAMP NOT NULL,   -- earliest alert created_at: the filing clock starts
    subject_identified    BOOLEAN NOT NULL,     -- false: 60 days to file instead of 30
    due_at                TIMESTAMP NOT NULL,   -- filing deadline
    prior_case_id         VARCHAR,              -- continuing activity: the case filed before
    prior_document_number VARCHAR,              -- its 14-digit BSA id
    opened_by             VARCHAR NOT NULL,
    opened_at             TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    filed_at              TIMESTAMP,
    bsa_id                VARCHAR,              -- BSA identifier of the filed report
    close_reason          VARCHAR,              -- why it was closed without filing
    next_review_at        TIMESTAMP             -- continuing-activity review (filed + 90 days)
);

CREATE TABLE case_alerts (
    case_id  VARCHAR NOT NULL,
    alert_id VARCHAR NOT NULL,
    role     VARCHAR NOT NULL,                  -- the alert's role when the case was opened
    PRIMARY KEY (case_id, alert_id)
);

-- Suspects only: a victim is never a subject.
CREATE TABLE case_subjects (
    case_id    VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,                -- collector, mule, consumer, other
    PRIMARY KEY (case_id, account_id)
);

-- Append-only: who moved a case and when.
CREATE TABLE case_audit (
    case_id    VARCHAR NOT NULL,
    "at"       TIMESTAMP NOT NULL,
    actor      VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,                -- opened, drafted, approved, filed, closed_no_file
    from_state VARCHAR,
    to_state   VARCHAR,
    note       VARCHAR
);

-- One row per drafted version; the approved version is the one exported.
CREATE TABLE sar_documents (
    doc_id             VARCHAR PRIMARY KEY,     -- case_id + '-v' + version
    case_id            VARCHAR NOT NULL,
    version            INTEGER NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    created_by         VARCHAR NOT NULL,
    include_restricted BOOLEAN NOT NULL,        -- analyst chose to include minor_perpetrator material
    narrative_source   VARCHAR NOT NULL,        -- generated or analyst
    narrative          VARCHAR NOT NULL,
    evidence           JSON NOT NULL,           -- the evidence snapshot the draft was built from
    attachment_csv     VARCHAR NOT NULL,        -- the transaction CSV attachment (<= 1 MB)
    fincen_xml         VARCHAR NOT NULL,        -- validated against the XSD before it was stored
    fincen_sha256      VARCHAR NOT NULL,
    goaml_xml          VARCHAR,
    activity_from      TIMESTAMP NOT NULL,
    activity_to        TIMESTAMP NOT NULL,
    total_usd          DECIMAL(18, 2) NOT NULL,
    approved_by        VARCHAR,
    approved_at        TIMESTAMP
)
