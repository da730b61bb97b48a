"""Backtest a rule (or a draft file) over stored history in one SQL pass.

Reads f_rule_account_day / f_rule_pair_day (built first when the ledger changed),
alerts (overlap and analyst outcomes) and optionally a dataset's labels.csv; writes
only the temporary table `_bt_hits`. Outcomes: an account with an escalated alert of
the rule's typology and victim class is a true positive, one with only dismissed
alerts a false positive. Labels: collector, mule and consumer are suspects (victim
for victim rules), restricted to the rule's typology where the label names one.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sever.config import DetectionConfig
from sever.errors import UserError
from sever.rules.features import ensure_rule_features, prepare_scores
from sever.rules.files import RuleFile
from sever.rules.query import hits_sql
from sever.warehouse import Warehouse

SUSPECTS = ("collector", "mule", "consumer")


@dataclass
class Backtest:
    rule_ref: str
    content_hash: str
    path: str
    day_from: date
    day_to: date
    features: dict[str, Any]
    seconds: float = 0.0
    hits: int = 0
    accounts: int = 0
    per_day: list[dict[str, Any]] = field(default_factory=list)
    alerts: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def backtest(
    wh: Warehouse,
    rf: RuleFile,
    day_from: date,
    day_to: date,
    labels: Path | None = None,
    cfg: DetectionConfig | None = None,
) -> Backtest:
    if day_to < day_from:
        raise UserError(f"--to {day_to} is before --from {day_from}")
    if labels is not None and not labels.is_file():
        raise UserError(f"{labels}: no labels.csv there")
    rule = rf.rule
    result = Backtest(
        rule.ref, rf.content_hash, str(rf.path), day_from, day_to, ensure_rule_features(wh, cfg)
    )
    prepare_scores(wh, None)
    started = time.perf_counter()
    rng = {"day_from": day_from, "day_to": day_to}
    wh.run("backtest:hits", f"CREATE OR REPLACE TEMP TABLE _bt_hits AS {hits_sql(rule)}", rng)
    result.per_day = wh.records(
        "backtest:per_day",
        "SELECT day, count(*) AS hits, count(DISTINCT account_id) AS accounts,"
        " count(DISTINCT account_id) FILTER (WHERE first) AS new_accounts FROM ("
        "  SELECT *, day = min(day) OVER (PARTITION BY account_id) AS first FROM _bt_hits)"
        " GROUP BY day ORDER BY day",
    )
    result.hits, result.accounts = wh.rows(
        "backtest:totals", "SELECT count(*), count(DISTINCT account_id) FROM _bt_hits"
    )[0]
    result.alerts = dict(
        wh.rows(
            "backtest:alerts",
            "SELECT a.state, count(DISTINCT a.subject_account_id) FROM alerts a"
            " WHERE a.subject_account_id IN (SELECT account_id FROM _bt_hits)"
            "   AND coalesce(a.last_seen >= $day_from, true)"
            "   AND coalesce(a.first_seen < $day_to + 1, true)"
            " GROUP BY a.state ORDER BY a.state",
            rng,
        )
    )
    victim = rule.role == "victim"
    esc_total, esc_hit, dis_hit = wh.rows(
        "backtest:outcomes",
        """
        WITH per AS (
            SELECT subject_account_id AS account_id,
                   bool_or(state = 'escalated') AS esc, bool_or(state = 'dismissed') AS dis
            FROM alerts
            WHERE typology = $typology AND (role = 'victim') = $victim
              AND state IN ('escalated', 'dismissed')
              AND coalesce(last_seen >= $day_from, true)
              AND coalesce(first_seen < $day_to + 1, true)
            GROUP BY ALL
        ), hit AS (SELECT DISTINCT account_id FROM _bt_hits)
        SELECT count(*) FILTER (WHERE esc),
               count(*) FILTER (WHERE esc AND account_id IN (SELECT account_id FROM hit)),
               count(*) FILTER (WHERE dis AND NOT esc
                                AND account_id IN (SELECT account_id FROM hit))
        FROM per
        """,
        {**rng, "typology": rule.typology, "victim": victim},
    )[0]
    result.outcomes = {
        "escalated_total": esc_total,
        "escalated_hit": esc_hit,
        "dismissed_hit": dis_hit,
        "precision": _ratio(esc_hit, esc_hit + dis_hit),
        "recall": _ratio(esc_hit, esc_total),
    }
    if labels is not None:
        result.labels = _labels(wh, labels, rule.typology, victim, rng)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _labels(wh: Warehouse, path: Path, typology: str, victim: bool, rng) -> dict[str, Any]:
    roles = ["victim"] if victim else list(SUSPECTS)
    params = {**rng, "path": str(path), "roles": roles, "typology": typology}
    base = """
        WITH lab AS (
            SELECT account_id, role, nullif(typology, '') AS typology
            FROM read_csv($path, header = true, all_varchar = true)
        ),
        pos AS (
            SELECT DISTINCT account_id FROM lab
            WHERE list_contains($roles, role)
              AND (typology IS NULL OR typology = $typology OR $typology = 'mule_network')
        ),
        active AS (
            SELECT DISTINCT account_id FROM f_rule_account_day
            WHERE day BETWEEN $day_from AND $day_to
        ),
        hit AS (SELECT DISTINCT account_id FROM _bt_hits)
    """
    hit_pos, pos_active, hit_n = wh.rows(
        "backtest:labels",
        base
        + """
        SELECT (SELECT count(*) FROM hit WHERE account_id IN (SELECT account_id FROM pos)),
               (SELECT count(*) FROM pos WHERE account_id IN (SELECT account_id FROM active)),
               (SELECT count(*) FROM hit)
        """,
        params,
    )[0]
    by_role = dict(
        wh.rows(
            "backtest:labels_by_role",
            base
            + """
            SELECT coalesce(lab.role, 'unlabelled'), count(DISTINCT hit.account_id)
            FROM hit LEFT JOIN lab USING (account_id) GROUP BY ALL ORDER BY 2 DESC
            """,
            params,
        )
    )
    return {
        "positives": roles,
        "positives_active": pos_active,
        "hit_positive": hit_pos,
        "precision": _ratio(hit_pos, hit_n),
        "recall": _ratio(hit_pos, pos_active),
        "hit_accounts_by_label": by_role,
    }
