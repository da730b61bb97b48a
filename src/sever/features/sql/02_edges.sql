-- Per payer -> payee pair in the window: counts, amounts, timing, escalation.
-- Reads f_ledger, transactions (history before the window); writes f_edge: every pair
-- ({edge_into} = CREATE OR REPLACE, {edge_pairs} empty) or, when the window slid, the pairs
-- whose payments changed ({edge_into} = INSERT INTO, {edge_pairs} picks them; the caller
-- deleted their rows: features.reuse).
{edge_into}
WITH e AS (
    SELECT
        sender_id, receiver_id,
        count(*) AS n_txn,
        sum(amount_usd) AS usd,
        min(ts) AS first_ts,
        max(ts) AS last_ts,
        min_by(amount_usd, ts) AS first_usd,
        max_by(amount_usd, ts) AS last_usd,
        max(amount_usd) AS max_usd,
        count_if(local_hour >= {night_start} OR local_hour < {night_end}) AS n_night,
        count_if(is_plea) AS n_plea,
        count_if(is_gc_crypto) AS n_gc_crypto,
        count_if(is_innocuous) AS n_innocuous,
        count_if(channel = 'p2p') AS n_p2p,
        count_if(channel = 'card') AS n_card,
        max(receiver_country) AS receiver_country
    FROM f_ledger
    WHERE true{edge_pairs}
    GROUP BY sender_id, receiver_id
),
before AS (
    -- Pairs that already paid each other before the window: not first-time payers.
    SELECT DISTINCT t.sender_id, t.receiver_id
    FROM transactions t
    WHERE t.ts <= {window_from} AND t.status = 'completed'{edge_pairs}
)
SELECT
    e.*,
    b.sender_id IS NULL AS first_time,
    -- Escalation: repeated within days, the last payment the largest and well above the first.
    e.n_txn >= 2 AND e.last_usd >= e.first_usd * {escalation_ratio} AND e.last_usd >= e.max_usd
        AND date_diff('second', e.first_ts, e.last_ts) <= {escalation_hours} * 3600 AS escalating,
    date_diff('second', e.first_ts, e.last_ts) / 3600.0 AS span_hours
FROM e
LEFT JOIN before b ON b.sender_id = e.sender_id AND b.receiver_id = e.receiver_id;
