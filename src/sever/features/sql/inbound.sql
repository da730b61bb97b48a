-- Per payee: who pays it (ages, first-time and repeat payers, histories, bursts), for the
-- accounts {accounts} (a query of account_id), on top of its f_fan_in row.
-- Reads f_edge, f_party, f_out, f_fan_in; {into} is 'CREATE OR REPLACE TABLE f_in AS' or
-- 'INSERT INTO f_in'. Not in features.FILES: features.asked runs it for the accounts the
-- graph stage reads.
{into}
WITH inbound AS (
    SELECT * FROM f_edge WHERE receiver_id IN (SELECT account_id FROM ({accounts}) AS a)
),
payer AS (
    SELECT e.*, p.age AS payer_age, coalesce(o.out_p2p_n, 0) - e.n_p2p AS payer_other_p2p,
           -- Friends pay each other back; an extortionist never pays its victims.
           back.sender_id IS NOT NULL AS reciprocal
    FROM inbound e
    LEFT JOIN f_party p ON p.account_id = e.sender_id
    LEFT JOIN f_out o ON o.account_id = e.sender_id
    LEFT JOIN f_edge back ON back.sender_id = e.receiver_id AND back.receiver_id = e.sender_id
),
arrivals AS (
    -- First-time payers arriving per day, summed over a rolling 72 h (3-day) window.
    SELECT receiver_id, d, sum(n) OVER (PARTITION BY receiver_id ORDER BY d
                                        RANGE BETWEEN INTERVAL 2 DAY PRECEDING AND CURRENT ROW) AS n3
    FROM (SELECT receiver_id, CAST(first_ts AS DATE) AS d, count(*) AS n
          FROM inbound WHERE first_time GROUP BY receiver_id, CAST(first_ts AS DATE))
),
burst AS (SELECT receiver_id, max(n3) AS max_new_payers_72h FROM arrivals GROUP BY receiver_id),
payers AS (
    SELECT
        receiver_id AS account_id,
        count_if(first_time) AS first_time_payers,
        count_if(payer_age < {minor_age}) AS minor_payers,
        count_if(payer_age < {young_age}) AS young_payers,
        count_if(payer_age IS NOT NULL) AS aged_payers,
        count_if(n_txn >= 2) AS repeat_payers,
        count_if(reciprocal) AS reciprocal_payers,
        sum(n_plea) AS plea_n,
        sum(n_gc_crypto) AS gc_crypto_n,
        count_if(payer_other_p2p <= {thin_history}) AS thin_history_payers,
        median(span_hours) FILTER (WHERE n_txn >= 2) AS median_repeat_span_h,
        any_value(b.max_new_payers_72h) AS max_new_payers_72h,
        stddev_pop(usd / n_txn) / nullif(avg(usd / n_txn), 0) AS payer_amount_cv,
        min(first_ts) AS first_in_ts,
        max(last_ts) AS last_in_ts
    FROM payer
    LEFT JOIN burst b USING (receiver_id)
    GROUP BY receiver_id
)
SELECT f.*, p.* EXCLUDE (account_id)
FROM f_fan_in f
JOIN payers p USING (account_id)
