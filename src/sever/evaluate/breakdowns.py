"""Per-typology, per-role and role-confusion breakdowns of an evaluation.

Reads the account frame built by `sever.evaluate.frame` (and the alerts, for alert typologies);
writes nothing. Each function returns plain lists/dicts that go into the result as they are.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from sever.evaluate.frame import ALERT_ROLES, LABEL_ORDER, NO_TYPOLOGY, SUSPECT_ROLES, ratio


def by_typology(acc: pl.DataFrame) -> list[dict[str, Any]]:
    """Recall and case recall per labelled typology (suspects only; empty typology: "(none)")."""
    sus = acc.filter(pl.col("suspect")).with_columns(
        typology=pl.when(pl.col("typology") == "").then(pl.lit(NO_TYPOLOGY)).otherwise("typology")
    )
    cases = (
        sus.filter(pl.col("case_id") != "")
        .group_by("typology", "case_id")
        .agg(found=pl.col("flagged").any())
        .group_by("typology")
        .agg(cases=pl.len(), cases_found=pl.col("found").sum())
    )
    rows = (
        sus.group_by("typology")
        .agg(suspects=pl.len(), flagged=pl.col("flagged").sum())
        .join(cases, on="typology", how="left")
        .with_columns(pl.col("cases", "cases_found").fill_null(0))
        .sort("typology")
    )
    return [
        {
            **r,
            "recall": ratio(r["flagged"], r["suspects"]),
            "case_recall": ratio(r["cases_found"], r["cases"]),
        }
        for r in rows.iter_rows(named=True)
    ]


def by_alert_typology(acc: pl.DataFrame, alerts: pl.DataFrame) -> list[dict[str, Any]]:
    """Per typology the engine alerted with (non-victim alerts): accounts, precision, and which
    labelled typologies its true hits carry (the two vocabularies differ, e.g. mule_network)."""
    if "typology" not in alerts.columns:
        return []
    pairs = (
        alerts.filter(pl.col("role") != "victim")
        .select(
            pl.col("subject_account_id").cast(pl.String).alias("account_id"),
            pl.col("typology").cast(pl.String).fill_null("").alias("alert_typology"),
        )
        .unique()
        .join(acc.select("account_id", "suspect", "label", "typology"), on="account_id")
    )
    out = []
    for (typ,), g in sorted(pairs.group_by("alert_typology"), key=lambda kv: kv[0][0]):
        hits = g.filter(pl.col("suspect")).group_by("typology").len().sort("typology")
        out.append(
            {
                "alert_typology": typ or NO_TYPOLOGY,
                "accounts": g.height,
                "suspects": int(g["suspect"].sum()),
                "precision": ratio(int(g["suspect"].sum()), g.height),
                "lookalikes": int((g["label"] == "benign_lookalike").sum()),
                "victims": int((g["label"] == "victim").sum()),
                "labelled_typologies": {(t or NO_TYPOLOGY): n for t, n in hits.iter_rows()},
            }
        )
    return out


def by_role(acc: pl.DataFrame) -> list[dict[str, Any]]:
    """Per labelled suspect role: recall, and how many flagged ones got that same role."""
    out = []
    for role in SUSPECT_ROLES:
        g = acc.filter(pl.col("label") == role)
        if g.height == 0:
            continue
        flagged = int(g["flagged"].sum())
        same = int((g["alerted_role"] == role).sum())
        out.append(
            {
                "role": role,
                "labelled": g.height,
                "flagged": flagged,
                "recall": ratio(flagged, g.height),
                "same_role": same,
                "same_role_share": ratio(same, flagged),
            }
        )
    return out


def role_confusion(acc: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Counts of labelled role (or unlabelled/external) × alerted role, zero cells left out.

    Unlabelled and external accounts appear only when alerted (the others are not enumerated).
    """

    def rank(label: str) -> tuple[int, str]:
        if label in LABEL_ORDER:
            return LABEL_ORDER.index(label), label
        return (len(LABEL_ORDER) + (label in ("unlabelled", "external"))), label

    counts = acc.group_by("label", "alerted_role").len()
    labels = sorted(set(counts["label"]), key=rank)
    cols = (*ALERT_ROLES, "none")
    table: dict[str, dict[str, int]] = {lab: {} for lab in labels}
    for lab, role, n in counts.sort("alerted_role").iter_rows():
        table[lab][role] = n
    return {lab: {c: row[c] for c in cols if c in row} for lab, row in table.items()}
