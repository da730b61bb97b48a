-- The scan's ledger: completed payments in the look-back window, in USD where rates allow.
-- Reads transactions, accounts, fx_rates; writes f_ledger: the whole window
-- ({ledger_into} = CREATE OR REPLACE), or, when the window slid forward, only the payments
-- new to it ({ledger_into} = INSERT INTO, {ledger_new} picks them; see features.reuse).
{ledger_into}
WITH rates AS (
    SELECT currency, date, usd_rate FROM fx_rates
)
SELECT
    -- Only what later steps read: memo, device and IP stay in transactions (memo is read
    -- once, here, into the flags below).
    t.txn_id, t.ts, t.sender_id, t.receiver_id, t.channel, t.sender_country, t.receiver_country,
    CASE WHEN t.currency = 'USD' THEN CAST(t.amount AS DOUBLE)
         ELSE CAST(t.amount AS DOUBLE) * r.usd_rate END AS amount_usd,
    -- Local hour uses the sender's offset when the source gave one, else UTC.
    hour(t.ts + to_minutes(CAST(coalesce(t.ts_offset_minutes, 0) AS BIGINT))) AS local_hour,
    t.channel IN ('gift_card', 'prepaid', 'crypto') AS is_gc_crypto,
    coalesce(regexp_matches(lower(t.memo), {plea_regex}), false) AS is_plea,
    coalesce(regexp_matches(lower(t.memo), {innocuous_regex}), false) AS is_innocuous
FROM transactions t
LEFT JOIN rates r ON r.currency = t.currency AND r.date = CAST(t.ts AS DATE)
WHERE t.status = 'completed' AND t.ts > {window_from} AND t.ts <= {as_of}{ledger_new};

-- Who the accounts are: age band at the scan date, home country, external or not.
CREATE OR REPLACE TABLE f_party AS
SELECT
    a.account_id, a.kind, a.country, a.kyc_level, a.opened_at, a.closed_at,
    date_diff('year', a.birth_date, CAST({as_of} AS DATE))
      - CASE WHEN strftime(a.birth_date, '%m%d') > strftime(CAST({as_of} AS DATE), '%m%d')
             THEN 1 ELSE 0 END AS age
FROM accounts a;
