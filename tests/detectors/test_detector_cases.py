"""Every graph detector against small hand-built ledgers (tests/detectors/cases), run end to end.

Each case is a YAML file `cases/<detector_id>/<case_name>.yaml` holding a tiny
ledger (accounts, transactions, identifiers, signals) and what the engine must
conclude about some accounts. The runner writes the ledger as contract files,
runs a full `scan` on an in-memory warehouse, then checks every expectation
against `account_scores` and `alerts.jsonl`. The format is in README.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sever.config import load as load_config
from sever.graph.detectors import registry
from sever.ingest.delivery import FILES, write_delivery
from sever.scan.run import scan
from sever.warehouse import Warehouse, open_warehouse

CASES_DIR = Path(__file__).parent / "cases"
LOOKBACK_DAYS = 30
# Not a detector, but the combiner's id for a signal lead with no evidence behind it.
LEAD_ID = "signal_match"
TABLES = FILES  # case key -> contract file it becomes
CASE_KEYS = {"description", "as_of", "expect", "xfail", *TABLES}
EXPECT_KEYS = {"account", "detector", "hit", "role", "min_score", "suspect"}


class CaseLoader(yaml.SafeLoader):
    """Ledger text stays text: no timestamp parsing, and only true/false are booleans.

    YAML 1.1 would turn `country: NO` (Norway) into False and `ts: 2026-10-03T23:10:00-05:00`
    into a datetime that loses how the analyst wrote the offset.
    """


CaseLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Case:
    path: Path
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    @property
    def as_of(self) -> datetime:
        """`as_of` as naive UTC, as the warehouse stores every timestamp."""
        ts = datetime.fromisoformat(str(self.data["as_of"]))
        if ts.tzinfo is not None:
            ts = ts.astimezone(UTC).replace(tzinfo=None)
        return ts

    def rows(self, key: str) -> list[dict[str, Any]]:
        return list(expand(self.data.get(key) or [], f"{self.name}: {key}"))


# ---------------------------------------------------------------------------------------------
# Loading and checking the case files


def _range(text: str, where: str) -> list[int]:
    m = re.fullmatch(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*", text)
    if not m:
        raise ValueError(f"{where}: repeat values must be a list or 'first..last', got {text!r}")
    return list(range(int(m[1]), int(m[2]) + 1))


def _fill(value: Any, names: dict[str, Any]) -> Any:
    return value.format(**names) if isinstance(value, str) else value


def expand(items: list[Any], where: str) -> Iterator[dict[str, Any]]:
    """Rows as written, with each `{repeat: {var: values}, row: {...}}` block unrolled.

    Values are a list or an inclusive range 'first..last'; several variables are zipped
    and must have the same length. `{var}` (or `{var:02d}`) in the row's strings is replaced.
    """
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ValueError(f"{where}[{i}]: a row must be a mapping, got {item!r}")
        if "repeat" not in item:
            yield item
            continue
        if set(item) != {"repeat", "row"} or not isinstance(item["repeat"], dict):
            raise ValueError(
                f"{where}[{i}]: a repeat block is {{repeat: {{var: values}}, row: {{...}}}}"
            )
        spec = {
            var: vals if isinstance(vals, list) else _range(str(vals), f"{where}[{i}]")
            for var, vals in item["repeat"].items()
        }
        lengths = {len(v) for v in spec.values()}
        if len(lengths) != 1:
            raise ValueError(f"{where}[{i}]: repeat lists differ in length: {lengths}")
        for values in zip(*spec.values(), strict=True):
            names = dict(zip(spec, values, strict=True))
            yield {k: _fill(v, names) for k, v in item["row"].items()}


def _check_expectation(e: Any, where: str, detectors: set[str]) -> None:
    if not isinstance(e, dict) or "account" not in e:
        raise ValueError(f"{where}: an expectation is a mapping with `account`, got {e!r}")
    unknown = set(e) - EXPECT_KEYS
    if unknown:
        raise ValueError(
            f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(EXPECT_KEYS)})"
        )
    if "detector" in e:
        if e["detector"] not in detectors | {LEAD_ID}:
            raise ValueError(f"{where}: unknown detector {e['detector']!r}")
        if not isinstance(e.get("hit"), bool):
            raise ValueError(f"{where}: `detector` needs `hit: true` or `hit: false`")
        if not isinstance(e.get("min_score", 0.0), int | float):
            raise ValueError(f"{where}: `min_score` must be a number")
    elif {"hit", "role", "min_score"} & set(e):
        raise ValueError(f"{where}: `hit`, `role` and `min_score` need a `detector`")
    elif "suspect" not in e:
        raise ValueError(f"{where}: an expectation needs `detector` + `hit`, or `suspect`")
    if "role" in e and not e.get("hit"):
        raise ValueError(f"{where}: `role` only makes sense with `hit: true`")
    if "suspect" in e and e["suspect"] is not False:
        raise ValueError(f"{where}: only `suspect: false` is supported (assert hits instead)")


def load_case(path: Path) -> Case:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=CaseLoader)
    where = f"{path.parent.name}/{path.name}"
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a case is a YAML mapping")
    unknown = set(data) - CASE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(CASE_KEYS)})")
    for key in ("description", "as_of", "accounts", "transactions", "expect"):
        if not data.get(key):
            raise ValueError(f"{where}: `{key}` is required")
    if "xfail" in data and not (isinstance(data["xfail"], str) and data["xfail"].strip()):
        raise ValueError(f"{where}: `xfail` must give the reason, as text")
    detectors = set(registry())
    if path.parent.name not in detectors:
        raise ValueError(f"{where}: folder {path.parent.name!r} is not a registered detector id")
    for i, e in enumerate(data["expect"], 1):
        _check_expectation(e, f"{where}: expect[{i}]", detectors)
    case = Case(path, data)
    for key in TABLES:
        case.rows(key)  # a broken repeat block fails at collection, not mid-run
    return case


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES_DIR.glob("*/*.yaml"))]


CASES = all_cases()


def _param(case: Case):
    marks = []
    if case.data.get("xfail"):
        # strict: once the engine is fixed the case passes and the xfail must go.
        marks.append(pytest.mark.xfail(reason=str(case.data["xfail"]), strict=True))
    return pytest.param(case, id=case.name, marks=marks)


# ---------------------------------------------------------------------------------------------
# Running a case


def write_inputs(case: Case, folder: Path) -> None:
    write_delivery(folder, {key: case.rows(key) for key in TABLES})


@dataclass
class Outcome:
    scores: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    threshold: float

    def rows_for(self, account: str) -> list[dict[str, Any]]:
        return [r for r in self.scores if r["account_id"] == account]

    def alerts_for(self, account: str) -> list[dict[str, Any]]:
        return [a for a in self.alerts if a["subject_account_id"] == account]


def _assert_loaded_cleanly(case: Case, wh: Warehouse, record: dict[str, Any]) -> None:
    # A quarantined row silently shrinks the ledger, and a "miss" would then pass for nothing.
    bad = {t: c["quarantined"] for t, c in record["counts"]["ingest"].items() if c["quarantined"]}
    if bad or record["unusable_files"]:
        rows = wh.rows(
            "test:quarantine",
            "SELECT table_name, row_number, reasons FROM quarantine ORDER BY ALL",
        )
        pytest.fail(
            f"{case.name}: the ledger does not load cleanly: quarantined {bad}, unusable files "
            f"{record['unusable_files']}; quarantine rows: {rows}"
        )


def run_case(case: Case, tmp_path: Path) -> Outcome:
    data_dir, out_dir = tmp_path / "in", tmp_path / "out"
    write_inputs(case, data_dir)
    cfg = load_config()
    # One thread: on ledgers of tens of rows DuckDB's parallelism costs more than it saves.
    wh = open_warehouse(None, threads=1, memory_limit=None)
    try:
        result = scan(wh, data_dir, out_dir, cfg, as_of=case.as_of, lookback_days=LOOKBACK_DAYS)
        _assert_loaded_cleanly(case, wh, result.record)
        scores = wh.records(
            "test:scores",
            "SELECT account_id, role, typology, score, severity, detector_ids, reasons"
            " FROM account_scores WHERE run_id = ? ORDER BY account_id, typology",
            [result.run_id],
        )
    finally:
        wh.close()
    alerts_path = out_dir / "alerts.jsonl"
    alerts = [json.loads(line) for line in alerts_path.read_text(encoding="utf-8").splitlines()]
    return Outcome(scores, alerts, float(cfg.combiner["alert_min_score"]))


# ---------------------------------------------------------------------------------------------
# Judging expectations


def describe(outcome: Outcome, account: str) -> str:
    rows = outcome.rows_for(account)
    lines = [f"    account_scores rows for {account}: {len(rows) or 'none'}"]
    for r in rows:
        lines.append(
            f"      - role={r['role']} typology={r['typology']} score={r['score']:.4f} "
            f"severity={r['severity']} detectors={list(r['detector_ids'])}"
        )
        lines.extend(f"          reason: {reason}" for reason in r["reasons"])
    alerts = outcome.alerts_for(account)
    lines.append(f"    alerts for {account}: {len(alerts) or 'none'}")
    lines.extend(
        f"      - role={a['role']} typology={a['typology']} score={a['score']}" for a in alerts
    )
    return "\n".join(lines)


def judge(e: dict[str, Any], outcome: Outcome) -> str | None:
    """None when the expectation holds, else a sentence saying what went wrong."""
    acct = e["account"]
    problems = []
    if "detector" in e:
        det = e["detector"]
        floor = float(e.get("min_score", outcome.threshold))
        found = [
            r for r in outcome.rows_for(acct) if det in r["detector_ids"] and r["score"] >= floor
        ]
        if e["hit"] and not found:
            problems.append(f"expected a {det} hit (score >= {floor}), found none")
        elif e["hit"] and "role" in e and all(r["role"] != e["role"] for r in found):
            roles = sorted({r["role"] for r in found})
            problems.append(f"expected a {det} hit with role {e['role']}, got roles {roles}")
        elif not e["hit"] and found:
            problems.append(f"expected no {det} hit (score >= {floor}), found {len(found)}")
    if e.get("suspect") is False:
        suspect = [a for a in outcome.alerts_for(acct) if a["role"] != "victim"]
        if suspect:
            roles = sorted({a["role"] for a in suspect})
            problems.append(f"expected no suspect alert, found {len(suspect)} (roles {roles})")
    return f"{acct}: " + "; ".join(problems) if problems else None


def scoreboard(case: Case, outcome: Outcome) -> str:
    lines = [f"{case.name}: {len(outcome.scores)} scored rows, {len(outcome.alerts)} alerts"]
    lines.extend(
        f"  {r['account_id']:<10} {r['role']:<9} {r['typology']:<20} {r['score']:.4f} "
        f"{','.join(r['detector_ids'])}"
        for r in outcome.scores
    )
    return "\n".join(lines)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_detector_case(case: Case, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path)
    print(scoreboard(case, outcome))  # shown with -rP / -s: how close each case runs to the line
    failures = []
    for e in case.data["expect"]:
        problem = judge(e, outcome)
        if problem:
            failures.append(f"  {problem}\n{describe(outcome, e['account'])}")
    assert not failures, (
        f"{case.name}: {len(failures)} of {len(case.data['expect'])} expectations failed\n"
        + "\n".join(failures)
    )


def test_every_detector_has_a_hit_and_a_lookalike_case() -> None:
    """Each registered detector is shown working both ways by a case the engine passes today.

    xfail cases document a known engine problem and do not count.
    """
    found: dict[str, dict[bool, list[str]]] = {d: {True: [], False: []} for d in registry()}
    for case in CASES:
        if case.data.get("xfail"):
            continue
        for e in case.data["expect"]:
            if e.get("detector") in found:
                found[e["detector"]][e["hit"]].append(case.name)
    lacking = {
        d: [kind for kind, hit in (("hit", True), ("look-alike (hit: false)", False)) if not f[hit]]
        for d, f in found.items()
    }
    lacking = {d: kinds for d, kinds in lacking.items() if kinds}
    assert not lacking, f"detectors lacking a passing case: {lacking}"
