-- Rule features per account and UTC day over ALL stored history, for analyst rules.
-- The vocabulary (names, types, meaning) is src/sever/rules/vocabulary.py.
-- Reads transactions, accounts, fx_rates; writes f_rule_account_day (one row per held account
-- and day it paid or was paid) and f_rule_pair_day (one row per payer, payee and day).
-- A window ends at the close of its day (UTC): 24h is the day, 72h the day and the 2 before,
-- 30d the day and the 29 before. Built from daily aggregates with window functions and
-- group-bys, never by self-joining the ledger. Days are numbered (dn: days since 1970-01-01)
-- so that frames and interval ends are integer arithmetic.
-- Not in features.FILES: the rules stage runs it (sever.rules.features) when the ledger
-- changed, not every scan; it takes the same parameters as the other files plus:
--   {from_dn}, {data_from}: write the days from day number from_dn on, reading payments from
--     data_from (30 days earlier: the longest window) -- every feature of a day depends on
--     that day and the 30 before it only, except first-time-ness, which f_rule_pair_first
--     (each pair's first day over all history) carries across builds;
--   {account_day_into}, {pair_day_into}: 'CREATE OR REPLACE TABLE x AS' for a full build,
--     'INSERT INTO x' for an incremental one (the caller deleted the days from from_dn on).
-- Distinct counters over k <= 30 days are exact from data_from + k on: a run cut at
-- data_from starts again at its first day read, and a run that ended before it is gone.
--   {median_from}: medians (72 h at most) read payments from the 2 days before from_dn;
--   {account_windows}: the windows of step 4 (sever.rules.windows renders them);
--   {touched}: an incremental build reads only payments of accounts that paid or were paid
--     from from_dn on (`_rw_touched`, made by the caller): only their rows are rewritten,
--     and every window of theirs sees all their payments. A full build reads everything.
--   {kept_into}: f_rule_pair_kept keeps every pair-day with its previous days (below): 'CREATE
--     OR REPLACE TABLE f_rule_pair_kept AS' for a full build, 'INSERT INTO f_rule_pair_kept'
--     for an incremental one (the caller deleted its days from from_dn on);
--   {pair_context}: a nightly build of a few days reads only the payments of those days
--     (data_from = from_dn) and takes the days before them from f_rule_pair_kept: '' or the
--     UNION ALL of those kept rows. It then skips step 2 ({daily_rows} = false) and step 4
--     reads the windows off the kept pair-days (sever.rules.windows, `kept` form).
-- Previous days (prv*) are kept only within the longest window (30 days) and are NULL beyond:
-- no window reads further (one further back counts as none), and a build that read from a
-- later day keeps the same values.

-- 1. Payer -> payee per day, with the pair's previous and next day (overall and per filter).
CREATE OR REPLACE TEMP TABLE _rw_pair AS
WITH txn AS (
    SELECT
        t.sender_id, t.receiver_id, t.ts, t.channel, t.receiver_country,
        CAST(date_diff('day', DATE '1970-01-01', CAST(t.ts AS DATE)) AS INTEGER) AS dn,
        CASE WHEN t.currency = 'USD' THEN CAST(t.amount AS DOUBLE)
             ELSE CAST(t.amount AS DOUBLE) * r.usd_rate END AS usd,
        hour(t.ts + to_minutes(CAST(coalesce(t.ts_offset_minutes, 0) AS BIGINT))) AS local_hour,
        coalesce(regexp_matches(lower(t.memo), {plea_regex}), false) AS plea,
        coalesce(regexp_matches(lower(t.memo), {innocuous_regex}), false) AS innocuous,
        t.receiver_country IS NOT NULL
            AND t.receiver_country <> coalesce(s.country, t.sender_country, '') AS abroad
    FROM transactions t
    LEFT JOIN fx_rates r ON r.currency = t.currency AND r.date = CAST(t.ts AS DATE)
    LEFT JOIN accounts s ON s.account_id = t.sender_id
    WHERE t.status = 'completed' AND t.ts >= {data_from}{touched}
),
agg AS (
    SELECT
        sender_id AS payer, receiver_id AS payee, dn,
        CAST(count(*) AS INTEGER) AS n,
        sum(usd) AS usd,
        CAST(count_if(channel = 'gift_card') AS INTEGER) AS n_gift_card,
        CAST(count_if(channel IN ('gift_card', 'prepaid', 'crypto')) AS INTEGER) AS n_gc_crypto,
        coalesce(sum(usd) FILTER (WHERE channel IN ('gift_card', 'prepaid', 'crypto')), 0)
            AS usd_gc_crypto,
        CAST(count_if(plea) AS INTEGER) AS n_plea,
        CAST(count_if(local_hour >= {night_start} OR local_hour < {night_end}) AS INTEGER)
            AS n_night,
        coalesce(sum(usd) FILTER (WHERE abroad), 0) AS usd_abroad,
        coalesce(sum(usd) FILTER (WHERE receiver_country IN ({concern_sextortion})), 0)
            AS usd_concern,
        coalesce(sum(usd) FILTER (WHERE channel IN ('remittance', 'wire', 'crypto',
            'cash_withdrawal', 'gift_card', 'prepaid')), 0) AS usd_cashout,
        -- Forwarding, not shopping: card and bank payments are not pass-through.
        coalesce(sum(usd) FILTER (WHERE channel NOT IN ('card', 'bank_transfer')), 0) AS usd_fwd,
        CAST(count_if(receiver_country IN ({concern_csam})
            AND usd BETWEEN {small_min} AND {small_max}) AS INTEGER) AS n_small,
        CAST(count_if(receiver_country IN ({concern_csam}) AND usd BETWEEN {small_min} AND {small_max}
            AND (local_hour >= {night_start} OR local_hour < {night_end})) AS INTEGER)
            AS n_small_night,
        CAST(count_if(receiver_country IN ({concern_csam}) AND usd BETWEEN {small_min} AND {small_max}
            AND innocuous) AS INTEGER) AS n_small_innocuous,
        min_by(usd, ts) AS first_usd,
        max_by(usd, ts) AS last_usd,
        max(usd) AS max_usd
    FROM txn
    GROUP BY sender_id, receiver_id, dn
),
flagged AS (
    SELECT
        a.*,
        -- The payer is a minor on that day (age as in f_party); unknown age is not a minor.
        coalesce(date_diff('year', p.birth_date, CAST(DATE '1970-01-01' + a.dn AS DATE))
          - CASE WHEN strftime(p.birth_date, '%m%d')
                      > strftime(CAST(DATE '1970-01-01' + a.dn AS DATE), '%m%d')
                 THEN 1 ELSE 0 END < {minor_age}, false) AS minor,
        a.n_small > 0 AS small,
        a.n >= 2 AND a.last_usd >= a.first_usd * {escalation_ratio} AND a.last_usd >= a.max_usd
            AS escalating,
        pf.first_dn AS known_first_dn
    FROM agg a
    LEFT JOIN accounts p ON p.account_id = a.payer
    LEFT JOIN f_rule_pair_first pf ON pf.payer = a.payer AND pf.payee = a.payee
),
pair_days AS (
    SELECT *, false AS ctx FROM flagged{pair_context}
)
SELECT
    f.*,
    f.minor AND f.n_gift_card > 0 AS minor_gc,
    least(first_value(f.dn) OVER pair, coalesce(f.known_first_dn, f.dn)) AS first_dn,
    lag(f.dn) OVER pair AS prv,
    lead(f.dn) OVER pair AS nxt,
    max(f.dn) FILTER (WHERE f.minor) OVER before AS prv_minor,
    min(f.dn) FILTER (WHERE f.minor) OVER after AS nxt_minor,
    max(f.dn) FILTER (WHERE f.minor AND f.n_gift_card > 0) OVER before AS prv_minor_gc,
    min(f.dn) FILTER (WHERE f.minor AND f.n_gift_card > 0) OVER after AS nxt_minor_gc,
    max(f.dn) FILTER (WHERE f.small) OVER before AS prv_small,
    min(f.dn) FILTER (WHERE f.small) OVER after AS nxt_small,
    sum(f.n) OVER pair3 AS n_72h,
    sum(f.usd) OVER pair3 AS usd_72h,
    sum(f.n_plea) OVER pair3 AS n_plea_72h,
    sum(f.n_night) OVER pair3 AS n_night_72h
FROM pair_days f
WINDOW
    pair AS (PARTITION BY f.payer, f.payee ORDER BY f.dn),
    before AS (PARTITION BY f.payer, f.payee ORDER BY f.dn
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
    after AS (PARTITION BY f.payer, f.payee ORDER BY f.dn
              ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
    pair3 AS (PARTITION BY f.payer, f.payee ORDER BY f.dn
              RANGE BETWEEN 2 PRECEDING AND CURRENT ROW);

-- 1b. The pair-days kept between builds, with their previous days (not the next ones: a
-- later payment would change them).
{kept_into}
SELECT payer, payee, dn, n, usd, n_gift_card, n_gc_crypto, usd_gc_crypto, n_plea, n_night,
       usd_abroad, usd_concern, usd_cashout, usd_fwd, n_small, n_small_night, n_small_innocuous,
       first_usd, last_usd, max_usd, minor, small, escalating, minor_gc, first_dn,
       CASE WHEN dn - prv <= 30 THEN prv END AS prv,
       CASE WHEN dn - prv_minor <= 30 THEN prv_minor END AS prv_minor,
       CASE WHEN dn - prv_minor_gc <= 30 THEN prv_minor_gc END AS prv_minor_gc,
       CASE WHEN dn - prv_small <= 30 THEN prv_small END AS prv_small
FROM _rw_pair
WHERE dn >= {from_dn} AND NOT ctx;

-- 2. Daily aggregates per held account (not an external counterparty) as payee (in) and as
-- payer (out), on the days it was active. Distinct counters over k days come as runs: a pair
-- qualifies on the k days from each of its qualifying days; a run starts where the previous
-- qualifying day is more than k days back (st_*) and ends k days after a qualifying day with
-- no other within k days (en_*). Distinct count on day d = runs started by d - runs ended by d.
CREATE OR REPLACE TEMP TABLE _rw_daily AS
WITH held AS (
    SELECT account_id FROM accounts WHERE kind <> 'external'
),
i AS (
    SELECT
        payee AS account_id, dn,
        sum(n) AS in_n, sum(usd) AS in_usd, count(*) AS payers,
        count_if(dn = first_dn) AS new_payers,
        count_if(minor) AS minor_payers,
        count_if(minor_gc) AS minor_gc_payers,
        sum(n_night) AS in_night, sum(n_plea) AS in_plea, sum(n_gc_crypto) AS in_gc_crypto,
        count_if(n >= 2) AS repeat_payers,
        count_if(escalating) AS escalating_payers,
        count_if(prv IS NULL OR dn > prv + 3) AS st_payers_3,
        count_if(nxt IS NULL OR nxt > dn + 3) AS en_payers_3,
        count_if(prv IS NULL OR dn > prv + 30) AS st_payers_30,
        count_if(nxt IS NULL OR nxt > dn + 30) AS en_payers_30,
        count_if(minor AND (prv_minor IS NULL OR dn > prv_minor + 3)) AS st_minor_3,
        count_if(minor AND (nxt_minor IS NULL OR nxt_minor > dn + 3)) AS en_minor_3,
        count_if(minor AND (prv_minor IS NULL OR dn > prv_minor + 30)) AS st_minor_30,
        count_if(minor AND (nxt_minor IS NULL OR nxt_minor > dn + 30)) AS en_minor_30,
        count_if(minor_gc AND (prv_minor_gc IS NULL OR dn > prv_minor_gc + 3)) AS st_minor_gc_3,
        count_if(minor_gc AND (nxt_minor_gc IS NULL OR nxt_minor_gc > dn + 3)) AS en_minor_gc_3
    FROM _rw_pair
    WHERE {daily_rows} AND payee IN (SELECT account_id FROM held)
    GROUP BY payee, dn
),
o AS (
    SELECT
        payer AS account_id, dn,
        sum(n) AS out_n, sum(usd) AS out_usd, count(*) AS payees,
        count_if(dn = first_dn) AS new_payees,
        coalesce(sum(n) FILTER (WHERE dn = first_dn), 0) AS new_payee_payments,
        max(n) AS max_to_one_payee,
        count_if(escalating) AS escalating_payees,
        sum(n_night) AS out_night, sum(n_plea) AS out_plea, sum(usd_gc_crypto) AS out_gc_crypto,
        sum(usd_abroad) AS out_abroad, sum(usd_concern) AS out_concern,
        sum(usd_cashout) AS out_cashout, sum(usd_fwd) AS out_fwd,
        sum(n_small) AS small_n, sum(n_small_night) AS small_night,
        sum(n_small_innocuous) AS small_innocuous,
        count_if(prv IS NULL OR dn > prv + 3) AS st_payees_3,
        count_if(nxt IS NULL OR nxt > dn + 3) AS en_payees_3,
        count_if(prv IS NULL OR dn > prv + 30) AS st_payees_30,
        count_if(nxt IS NULL OR nxt > dn + 30) AS en_payees_30,
        count_if(small AND (prv_small IS NULL OR dn > prv_small + 30)) AS st_small_30,
        count_if(small AND (nxt_small IS NULL OR nxt_small > dn + 30)) AS en_small_30
    FROM _rw_pair
    WHERE {daily_rows} AND payer IN (SELECT account_id FROM held)
    GROUP BY payer, dn
)
SELECT
    coalesce(i.account_id, o.account_id) AS account_id,
    coalesce(i.dn, o.dn) AS dn,
    CAST(coalesce(i.in_n, 0) AS INTEGER) AS in_n,
    coalesce(i.in_usd, 0) AS in_usd,
    CAST(coalesce(i.payers, 0) AS INTEGER) AS payers,
    CAST(coalesce(i.new_payers, 0) AS INTEGER) AS new_payers,
    CAST(coalesce(i.minor_payers, 0) AS INTEGER) AS minor_payers,
    CAST(coalesce(i.minor_gc_payers, 0) AS INTEGER) AS minor_gc_payers,
    CAST(coalesce(i.in_night, 0) AS INTEGER) AS in_night,
    CAST(coalesce(i.in_plea, 0) AS INTEGER) AS in_plea,
    CAST(coalesce(i.in_gc_crypto, 0) AS INTEGER) AS in_gc_crypto,
    CAST(coalesce(i.repeat_payers, 0) AS INTEGER) AS repeat_payers,
    CAST(coalesce(i.escalating_payers, 0) AS INTEGER) AS escalating_payers,
    CAST(coalesce(i.st_payers_3, 0) AS INTEGER) AS st_payers_3,
    CAST(coalesce(i.en_payers_3, 0) AS INTEGER) AS en_payers_3,
    CAST(coalesce(i.st_payers_30, 0) AS INTEGER) AS st_payers_30,
    CAST(coalesce(i.en_payers_30, 0) AS INTEGER) AS en_payers_30,
    CAST(coalesce(i.st_minor_3, 0) AS INTEGER) AS st_minor_3,
    CAST(coalesce(i.en_minor_3, 0) AS INTEGER) AS en_minor_3,
    CAST(coalesce(i.st_minor_30, 0) AS INTEGER) AS st_minor_30,
    CAST(coalesce(i.en_minor_30, 0) AS INTEGER) AS en_minor_30,
    CAST(coalesce(i.st_minor_gc_3, 0) AS INTEGER) AS st_minor_gc_3,
    CAST(coalesce(i.en_minor_gc_3, 0) AS INTEGER) AS en_minor_gc_3,
    CAST(coalesce(o.out_n, 0) AS INTEGER) AS out_n,
    coalesce(o.out_usd, 0) AS out_usd,
    CAST(coalesce(o.payees, 0) AS INTEGER) AS payees,
    CAST(coalesce(o.new_payees, 0) AS INTEGER) AS new_payees,
    CAST(coalesce(o.new_payee_payments, 0) AS INTEGER) AS new_payee_payments,
    CAST(coalesce(o.max_to_one_payee, 0) AS INTEGER) AS max_to_one_payee,
    CAST(coalesce(o.escalating_payees, 0) AS INTEGER) AS escalating_payees,
    CAST(coalesce(o.out_night, 0) AS INTEGER) AS out_night,
    CAST(coalesce(o.out_plea, 0) AS INTEGER) AS out_plea,
    coalesce(o.out_gc_crypto, 0) AS out_gc_crypto,
    coalesce(o.out_abroad, 0) AS out_abroad,
    coalesce(o.out_concern, 0) AS out_concern,
    coalesce(o.out_cashout, 0) AS out_cashout,
    coalesce(o.out_fwd, 0) AS out_fwd,
    CAST(coalesce(o.small_n, 0) AS INTEGER) AS small_n,
    CAST(coalesce(o.small_night, 0) AS INTEGER) AS small_night,
    CAST(coalesce(o.small_innocuous, 0) AS INTEGER) AS small_innocuous,
    CAST(coalesce(o.st_payees_3, 0) AS INTEGER) AS st_payees_3,
    CAST(coalesce(o.en_payees_3, 0) AS INTEGER) AS en_payees_3,
    CAST(coalesce(o.st_payees_30, 0) AS INTEGER) AS st_payees_30,
    CAST(coalesce(o.en_payees_30, 0) AS INTEGER) AS en_payees_30,
    CAST(coalesce(o.st_small_30, 0) AS INTEGER) AS st_small_30,
    CAST(coalesce(o.en_small_30, 0) AS INTEGER) AS en_small_30
FROM i FULL OUTER JOIN o ON o.account_id = i.account_id AND o.dn = i.dn;

-- 3. Median inbound amount over 24 h and 72 h: each payment is counted on its day and the
-- two after it (a plain group-by, cheaper than a windowed median).
CREATE OR REPLACE TEMP TABLE _rw_median AS
WITH pts AS (
    SELECT t.receiver_id AS account_id,
           CAST(date_diff('day', DATE '1970-01-01', CAST(t.ts AS DATE)) AS INTEGER) AS dn,
           CASE WHEN t.currency = 'USD' THEN CAST(t.amount AS DOUBLE)
                ELSE CAST(t.amount AS DOUBLE) * r.usd_rate END AS usd
    FROM transactions t
    LEFT JOIN fx_rates r ON r.currency = t.currency AND r.date = CAST(t.ts AS DATE)
    WHERE t.status = 'completed' AND t.ts >= {median_from}{touched}
      AND t.receiver_id IN (SELECT account_id FROM accounts WHERE kind <> 'external')
)
SELECT p.account_id, p.dn + k.k AS dn,
       median(p.usd) FILTER (WHERE k.k = 0) AS median_24h,
       median(p.usd) AS median_72h
FROM pts p
CROSS JOIN (VALUES (0), (1), (2)) AS k(k)
GROUP BY p.account_id, p.dn + k.k;

-- 4. Rolling windows over the active days; distinct counters from their runs. The windows
-- come from sever.rules.windows: frames over every day for a full build, a group-by of the
-- few output days for an incremental one ({account_windows}).
{account_day_into}
WITH w AS (
    {account_windows}
),
d AS (
    SELECT w.*, CAST(DATE '1970-01-01' + w.dn AS DATE) AS day FROM w WHERE w.dn >= {from_dn}
)
SELECT
    d.account_id,
    d.day,
    -- Who the account is on that day.
    a.kind, a.kyc_level, a.country,
    CAST(date_diff('year', a.birth_date, d.day)
      - CASE WHEN strftime(a.birth_date, '%m%d') > strftime(d.day, '%m%d') THEN 1 ELSE 0 END
      AS INTEGER) AS age,
    date_diff('year', a.birth_date, d.day)
      - CASE WHEN strftime(a.birth_date, '%m%d') > strftime(d.day, '%m%d') THEN 1 ELSE 0 END
      < {minor_age} AS is_minor,
    CAST(date_diff('day', CAST(a.opened_at AS DATE), d.day) AS INTEGER) AS account_age_days,
    -- As payee.
    CAST(d.in_count_24h AS INTEGER) AS in_count_24h,
    CAST(d.in_count_72h AS INTEGER) AS in_count_72h,
    CAST(d.in_count_30d AS INTEGER) AS in_count_30d,
    d.in_usd_24h, d.in_usd_72h, d.in_usd_30d,
    CAST(d.distinct_payers_24h AS INTEGER) AS distinct_payers_24h,
    CAST(d.distinct_payers_72h AS INTEGER) AS distinct_payers_72h,
    CAST(d.distinct_payers_30d AS INTEGER) AS distinct_payers_30d,
    CAST(d.distinct_first_time_payers_24h AS INTEGER) AS distinct_first_time_payers_24h,
    CAST(d.distinct_first_time_payers_72h AS INTEGER) AS distinct_first_time_payers_72h,
    CAST(d.distinct_first_time_payers_30d AS INTEGER) AS distinct_first_time_payers_30d,
    CAST(d.distinct_minor_payers_24h AS INTEGER) AS distinct_minor_payers_24h,
    CAST(d.distinct_minor_payers_72h AS INTEGER) AS distinct_minor_payers_72h,
    CAST(d.distinct_minor_payers_30d AS INTEGER) AS distinct_minor_payers_30d,
    CAST(d.distinct_minor_payers_gift_card_24h AS INTEGER) AS distinct_minor_payers_gift_card_24h,
    CAST(d.distinct_minor_payers_gift_card_72h AS INTEGER) AS distinct_minor_payers_gift_card_72h,
    CAST(d.distinct_minor_payers_24h AS DOUBLE) / nullif(d.distinct_payers_24h, 0)
        AS minor_payer_share_24h,
    CAST(d.distinct_minor_payers_72h AS DOUBLE) / nullif(d.distinct_payers_72h, 0)
        AS minor_payer_share_72h,
    CAST(d.distinct_minor_payers_30d AS DOUBLE) / nullif(d.distinct_payers_30d, 0)
        AS minor_payer_share_30d,
    CAST(d.distinct_first_time_payers_24h AS DOUBLE) / nullif(d.distinct_payers_24h, 0)
        AS first_time_payer_share_24h,
    CAST(d.distinct_first_time_payers_72h AS DOUBLE) / nullif(d.distinct_payers_72h, 0)
        AS first_time_payer_share_72h,
    CAST(d.repeat_payers_24h AS INTEGER) AS repeat_payers_24h,
    CAST(d.escalating_payers_24h AS INTEGER) AS escalating_payers_24h,
    m.median_24h AS median_amount_usd_24h,
    m.median_72h AS median_amount_usd_72h,
    CAST(d.in_night_24h AS DOUBLE) / nullif(d.in_count_24h, 0) AS night_share_24h,
    CAST(d.in_night_72h AS DOUBLE) / nullif(d.in_count_72h, 0) AS night_share_72h,
    CAST(d.plea_memo_count_24h AS INTEGER) AS plea_memo_count_24h,
    CAST(d.plea_memo_count_72h AS INTEGER) AS plea_memo_count_72h,
    CAST(d.in_gc_crypto_24h AS DOUBLE) / nullif(d.in_count_24h, 0) AS gift_card_crypto_share_24h,
    CAST(d.in_gc_crypto_72h AS DOUBLE) / nullif(d.in_count_72h, 0) AS gift_card_crypto_share_72h,
    least(d.out_fwd_24h, d.in_usd_24h) / nullif(d.in_usd_24h, 0) AS forwarded_share_24h,
    least(d.out_fwd_72h, d.in_usd_72h) / nullif(d.in_usd_72h, 0) AS forwarded_share_72h,
    -- As payer.
    CAST(d.out_count_24h AS INTEGER) AS out_count_24h,
    CAST(d.out_count_72h AS INTEGER) AS out_count_72h,
    CAST(d.out_count_30d AS INTEGER) AS out_count_30d,
    d.out_usd_24h, d.out_usd_72h, d.out_usd_30d,
    CAST(d.distinct_payees_24h AS INTEGER) AS distinct_payees_24h,
    CAST(d.distinct_payees_72h AS INTEGER) AS distinct_payees_72h,
    CAST(d.distinct_payees_30d AS INTEGER) AS distinct_payees_30d,
    CAST(d.distinct_first_time_payees_24h AS INTEGER) AS distinct_first_time_payees_24h,
    CAST(d.distinct_first_time_payees_72h AS INTEGER) AS distinct_first_time_payees_72h,
    CAST(d.first_time_payee_payments_24h AS INTEGER) AS first_time_payee_payments_24h,
    CAST(d.max_payments_to_one_payee_24h AS INTEGER) AS max_payments_to_one_payee_24h,
    CAST(d.escalating_payees_24h AS INTEGER) AS escalating_payees_24h,
    CAST(d.out_night_24h AS DOUBLE) / nullif(d.out_count_24h, 0) AS out_night_share_24h,
    CAST(d.out_night_72h AS DOUBLE) / nullif(d.out_count_72h, 0) AS out_night_share_72h,
    CAST(d.out_plea_memo_count_24h AS INTEGER) AS out_plea_memo_count_24h,
    CAST(d.out_plea_memo_count_72h AS INTEGER) AS out_plea_memo_count_72h,
    d.out_gift_card_crypto_usd_24h, d.out_gift_card_crypto_usd_72h,
    d.cashout_out_usd_24h, d.cashout_out_usd_72h,
    d.abroad_out_usd_72h, d.abroad_out_usd_30d,
    d.concern_out_usd_72h, d.concern_out_usd_30d,
    CAST(d.small_concern_remittances_30d AS INTEGER) AS small_concern_remittances_30d,
    CAST(d.small_concern_receivers_30d AS INTEGER) AS small_concern_receivers_30d,
    CAST(d.small_concern_days_30d AS INTEGER) AS small_concern_days_30d,
    CAST(d.small_concern_night_30d AS DOUBLE) / nullif(d.small_concern_remittances_30d, 0)
        AS small_concern_night_share_30d,
    CAST(d.small_concern_innocuous_memos_30d AS INTEGER) AS small_concern_innocuous_memos_30d
FROM d
JOIN accounts a ON a.account_id = d.account_id
LEFT JOIN _rw_median m ON m.account_id = d.account_id AND m.dn = d.dn;

-- 5. Each pair's first day over all history, carried to the next build: the pairs new to it
-- are added, and a first day moved earlier (a late delivery) replaces the stored one; the
-- other pairs' rows stay (rewriting them all cost more than the rest of a nightly build).
CREATE OR REPLACE TEMP TABLE _rw_pair_first AS
SELECT n.payer, n.payee, n.first_dn, f.first_dn AS stored
FROM (SELECT payer, payee, min(first_dn) AS first_dn FROM _rw_pair GROUP BY payer, payee) AS n
LEFT JOIN f_rule_pair_first f ON f.payer = n.payer AND f.payee = n.payee;

DELETE FROM f_rule_pair_first
WHERE (payer, payee) IN (SELECT payer, payee FROM _rw_pair_first WHERE first_dn < stored);

INSERT INTO f_rule_pair_first
SELECT payer, payee, first_dn FROM _rw_pair_first WHERE stored IS NULL OR first_dn < stored;

-- 6. Per pair and day, for pair-scoped rules (payer or payee held by the institution).
{pair_day_into}
WITH held AS (
    SELECT account_id FROM accounts WHERE kind <> 'external'
)
SELECT
    p.payer, p.payee,
    CAST(DATE '1970-01-01' + p.dn AS DATE) AS day,
    p.n AS pair_count_24h,
    CAST(p.n_72h AS INTEGER) AS pair_count_72h,
    p.usd AS pair_usd_24h,
    p.usd_72h AS pair_usd_72h,
    p.n_plea AS pair_plea_memo_count_24h,
    CAST(p.n_plea_72h AS INTEGER) AS pair_plea_memo_count_72h,
    CAST(p.n_night AS DOUBLE) / p.n AS pair_night_share_24h,
    CAST(p.n_night_72h AS DOUBLE) / p.n_72h AS pair_night_share_72h,
    p.n_gift_card AS pair_gift_card_count_24h,
    p.max_usd AS pair_max_amount_usd_24h,
    CASE WHEN p.n >= 2 THEN p.last_usd / nullif(p.first_usd, 0) END AS pair_escalation_ratio_24h,
    p.dn - p.first_dn AS pair_age_days,
    -- The payee has paid the payer back, on or before that day: friends, not extortion.
    coalesce(r.first_dn <= p.dn, false) AS pair_reciprocal
FROM _rw_pair p
LEFT JOIN f_rule_pair_first r ON r.payer = p.payee AND r.payee = p.payer
WHERE p.dn >= {from_dn}
  AND (p.payer IN (SELECT account_id FROM held) OR p.payee IN (SELECT account_id FROM held));

DROP TABLE IF EXISTS _rw_pair;
DROP TABLE IF EXISTS _rw_daily;
DROP TABLE IF EXISTS _rw_median;
DROP TABLE IF EXISTS _rw_pair_first
