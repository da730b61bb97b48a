-- Accounts tied by a shared device, IP, phone or email (one operator, many accounts).
-- Reads account_identifiers; writes f_shared (account pairs and what they share).
CREATE OR REPLACE TABLE f_shared AS
WITH vals AS (
    SELECT id_type, value_norm, list(DISTINCT account_id ORDER BY account_id) AS accts
    FROM account_identifiers
    WHERE id_type IN ({shared_types})
    GROUP BY id_type, value_norm
    HAVING count(DISTINCT account_id) BETWEEN 2 AND {shared_max}
)
SELECT a.account_id AS a, b.account_id AS b, list(DISTINCT v.id_type ORDER BY v.id_type) AS shared
FROM vals v, unnest(v.accts) AS a(account_id), unnest(v.accts) AS b(account_id)
WHERE a.account_id < b.account_id
GROUP BY a.account_id, b.account_id;
