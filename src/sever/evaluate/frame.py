"""The account frame every metric is computed from: labelled and alerted accounts, one row each.

Reads polars frames (labels, alerts, optionally accounts); writes nothing. Also holds the role
vocabularies and the small ratio helpers shared by `metrics` and `breakdowns`.
"""

from __future__ import annotations

import polars as pl

SUSPECT_ROLES = ("collector", "mule", "consumer")
ALERT_ROLES = ("collector", "consumer", "mule", "other", "victim")  # also the tie-break order
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LIST_LIMIT = 20
NO_TYPOLOGY = "(none)"
LABEL_ORDER = ("collector", "mule", "consumer", "victim", "benign_lookalike", "normal")


def ratio(num: int, den: int) -> float | None:
    """`num / den` to 4 places; None (JSON null, shown as a dash) when `den` is 0."""
    return round(num / den, 4) if den else None


def f1(hit: int, flagged: int, suspects: int) -> float | None:
    """Harmonic mean of precision and recall from the counts (2·hit / (flagged + suspects)),
    unrounded inputs; None when precision or recall is undefined."""
    return ratio(2 * hit, flagged + suspects) if flagged and suspects else None


def first_ids(frame: pl.DataFrame) -> list[str]:
    """The first `LIST_LIMIT` account ids of `frame`, sorted, for the report's id lists."""
    return sorted(frame["account_id"].to_list())[:LIST_LIMIT]


def _subjects(alerts: pl.DataFrame) -> pl.DataFrame:
    """One row per alert subject: flagged, alerted_role, max_score, victim_alerted."""
    a = alerts.select(
        pl.col("subject_account_id").cast(pl.String).alias("account_id"),
        pl.col("role").cast(pl.String),
        (pl.col("score").cast(pl.Float64) if "score" in alerts.columns else pl.lit(None))
        .cast(pl.Float64)
        .alias("score"),
    ).with_columns(prio=pl.col("role").replace_strict(ALERT_ROLES, range(5), default=9))
    flags = (
        a.filter(pl.col("role") != "victim")
        .sort(["score", "prio"], descending=[True, False], nulls_last=True)
        .group_by("account_id", maintain_order=True)
        .agg(alerted_role=pl.col("role").first(), max_score=pl.col("score").max())
        .with_columns(flagged=pl.lit(True))
    )
    victims = a.filter(pl.col("role") == "victim").select("account_id").unique()
    return (
        a.select("account_id")
        .unique()
        .join(flags, on="account_id", how="left")
        .with_columns(
            pl.col("flagged").fill_null(False),
            pl.col("alerted_role").fill_null("victim"),
            victim_alerted=pl.col("account_id").is_in(victims["account_id"].implode()),
        )
    )


def account_frame(
    labels: pl.DataFrame, alerts: pl.DataFrame, accounts: pl.DataFrame | None
) -> pl.DataFrame:
    """Labelled and alerted accounts, one row each, with their label class and alert outcome."""
    lab = labels.select(
        pl.col("account_id").cast(pl.String),
        pl.col("role").cast(pl.String).alias("label_role"),
        *(
            (pl.col(c).cast(pl.String) if c in labels.columns else pl.lit(None, pl.String))
            .fill_null("")
            .alias(c)
            for c in ("typology", "case_id")
        ),
    )
    if lab["account_id"].is_duplicated().any():
        dup = lab.filter(pl.col("account_id").is_duplicated())["account_id"].unique().sort()
        raise ValueError(f"labels list some accounts twice: {', '.join(dup.head(5))}")
    acc = lab.join(_subjects(alerts), on="account_id", how="full", coalesce=True)
    if accounts is not None:
        ext = accounts.filter(pl.col("kind") == "external")["account_id"].cast(pl.String)
        acc = acc.with_columns(external=pl.col("account_id").is_in(ext.implode()))
    else:
        acc = acc.with_columns(external=pl.lit(False))
    unlabelled = (
        pl.when(pl.col("external")).then(pl.lit("external")).otherwise(pl.lit("unlabelled"))
    )
    return acc.with_columns(
        label=pl.coalesce("label_role", unlabelled),
        suspect=pl.col("label_role").is_in(SUSPECT_ROLES).fill_null(False),
        flagged=pl.col("flagged").fill_null(False),
        alerted_role=pl.col("alerted_role").fill_null("none"),
        victim_alerted=pl.col("victim_alerted").fill_null(False),
    )
