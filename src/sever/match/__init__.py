"""Match stage: which accounts carry a live shared signal, and how much each hit weighs.

Reads signals, signal_tags and account_identifiers; writes signal_hits. Expired
and withdrawn signals never match (withdrawn ones were purged at ingest). A hit
is weighted by the signal's status, confidence, recency of `last_active` and
harm tag; `account_signal_score` combines an account's hits so that several
independent owners raise confidence more than one owner repeating itself.
"""

from __future__ import annotations

from datetime import datetime

from sever.config import DetectionConfig
from sever.sqlutil import lit
from sever.warehouse import Warehouse


def _case(mapping: dict[str, float], expr: str, default: float) -> str:
    whens = " ".join(f"WHEN {lit(k)} THEN {float(v)!r}" for k, v in mapping.items())
    return f"coalesce(CASE {expr} {whens} END, {default!r})"


def match_signals(wh: Warehouse, cfg: DetectionConfig, as_of: datetime) -> int:
    sw = cfg.signals
    status_w = _case(sw.status, "s.status", 0.0)
    harm_w = _case(sw.harm, "h.harm", 1.0)
    wh.run("match:clear", "DELETE FROM signal_hits")
    wh.run(
        "match:hits",
        f"""
        INSERT INTO signal_hits
        WITH live AS (
            SELECT * FROM signals s
            WHERE s.id_type IS NOT NULL
              AND (s.expired_on IS NULL OR s.expired_on > {lit(as_of)})
              AND s.added_on <= {lit(as_of)}
        ),
        harm AS (
            SELECT signal_id, min(value) AS harm FROM signal_tags WHERE kind = 'harm'
            GROUP BY signal_id
        ),
        report AS (
            SELECT signal_id, min(value) AS report_id FROM signal_tags WHERE kind = 'report_id'
            GROUP BY signal_id
        ),
        ids AS (
            SELECT account_id, id_type, value_norm, platform FROM account_identifiers
            UNION
            -- DOMAIN signals match the domain of an email or a URL an account uses.
            SELECT account_id, 'domain', split_part(value_norm, '@', 2), ''
            FROM account_identifiers WHERE id_type = 'email'
            UNION
            SELECT account_id, 'domain', split_part(split_part(value_norm, '://', 2), '/', 1), ''
            FROM account_identifiers WHERE id_type = 'url'
        )
        SELECT DISTINCT ON (i.account_id, s.signal_id)
            i.account_id, s.signal_id, s.id_type, s.owner, h.harm,
            {status_w} * coalesce(s.confidence, {sw.default_confidence}) / 100.0 * {harm_w}
              * pow(0.5, greatest(date_diff('day', coalesce(s.last_active, s.added_on),
                                            {lit(as_of)}), 0) / {sw.recency_half_life_days!r})
              AS weight,
            s.minor_perpetrator, r.report_id
        FROM live s
        JOIN ids i ON i.id_type = s.id_type AND i.value_norm = s.indicator_norm
             -- A username is only the same person on the same platform (when both say).
             AND (s.platform = '' OR i.platform = '' OR s.platform = i.platform)
        LEFT JOIN harm h ON h.signal_id = s.signal_id
        LEFT JOIN report r ON r.signal_id = s.signal_id
        """,
    )
    return wh.scalar("match:count", "SELECT count(*) FROM signal_hits")


ACCOUNT_SIGNAL_SQL = """
    -- Noisy-or within an owner (its own signals are not independent: take its strongest),
    -- then across owners (independent sources each add confidence). In a fixed order (owner,
    -- harm): a float product and a tied mode must not change from run to run.
    SELECT account_id,
           1 - product(1 - owner_w ORDER BY owner) AS signal_score,
           sum(n) AS n_signals,
           count(*) AS n_owners,
           bool_or(minor_perpetrator) AS restricted,
           flatten(list(ids ORDER BY owner)) AS signal_ids,
           mode(harm ORDER BY harm) AS harm
    FROM (
        SELECT account_id, owner, max(weight) AS owner_w, count(*) AS n,
               bool_or(minor_perpetrator) AS minor_perpetrator,
               list(signal_id ORDER BY signal_id) AS ids, mode(harm ORDER BY harm) AS harm
        FROM signal_hits GROUP BY account_id, owner
    ) GROUP BY account_id
"""
