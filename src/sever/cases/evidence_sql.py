"""The statements that gather a case's evidence; run by `sever.cases.evidence`.

Reads cases, case_alerts, case_subjects, alerts, accounts, account_identifiers,
transactions, fx_rates, signal_hits, signals, signal_tags; writes nothing.
Every value is a named parameter: `$case_id`, `$accounts`, `$after`.
"""

from __future__ import annotations

CASE = """
SELECT c.*,
       (SELECT max(d.activity_to) FROM sar_documents d
        WHERE d.case_id = c.prior_case_id AND d.approved_at IS NOT NULL) AS prior_activity_to
FROM cases c WHERE c.case_id = $case_id
"""

ALERTS = """
SELECT a.alert_id, a.subject_account_id, a.role, a.typology, a.score, a.severity, a.state,
       a.reasons, a.detector_ids, a.restricted, a.created_at, a.first_seen, a.last_seen
FROM alerts a JOIN case_alerts c USING (alert_id)
WHERE c.case_id = $case_id
ORDER BY a.created_at, a.alert_id
"""

SUBJECTS = """
SELECT s.account_id, s.role, a.kind, a.display_name, CAST(a.birth_date AS DATE) AS birth_date,
       a.country, a.kyc_level, a.opened_at, a.closed_at
FROM case_subjects s LEFT JOIN accounts a USING (account_id)
WHERE s.case_id = $case_id
ORDER BY s.account_id
"""

IDENTIFIERS = """
SELECT account_id, id_type, min(value_raw) AS value, value_norm AS norm, platform
FROM account_identifiers
WHERE list_contains($accounts, account_id)
GROUP BY account_id, id_type, value_norm, platform
ORDER BY account_id, id_type, value_norm, platform
"""

# The case's evidence: every transaction its alerts cite (for a continuing report, only
# those after the previous report), priced in USD with the latest rate on or before its day.
TXNS = """
WITH cited AS (
    SELECT DISTINCT unnest(a.txn_ids) AS txn_id
    FROM alerts a JOIN case_alerts c USING (alert_id)
    WHERE c.case_id = $case_id
),
ledger AS (
    SELECT t.* FROM transactions t JOIN cited USING (txn_id)
    WHERE $after IS NULL OR t.ts > $after
)
SELECT t.txn_id, t.ts,
       hour(t.ts + to_minutes(CAST(coalesce(t.ts_offset_minutes, 0) AS BIGINT))) AS local_hour,
       t.sender_id, t.receiver_id, t.amount, t.currency,
       CASE WHEN t.currency = 'USD' THEN t.amount
            ELSE CAST(t.amount * r.usd_rate AS DECIMAL(18, 2)) END AS amount_usd,
       t.channel, t.status, t.memo, t.sender_country, t.receiver_country, t.device_id, t.ip
FROM ledger t
ASOF LEFT JOIN fx_rates r ON r.currency = t.currency AND CAST(t.ts AS DATE) >= r.date
ORDER BY t.ts, t.txn_id
"""

PARTIES = """
SELECT account_id, kind, country, CAST(birth_date AS DATE) AS birth_date
FROM accounts WHERE list_contains($accounts, account_id)
"""

# Accounts the engine has ever alerted as victims: protected, never suspects.
KNOWN_VICTIMS = """
SELECT DISTINCT subject_account_id FROM alerts
WHERE role = 'victim' AND list_contains($accounts, subject_account_id)
"""

SIGNALS = """
WITH tags AS (
    SELECT signal_id,
           list_sort(list(tag) FILTER (WHERE kind <> 'report_id')) AS tags,
           list_sort(list(value) FILTER (WHERE kind = 'report_id')) AS report_ids
    FROM signal_tags GROUP BY signal_id
)
SELECT h.account_id, h.signal_id, h.id_type, h.owner, h.harm, s.status, s.confidence,
       h.minor_perpetrator OR coalesce(s.minor_perpetrator, false) AS restricted,
       coalesce(g.tags, []) AS tags,
       list_sort(list_distinct(list_concat(coalesce(g.report_ids, []),
           CASE WHEN h.report_id IS NULL THEN [] ELSE [h.report_id] END))) AS report_ids
FROM signal_hits h
LEFT JOIN signals s USING (signal_id)
LEFT JOIN tags g USING (signal_id)
WHERE list_contains($accounts, h.account_id)
ORDER BY h.account_id, h.signal_id
"""
