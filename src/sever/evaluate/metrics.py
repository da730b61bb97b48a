"""Account-level detection metrics: a scan's alerts compared with a benchmark's ground truth.

Reads polars frames only: `labels` (account_id, role, typology, case_id), `alerts` (the
`alerts.jsonl` export: subject_account_id, role, typology, score), optionally `accounts`
(account_id, kind) and the ids of accounts that transact. Writes nothing: returns a plain,
JSON-serialisable dict that `sever.evaluate.report` renders.

Definitions (each account counted once, whatever number of alerts it has):
- suspect: labelled `collector`, `mule` or `consumer`;
- flagged: the account has at least one alert whose role is not `victim`;
- precision = flagged suspects / flagged accounts; recall = flagged suspects / suspects;
- alerted role of a flagged account: the role of its highest-scoring non-victim alert (ties:
  collector > consumer > mule > other); `victim` if it only has victim alerts; `none` if no alert;
- a case (non-empty `case_id` holding a suspect) is found when any of its suspects is flagged;
- false positive: a flagged account that is not a suspect (look-alikes, victims, normal,
  unlabelled and external accounts alike; broken down by class);
- false-positive rate = false positives / non-suspect population, where the population is, by
  the first that is available: held (non-external) non-suspect accounts that transact, held
  non-suspect accounts, or labelled non-suspects; flagged non-suspects are always added to it
  so that the rate is at most 1. `false_positives.denominator_basis` says which one was used.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from sever.evaluate.breakdowns import by_alert_typology, by_role, by_typology, role_confusion
from sever.evaluate.frame import (
    SUSPECT_ROLES,
    THRESHOLDS,
    account_frame,
    f1,
    first_ids,
    ratio,
)


def _scores(acc: pl.DataFrame, flagged: pl.Expr, fp_den: int) -> dict[str, Any]:
    """Precision, recall, F1, false positives and look-alike rate for one notion of 'flagged'."""
    f = acc.select(
        flagged=flagged.sum(),
        hit=(flagged & pl.col("suspect")).sum(),
        suspects=pl.col("suspect").sum(),
        lookalikes=(pl.col("label") == "benign_lookalike").sum(),
        lookalikes_hit=(flagged & (pl.col("label") == "benign_lookalike")).sum(),
    ).row(0, named=True)
    p, r = ratio(f["hit"], f["flagged"]), ratio(f["hit"], f["suspects"])
    fp = f["flagged"] - f["hit"]
    return {
        "flagged": f["flagged"],
        "flagged_suspects": f["hit"],
        "suspects": f["suspects"],
        "precision": p,
        "recall": r,
        "f1": f1(f["hit"], f["flagged"], f["suspects"]),
        "false_positives": fp,
        "false_positive_rate": ratio(fp, fp_den),
        "lookalike_rate": ratio(f["lookalikes_hit"], f["lookalikes"]),
    }


def _fp_population(
    acc: pl.DataFrame, accounts: pl.DataFrame | None, active_ids: pl.Series | None
) -> tuple[int, str]:
    """Size of the non-suspect population the false-positive rate is taken over, and its basis."""
    flagged_fp = acc.filter(pl.col("flagged") & ~pl.col("suspect"))["account_id"]
    suspects = acc.filter(pl.col("suspect"))["account_id"]
    external = pl.Series("account_id", [], pl.String)
    if accounts is not None:
        external = accounts.filter(pl.col("kind") == "external")["account_id"].cast(pl.String)
    if active_ids is not None:
        base = active_ids.cast(pl.String)
        basis = (
            "non-suspect accounts that transact (external parties excluded when known),"
            " plus flagged non-suspects"
        )
    elif accounts is not None:
        base = accounts.filter(pl.col("kind") != "external")["account_id"].cast(pl.String)
        basis = "held (non-external) non-suspect accounts, plus flagged non-suspects"
    else:
        base = acc.filter(pl.col("label_role").is_not_null())["account_id"]
        basis = "labelled non-suspect accounts, plus flagged unlabelled accounts"
    pop = base.filter(~base.is_in(external.implode()))
    pop = pl.concat([pop, flagged_fp]).unique()
    return int((~pop.is_in(suspects.implode())).sum()), basis


def evaluate(
    labels: pl.DataFrame,
    alerts: pl.DataFrame,
    accounts: pl.DataFrame | None = None,
    *,
    active_ids: pl.Series | None = None,
) -> dict[str, Any]:
    """Compare alerts with labels at account level; see the module docstring for definitions.

    `accounts` (account_id, kind) lets external parties be recognised; `active_ids` (the ids that
    appear in transactions) sets the false-positive rate's denominator.
    """
    acc = account_frame(labels, alerts, accounts)
    fp_den, basis = _fp_population(acc, accounts, active_ids)
    flagged = pl.col("flagged")
    fps = acc.filter(flagged & ~pl.col("suspect"))
    sus_cases = acc.filter(pl.col("suspect") & (pl.col("case_id") != ""))
    cases = sus_cases.group_by("case_id").agg(pl.col("flagged").any())
    look = acc.filter(pl.col("label") == "benign_lookalike")
    vic = acc.filter(pl.col("label") == "victim")
    ext = acc.filter(pl.col("external"))
    has_scores = "score" in alerts.columns and alerts["score"].null_count() < alerts.height
    return {
        "suspect_roles": list(SUSPECT_ROLES),
        "alerts": {
            "alerts": alerts.height,
            "subjects": int(acc["alerted_role"].ne("none").sum()),
            "flagged_accounts": int(acc["flagged"].sum()),
            "by_role": dict(sorted(alerts.group_by("role").len().iter_rows())),
        },
        "overall": _scores(acc, flagged, fp_den),
        "cases": {
            "cases": cases.height,
            "found": int(cases["flagged"].sum()),
            "case_recall": ratio(int(cases["flagged"].sum()), cases.height),
        },
        "lookalikes": {
            "accounts": look.height,
            "flagged": int(look["flagged"].sum()),
            "rate": ratio(int(look["flagged"].sum()), look.height),
            "flagged_ids": first_ids(look.filter(flagged)),
        },
        "victims": {
            "accounts": vic.height,
            "flagged_as_suspect": int(vic["flagged"].sum()),
            "flagged_as_suspect_rate": ratio(int(vic["flagged"].sum()), vic.height),
            "alerted_as_victim": int(vic["victim_alerted"].sum()),
            "alerted_as_victim_rate": ratio(int(vic["victim_alerted"].sum()), vic.height),
            "flagged_ids": first_ids(vic.filter(flagged)),
        },
        "external": {
            "known": accounts is not None,
            "subjects": int(ext["alerted_role"].ne("none").sum()),
            "flagged": int(ext["flagged"].sum()),
            "ids": first_ids(ext.filter(pl.col("alerted_role") != "none")),
        },
        "false_positives": {
            "count": fps.height,
            "by_label": dict(sorted(fps.group_by("label").len().iter_rows())),
            "rate": ratio(fps.height, fp_den),
            "denominator": fp_den,
            "denominator_basis": basis,
        },
        "by_typology": by_typology(acc),
        "by_alert_typology": by_alert_typology(acc, alerts),
        "by_role": by_role(acc),
        "role_confusion": role_confusion(acc),
        "thresholds": [
            {
                "threshold": t,
                **_scores(acc, flagged & (pl.col("max_score") >= t).fill_null(False), fp_den),
            }
            for t in THRESHOLDS
        ]
        if has_scores
        else [],
    }
