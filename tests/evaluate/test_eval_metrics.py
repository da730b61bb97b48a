"""Metric definitions checked against numbers worked out by hand on tests/evaluate/data.

The fixture (labels, accounts, transactions under data/small, alerts in data/alerts.jsonl):
suspects C1 M1 M2 C2 M3 K1 (6); alerts flag C1 (twice), M1 (as collector), K1, V2 (a victim
also alerted as mule), L1 (look-alike), U1 (unlabelled), X1 (external): 7 flagged, 3 suspects.
V1 only has a victim alert, so it is not flagged.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sever.evaluate import evaluate, evaluate_paths
from sever.evaluate.load import read_accounts, read_active_ids, read_alerts, read_labels

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small"


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate_paths(SMALL, DATA / "alerts.jsonl")


def _alerts(*rows: tuple[str, str, str, float]) -> pl.DataFrame:
    schema = {
        "subject_account_id": pl.String,
        "role": pl.String,
        "typology": pl.String,
        "score": pl.Float64,
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _labels(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows), schema=["account_id", "role", "typology", "case_id"], orient="row"
    )


def test_precision_recall_f1_by_hand(result: dict) -> None:
    o = result["overall"]
    assert (o["flagged"], o["flagged_suspects"], o["suspects"]) == (7, 3, 6)
    assert o["precision"] == round(3 / 7, 4)
    assert o["recall"] == 0.5
    assert o["f1"] == round(6 / 13, 4)


def test_duplicate_alerts_count_once(result: dict) -> None:
    assert result["alerts"] == {
        "alerts": 10,
        "subjects": 8,
        "flagged_accounts": 7,
        "by_role": {"collector": 5, "consumer": 1, "mule": 2, "victim": 2},
    }
    doubled = evaluate(read_labels(SMALL), pl.concat([read_alerts(DATA / "alerts.jsonl")] * 3))
    single = evaluate(read_labels(SMALL), read_alerts(DATA / "alerts.jsonl"))
    assert doubled["overall"] == single["overall"]
    assert doubled["cases"] == single["cases"]


def test_victims(result: dict) -> None:
    v = result["victims"]
    assert v["accounts"] == 2
    assert (v["flagged_as_suspect"], v["flagged_as_suspect_rate"]) == (1, 0.5)
    assert v["flagged_ids"] == ["V2"]
    assert (v["alerted_as_victim"], v["alerted_as_victim_rate"]) == (2, 1.0)


def test_victim_alert_with_role_victim_is_not_a_flag() -> None:
    labels = _labels(("C", "collector", "fan_in", "k"), ("V", "victim", "fan_in", "k"))
    res = evaluate(labels, _alerts(("C", "collector", "fan_in", 0.9), ("V", "victim", "", 0.99)))
    assert res["overall"]["precision"] == 1.0
    assert res["overall"]["false_positives"] == 0
    assert res["victims"]["flagged_as_suspect"] == 0
    assert res["victims"]["alerted_as_victim"] == 1
    assert res["role_confusion"]["victim"] == {"victim": 1}


def test_lookalikes_reported_beside_precision(result: dict) -> None:
    assert result["lookalikes"] == {"accounts": 2, "flagged": 1, "rate": 0.5, "flagged_ids": ["L1"]}
    assert result["overall"]["lookalike_rate"] == 0.5


def test_case_recall(result: dict) -> None:
    # case-A (C1, M1 flagged) and case-C (K1) found, case-B (C2, M3) missed; case-L has no suspect.
    assert result["cases"] == {"cases": 3, "found": 2, "case_recall": round(2 / 3, 4)}


def test_external_parties_and_false_positives(result: dict) -> None:
    assert result["external"] == {"known": True, "subjects": 1, "flagged": 1, "ids": ["X1"]}
    fp = result["false_positives"]
    assert fp["count"] == 4
    assert fp["by_label"] == {"benign_lookalike": 1, "external": 1, "unlabelled": 1, "victim": 1}
    # Held non-suspects that transact: V1 V2 L1 L2 N1 U2; plus flagged U1 and X1 -> 8.
    assert (fp["denominator"], fp["rate"]) == (8, 0.5)
    assert "transact" in fp["denominator_basis"]


def test_fp_denominator_without_transactions_or_accounts() -> None:
    labels, alerts = read_labels(SMALL), read_alerts(DATA / "alerts.jsonl")
    accounts = read_accounts(SMALL)
    # Held non-suspects V1 V2 L1 L2 N1 U1 U2 N2, plus the flagged external X1.
    held = evaluate(labels, alerts, accounts)["false_positives"]
    assert (held["denominator"], held["rate"]) == (9, round(4 / 9, 4))
    # Labelled non-suspects V1 V2 L1 L2 N1, plus flagged unlabelled U1 X1 (X1 not known external).
    bare = evaluate(labels, alerts)
    assert (bare["false_positives"]["denominator"], bare["false_positives"]["rate"]) == (7, 0.5714)
    assert bare["false_positives"]["by_label"]["unlabelled"] == 2
    assert bare["external"]["known"] is False


def test_role_confusion_and_per_role(result: dict) -> None:
    assert result["role_confusion"] == {
        "collector": {"collector": 1, "none": 1},
        "mule": {"collector": 1, "none": 2},
        "consumer": {"consumer": 1},
        "victim": {"mule": 1, "victim": 1},
        "benign_lookalike": {"collector": 1, "none": 1},
        "normal": {"none": 1},
        "external": {"collector": 1},
        "unlabelled": {"mule": 1},
    }
    by_role = {r["role"]: r for r in result["by_role"]}
    assert by_role["collector"] == {
        "role": "collector",
        "labelled": 2,
        "flagged": 1,
        "recall": 0.5,
        "same_role": 1,
        "same_role_share": 1.0,
    }
    assert by_role["mule"]["same_role"] == 0
    assert by_role["mule"]["recall"] == round(1 / 3, 4)
    assert by_role["consumer"]["recall"] == 1.0


def test_alerted_role_is_highest_scoring_non_victim_alert() -> None:
    labels = _labels(("A", "mule", "fan_in", "k"))
    alerts = _alerts(
        ("A", "other", "x", 0.4), ("A", "collector", "x", 0.8), ("A", "victim", "", 1.0)
    )
    assert evaluate(labels, alerts)["role_confusion"]["mule"] == {"collector": 1}
    tie = _alerts(("A", "mule", "x", 0.5), ("A", "collector", "x", 0.5))
    assert evaluate(labels, tie)["role_confusion"]["mule"] == {"collector": 1}


def test_per_typology(result: dict) -> None:
    by_typ = {t["typology"]: t for t in result["by_typology"]}
    assert by_typ["financial_sextortion"] == {
        "typology": "financial_sextortion",
        "suspects": 3,
        "flagged": 2,
        "cases": 1,
        "cases_found": 1,
        "recall": round(2 / 3, 4),
        "case_recall": 1.0,
    }
    assert (by_typ["fan_in"]["recall"], by_typ["fan_in"]["case_recall"]) == (0.0, 0.0)
    assert by_typ["csam_purchase"]["recall"] == 1.0
    by_alert = {t["alert_typology"]: t for t in result["by_alert_typology"]}
    assert by_alert["financial_sextortion"]["accounts"] == 3
    assert by_alert["financial_sextortion"]["precision"] == round(2 / 3, 4)
    assert by_alert["financial_sextortion"]["lookalikes"] == 1
    assert by_alert["mule_network"] == {
        "alert_typology": "mule_network",
        "accounts": 3,
        "suspects": 0,
        "precision": 0.0,
        "lookalikes": 0,
        "victims": 1,
        "labelled_typologies": {},
    }


def test_threshold_sweep(result: dict) -> None:
    sweep = {t["threshold"]: t for t in result["thresholds"]}
    assert list(sweep) == [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert sweep[0.3]["precision"] == result["overall"]["precision"]
    # Max non-victim scores: C1 .9, M1 .5, K1 .7, V2 .4, L1 .35, U1 .95, X1 .45.
    assert (sweep[0.4]["flagged"], sweep[0.4]["precision"], sweep[0.4]["lookalike_rate"]) == (
        6,
        0.5,
        0.0,
    )
    assert (sweep[0.5]["flagged"], sweep[0.5]["precision"], sweep[0.5]["recall"]) == (4, 0.75, 0.5)
    assert (sweep[0.9]["flagged"], sweep[0.9]["flagged_suspects"]) == (2, 1)
    assert sweep[0.9]["false_positive_rate"] == round(1 / 8, 4)


def test_no_alerts_gives_undefined_precision_not_an_error() -> None:
    res = evaluate(read_labels(SMALL), _alerts())
    assert res["overall"]["precision"] is None
    assert res["overall"]["recall"] == 0.0
    assert res["thresholds"] == []


def test_ids_stay_strings() -> None:
    labels = _labels(("007", "collector", "fan_in", "k"))
    assert evaluate(labels, _alerts(("007", "collector", "", 0.9)))["overall"]["recall"] == 1.0


def test_active_ids_from_transactions() -> None:
    active = read_active_ids(SMALL)
    assert active is not None
    assert "U1" not in set(active) and {"X1", "X2", "U2"} <= set(active)
