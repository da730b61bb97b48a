"""The shipped rules: they validate, each has a hit and a look-alike case, and every case passes.

Each case (rules/*.yaml `cases:`) is one test: its ledger is ingested into an in-memory
warehouse, the rule features are built and the rule is evaluated on the case's day.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sever.rules.cases import run_case
from sever.rules.files import load_rules
from sever.rules.render import vocabulary_markdown
from sever.rules.schema import rule_schema

RULES = Path(__file__).resolve().parents[2] / "rules"
FILES, PROBLEMS = load_rules(RULES)
CASES = [(rf, case) for rf in FILES for case in rf.rule.cases]


def test_every_shipped_rule_validates() -> None:
    assert not PROBLEMS, "\n".join(p.render() for p in PROBLEMS)
    assert len(FILES) >= 8


def test_starter_set_is_mostly_live_with_some_shadow() -> None:
    modes = [f.rule.mode for f in FILES]
    assert modes.count("live") > len(modes) / 2
    assert "shadow" in modes


def test_every_rule_has_a_hit_case_and_a_lookalike_case() -> None:
    lacking = [
        f.rule.id
        for f in FILES
        if not any(e.hit for c in f.rule.cases for e in c.expect)
        or not any(not any(e.hit for e in c.expect) for c in f.rule.cases)
    ]
    assert not lacking, f"rules without a hit case and a look-alike (all misses) case: {lacking}"


def test_red_flags_cover_the_indicators() -> None:
    covered = {i for f in FILES for i in f.rule.red_flags}
    assert {1, 2, 3, 4, 5, 6, 7, 8, 11} <= covered


def test_committed_schema_is_current() -> None:
    committed = json.loads((RULES / "rule.schema.json").read_text(encoding="utf-8"))
    assert committed == rule_schema(), "run `sever rules schema > rules/rule.schema.json`"


def test_committed_vocabulary_is_current() -> None:
    committed = (RULES / "VOCABULARY.md").read_text(encoding="utf-8")
    assert committed == vocabulary_markdown() + "\n", (
        "run `sever rules vocabulary > rules/VOCABULARY.md`"
    )


@pytest.mark.parametrize(
    ("rf", "case"), [pytest.param(rf, c, id=f"{rf.rule.id}/{c.name}") for rf, c in CASES]
)
def test_rule_case(rf, case) -> None:
    result = run_case(rf, case)
    assert result.passed, "\n".join(result.failures)
