-- name: protected
-- Accounts and values that never enter a block list: victims (a victim alert or a victim
-- score in any run), accounts touching minor_perpetrator material (a restricted alert
-- or a minor_perpetrator signal hit), every identifier those accounts hold, and every
-- value a minor_perpetrator signal names.
CREATE OR REPLACE TEMP VIEW _bl_protected_accounts AS
SELECT account_id FROM signal_hits WHERE minor_perpetrator
UNION SELECT subject_account_id FROM alerts WHERE restricted
UNION SELECT subject_account_id FROM alerts WHERE role = 'victim'
UNION SELECT account_id FROM account_scores WHERE role = 'victim';

-- name: protected_values
CREATE OR REPLACE TEMP VIEW _bl_protected AS
SELECT 'account_id' AS id_type, account_id AS value_norm FROM _bl_protected_accounts
UNION
SELECT i.id_type, i.value_norm FROM account_identifiers i
WHERE i.account_id IN (SELECT account_id FROM _bl_protected_accounts)
UNION
SELECT id_type, indicator_norm FROM signals WHERE minor_perpetrator AND id_type IS NOT NULL;

-- name: protected_entries
-- Entries not yet final whose value or subject is protected now (evidence moves on: an
-- account may be found to be a victim after its entry was proposed).
SELECT e.entry_id FROM block_entries e
WHERE e.state NOT IN ('rejected', 'removed') AND e.action <> 'allow'
  AND ((e.id_type, e.value_norm) IN (SELECT (id_type, value_norm) FROM _bl_protected)
       OR e.subject_account_id IN (SELECT account_id FROM _bl_protected_accounts))
ORDER BY e.entry_id;
