-- Block lists, second step: which rules may add entries without a per-entry approval, and
-- which upheld appeal wrote an `allow` entry.

-- allow entries: the upheld appeal that wrote them (last column, as ALTER appends it).
ALTER TABLE block_entries ADD COLUMN IF NOT EXISTS appeal_id VARCHAR;

-- The appeal behind an audit step (removals by an upheld appeal, its allow entries), so
-- feedback can tell which entries an appeal overturned.
ALTER TABLE block_audit ADD COLUMN IF NOT EXISTS appeal_id VARCHAR;

-- Rules an analyst approved for automatic block-list action: their live block_candidate
-- hits enter as approved entries (auto_approved) without a per-entry approval. Bound to
-- one id@version (frozen by its content hash); maker != checker; revocable.
CREATE TABLE IF NOT EXISTS block_rule_auto (
    rule_id     VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    approved_by VARCHAR NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    note        VARCHAR,
    revoked_by  VARCHAR,
    revoked_at  TIMESTAMP,
    PRIMARY KEY (rule_id, version)
)
