-- name: alert_subjects
-- Suspects from alerts: never a victim, never restricted (minor_perpetrator material),
-- never an alert whose only evidence is a signal match (no detector and no rule).
SELECT alert_id, subject_account_id AS account_id, role, typology, severity, signal_ids,
       role = 'victim' AS victim, restricted,
       len(detector_ids) = 0 AND len(rule_ids) = 0 AS signal_only
FROM alerts
WHERE list_contains($states::VARCHAR[], state)
ORDER BY alert_id;

-- name: rule_subjects
-- Live block_candidate hits of the published version the hit ran (shadow hits never
-- propose), with the account's signals and whether the rule version may act on its own.
WITH sig AS (
    SELECT account_id, list(DISTINCT signal_id ORDER BY signal_id) AS signal_ids,
           bool_or(minor_perpetrator) AS restricted
    FROM signal_hits GROUP BY account_id
)
SELECT h.rule_ref, h.account_id, max(h.day) AS day, any_value(v.body) AS body,
       coalesce(any_value(sig.signal_ids), []) AS signal_ids,
       coalesce(any_value(sig.restricted), false) AS restricted,
       any_value(ra.approved_by) AS auto_by, any_value(ra.approved_at) AS auto_at
FROM rule_hits h
JOIN rule_versions v
  ON h.rule_ref = v.rule_id || '@' || v.version AND v.state = 'published'
 AND v.content_hash = h.content_hash
LEFT JOIN sig ON sig.account_id = h.account_id
LEFT JOIN block_rule_auto ra
  ON ra.rule_id = v.rule_id AND ra.version = v.version AND ra.revoked_at IS NULL
WHERE h.mode = 'live' AND h.action = 'block_candidate'
GROUP BY h.rule_ref, h.account_id
ORDER BY h.rule_ref, h.account_id;

-- name: rows
-- One row per proposal and identifier, flagged with every reason it may not be proposed.
-- `_bl_protected*` are the views of guards.sql.
CREATE OR REPLACE TEMP TABLE _bl_rows AS
WITH subjects AS (SELECT DISTINCT account_id FROM _bl_props),
own AS (
    SELECT DISTINCT 'account_id' AS id_type, account_id AS value_norm, account_id
    FROM subjects WHERE list_contains($types::VARCHAR[], 'account_id')
    UNION
    SELECT i.id_type, i.value_norm, i.account_id FROM account_identifiers i
    WHERE i.valid AND list_contains($types::VARCHAR[], i.id_type)
      AND i.account_id IN (SELECT account_id FROM subjects)
),
holders AS (
    SELECT i.id_type, i.value_norm, count(DISTINCT i.account_id) AS n
    FROM account_identifiers i SEMI JOIN own o ON o.id_type = i.id_type AND o.value_norm = i.value_norm
    GROUP BY ALL
),
overturned AS (  -- identifier and evidence an upheld appeal cleared
    SELECT a.id_type, a.value_norm, o.subject_account_id,
           coalesce(o.alert_id, 'rule:' || split_part(o.rule_ref, '@', 1)) AS source_ref
    FROM block_entries a JOIN block_entries o ON o.entry_id = a.override_of
    WHERE a.source = 'appeal'
),
allowed AS (  -- identifiers under an allow override in force now
    SELECT DISTINCT id_type, value_norm FROM block_entries
    WHERE action = 'allow' AND state IN ('approved', 'appealed') AND expires_at > $now
)
SELECT p.*, o.id_type, o.value_norm,
       'BE-' || left(sha256(o.id_type || '|' || o.value_norm || '|' || p.action || '|'
                            || p.source_ref), 16) AS entry_id,
       p.account_id IN (SELECT account_id FROM _bl_protected_accounts)
         OR (o.id_type, o.value_norm) IN (SELECT (id_type, value_norm) FROM _bl_protected)
         AS is_protected,
       coalesce(h.n, 1) > $max_accounts AS is_shared,
       EXISTS (SELECT 1 FROM overturned x
               WHERE x.id_type = o.id_type AND x.value_norm = o.value_norm
                 AND x.source_ref = p.source_ref AND x.subject_account_id = p.account_id)
         AS is_overturned,
       (o.id_type, o.value_norm) IN (SELECT (id_type, value_norm) FROM allowed) AS is_allowed
FROM _bl_props p
JOIN own o ON o.account_id = p.account_id
LEFT JOIN holders h ON h.id_type = o.id_type AND h.value_norm = o.value_norm;

-- name: new
-- What is proposed now: clear of every exclusion and not already known (re-proposing is
-- a no-op). Two subjects sharing an identifier under one rule give one entry.
CREATE OR REPLACE TEMP TABLE _bl_new AS
SELECT * FROM _bl_rows
WHERE NOT is_protected AND NOT is_shared AND NOT is_overturned
  AND entry_id NOT IN (SELECT entry_id FROM block_entries)
QUALIFY row_number() OVER (PARTITION BY entry_id ORDER BY account_id) = 1;

-- name: insert
-- An identifier under an allow override is never auto-approved: new evidence against a
-- cleared person goes to an analyst.
INSERT INTO block_entries
SELECT entry_id, id_type, value_norm, action, applies_to, reason_code,
       CASE WHEN is_allowed
            THEN reason || '; identifier is under an allow override (upheld appeal): '
                        || 'new evidence for an analyst'
            ELSE reason END,
       source, account_id, alert_id, rule_ref, list_sort(signal_ids), NULL,
       CASE WHEN auto AND NOT is_allowed THEN 'approved' ELSE 'candidate' END,
       auto AND NOT is_allowed, $now,
       CASE WHEN auto AND NOT is_allowed THEN 'system' END,
       CASE WHEN auto AND NOT is_allowed THEN $now END,
       CASE WHEN auto AND NOT is_allowed THEN $expires END,
       $now, NULL
FROM _bl_new;

-- name: audit_proposed
INSERT INTO block_audit (entry_id, "at", actor, action, from_state, to_state, note)
SELECT entry_id, $now, 'system', 'proposed', NULL, 'candidate',
       coalesce(alert_id, 'rule ' || rule_ref)
FROM _bl_new;

-- name: audit_auto
INSERT INTO block_audit (entry_id, "at", actor, action, from_state, to_state, note)
SELECT entry_id, $now, 'system', 'auto_approved', 'candidate', 'approved',
       'rule ' || rule_ref || ' approved for automatic action by ' || auto_by
FROM _bl_new WHERE auto AND NOT is_allowed;

-- name: grow_signals
-- Evidence grows (an alert gains signals): keep every signal behind a live entry so a
-- later deletion of any of them still propagates.
UPDATE block_entries e
SET signal_ids = list_sort(list_distinct(list_concat(e.signal_ids, r.signal_ids))),
    updated_at = $now
FROM (SELECT entry_id, list_distinct(flatten(list(signal_ids))) AS signal_ids
      FROM _bl_rows GROUP BY entry_id) r
WHERE e.entry_id = r.entry_id AND e.state NOT IN ('rejected', 'removed')
  AND NOT list_has_all(e.signal_ids, r.signal_ids);
