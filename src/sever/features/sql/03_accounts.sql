-- Per-account features as payee (inbound) and as payer (outbound).
-- Reads f_ledger, f_edge, f_party; writes f_in, f_out (dwell is features.dwell's, later).
-- Distinct counts come from group-bys of their own: a single DISTINCT aggregate sends the
-- whole group-by down DuckDB's slow path (about 4x slower on 10M payments).
CREATE OR REPLACE TABLE f_out AS
WITH small AS (
    -- Consumer pattern: small remittances to the jurisdictions of concern for exploitation.
    SELECT sender_id, count(DISTINCT receiver_id) AS receivers,
           count(DISTINCT CAST(ts AS DATE)) AS days
    FROM f_ledger
    WHERE receiver_country IN ({concern_csam}) AND amount_usd BETWEEN {small_min} AND {small_max}
    GROUP BY sender_id
),
receivers AS (
    -- f_edge has one row per payer and payee of f_ledger.
    SELECT sender_id, count(*) AS n FROM f_edge GROUP BY sender_id
),
agg AS (
    SELECT
        l.sender_id AS account_id,
        count(*) AS out_n,
        min(l.ts) AS first_out_ts,
        sum(l.amount_usd) AS out_usd,
        count_if(l.channel = 'p2p') AS out_p2p_n,
        sum(l.amount_usd) FILTER (WHERE l.receiver_country IS NOT NULL
            AND l.receiver_country <> coalesce(p.country, l.sender_country, '')) AS out_abroad_usd,
        sum(l.amount_usd) FILTER (WHERE l.receiver_country IN ({concern_sextortion}))
            AS out_concern_usd,
        sum(l.amount_usd) FILTER (WHERE l.channel IN ('remittance', 'wire', 'crypto',
            'cash_withdrawal', 'gift_card', 'prepaid')) AS out_cashout_usd,
        count(*) FILTER (WHERE l.receiver_country IN ({concern_csam})
            AND l.amount_usd BETWEEN {small_min} AND {small_max}) AS small_concern_n,
        count(*) FILTER (WHERE l.receiver_country IN ({concern_csam})
            AND l.amount_usd BETWEEN {small_min} AND {small_max}
            AND (l.local_hour >= {night_start} OR l.local_hour < {night_end}))
            AS small_concern_night_n,
        count(*) FILTER (WHERE l.receiver_country IN ({concern_csam})
            AND l.amount_usd BETWEEN {small_min} AND {small_max} AND l.is_innocuous)
            AS small_concern_innocuous_n,
        stddev_pop(l.amount_usd) FILTER (WHERE l.receiver_country IN ({concern_csam}))
            / nullif(avg(l.amount_usd) FILTER (WHERE l.receiver_country IN ({concern_csam})), 0)
            AS concern_amount_cv
    FROM f_ledger l
    LEFT JOIN f_party p ON p.account_id = l.sender_id
    GROUP BY l.sender_id
)
SELECT
    a.account_id, a.out_n, a.first_out_ts, a.out_usd,
    r.n AS out_receivers,
    a.out_p2p_n, a.out_abroad_usd, a.out_concern_usd, a.out_cashout_usd, a.small_concern_n,
    coalesce(s.receivers, 0) AS small_concern_receivers,
    a.small_concern_night_n, a.small_concern_innocuous_n,
    coalesce(s.days, 0) AS small_concern_days,
    a.concern_amount_cv
FROM agg a
LEFT JOIN receivers r ON r.sender_id = a.account_id
LEFT JOIN small s ON s.sender_id = a.account_id;

CREATE OR REPLACE TABLE f_in AS
WITH payer AS (
    SELECT e.*, p.age AS payer_age, coalesce(o.out_p2p_n, 0) - e.n_p2p AS payer_other_p2p,
           -- Friends pay each other back; an extortionist never pays its victims.
           back.sender_id IS NOT NULL AS reciprocal
    FROM f_edge e
    LEFT JOIN f_party p ON p.account_id = e.sender_id
    LEFT JOIN f_out o ON o.account_id = e.sender_id
    LEFT JOIN f_edge back ON back.sender_id = e.receiver_id AND back.receiver_id = e.sender_id
),
arrivals AS (
    -- First-time payers arriving per day, summed over a rolling 72 h (3-day) window.
    SELECT receiver_id, d, sum(n) OVER (PARTITION BY receiver_id ORDER BY d
                                        RANGE BETWEEN INTERVAL 2 DAY PRECEDING AND CURRENT ROW) AS n3
    FROM (SELECT receiver_id, CAST(first_ts AS DATE) AS d, count(*) AS n
          FROM f_edge WHERE first_time GROUP BY receiver_id, CAST(first_ts AS DATE))
),
burst AS (SELECT receiver_id, max(n3) AS max_new_payers_72h FROM arrivals GROUP BY receiver_id)
SELECT
    receiver_id AS account_id,
    count(*) AS payers,
    sum(n_txn) AS in_n,
    sum(usd) AS in_usd,
    count_if(first_time) AS first_time_payers,
    count_if(payer_age < {minor_age}) AS minor_payers,
    count_if(payer_age < {young_age}) AS young_payers,
    count_if(payer_age IS NOT NULL) AS aged_payers,
    count_if(n_txn >= 2) AS repeat_payers,
    count_if(reciprocal) AS reciprocal_payers,
    count_if(escalating) AS escalating_payers,
    count_if(n_plea > 0) AS plea_payers,
    sum(n_plea) AS plea_n,
    sum(n_night) AS night_n,
    sum(n_gc_crypto) AS gc_crypto_n,
    count_if(payer_other_p2p <= {thin_history}) AS thin_history_payers,
    median(span_hours) FILTER (WHERE n_txn >= 2) AS median_repeat_span_h,
    any_value(b.max_new_payers_72h) AS max_new_payers_72h,
    stddev_pop(usd / n_txn) / nullif(avg(usd / n_txn), 0) AS payer_amount_cv,
    min(first_ts) AS first_in_ts,
    max(last_ts) AS last_in_ts
FROM payer
LEFT JOIN burst b USING (receiver_id)
GROUP BY receiver_id;
