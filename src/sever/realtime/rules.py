"""Analyst rules at screen time: the ones a single payment can decide, on the batch's AST.

Reads `rules/*.yaml` and, when given a warehouse path, the rule approvals in it (opened
read-only for a moment, then closed: the service never holds the warehouse). A rule
applies to one payment when every feature its parsed condition reads is an account
attribute (`vocabulary.single_payment`); its condition is evaluated with the same
checked tree and the same three-valued Python evaluator as the batch engine's tests.
Rules that need windows or scan scores are reported as not applicable.

What a live hit does to the payment, by the rule's action and role:

- the judged account is a victim (e.g. a payer in financial sextortion): `warn` — the
  victim-protection message, never a hold or a block of the person being exploited;
- `review` or `block_candidate`: `review` (a block needs an analyst's approval);
- `alert`: nothing (the hit is reported and logged).

Shadow rules are evaluated and reported but never change the action; disabled rules
are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sever.errors import UserError
from sever.realtime.payment import Party, Payment
from sever.rules import vocabulary as v
from sever.rules.files import RuleFile, load_rules
from sever.rules.spec import Rule

log = logging.getLogger("sever.realtime")

Row = dict[str, Any]


@dataclass(frozen=True)
class RealtimeRule:
    rule: Rule
    mode: str  # live (approved) or shadow
    why: str  # why that mode
    effect: str | None  # action of a live hit (warn, review) or None

    @property
    def ref(self) -> str:
        return self.rule.ref


@dataclass(frozen=True)
class RuleSet:
    applicable: tuple[RealtimeRule, ...]
    not_applicable: tuple[tuple[str, str], ...]  # (id@version, why)

    def report(self) -> dict[str, Any]:
        return {
            "applicable": [{"rule": r.ref, "mode": r.mode, "why": r.why} for r in self.applicable],
            "not_applicable": [{"rule": ref, "why": why} for ref, why in self.not_applicable],
        }


EMPTY = RuleSet((), ())


def needs_history(rule: Rule) -> list[str]:
    """The features of the condition one payment cannot supply."""
    return sorted(c.name for c in rule.compiled.columns.values() if not v.single_payment(c))


def effect(rule: Rule) -> str | None:
    if rule.role == "victim":
        return "warn"
    return "review" if rule.action in ("review", "block_candidate") else None


def rule_set(rules: Iterable[tuple[Rule, str, str]]) -> RuleSet:
    """Sort (rule, effective mode, why) into those one payment decides and the rest."""
    applicable, other = [], []
    for rule, mode, why in rules:
        if rule.mode == "disabled" or mode not in ("live", "shadow"):
            continue
        missing = needs_history(rule)
        if missing:
            other.append((rule.ref, f"needs history or scores: {', '.join(missing)}"))
        else:
            applicable.append(RealtimeRule(rule, mode, why, effect(rule)))
    return RuleSet(tuple(applicable), tuple(other))


def load_rule_set(rules_dir: Path, warehouse: Path | None) -> RuleSet:
    """Rules from `rules_dir`; live only when approved in `warehouse` (else shadow)."""
    files, problems = load_rules(rules_dir)
    if problems:
        raise UserError("\n".join(p.render() for p in problems))
    return rule_set(_modes(files, warehouse))


def _modes(files: list[RuleFile], warehouse: Path | None) -> list[tuple[Rule, str, str]]:
    declared = [f for f in files if f.rule.mode != "disabled"]
    if warehouse is None:
        why = "approvals unknown (no warehouse given): runs as shadow"
        return [
            (f.rule, "shadow", why if f.rule.mode == "live" else "declared shadow")
            for f in declared
        ]
    # Imported here: the service needs DuckDB for nothing else.
    import duckdb

    from sever.rules.governance import effective_mode
    from sever.warehouse import Warehouse

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"{warehouse}: cannot read rule approvals ({exc})") from None
    try:
        wh = Warehouse(con, warehouse)
        return [(f.rule, *effective_mode(wh, f)) for f in declared]
    finally:
        con.close()


def _side_row(party: Party) -> Row:
    row = dict(party.attributes)
    row["country"] = party.country
    return row


def row_builder(rule: Rule) -> Callable[[Payment], Row]:
    """The feature row the rule's condition reads, from the payment's parties."""
    if rule.scope == "payee":
        return lambda p: _side_row(p.receiver)
    if rule.scope == "payer":
        return lambda p: _side_row(p.sender)

    def pair(p: Payment) -> Row:
        row = {f"payer.{k}": x for k, x in _side_row(p.sender).items()}
        row.update({f"payee.{k}": x for k, x in _side_row(p.receiver).items()})
        return row

    return pair
