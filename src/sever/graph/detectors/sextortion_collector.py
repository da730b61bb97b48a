"""Sextortion collector: the account victims are made to pay.

Catches: fan-in from many unrelated payers, mostly minors or young and new to
P2P, arriving in bursts, paying repeatedly with rising amounts, late at night,
with pleading memos, the money passed on fast (FinCEN FIN-2025-NTC2; Thorn/NCMEC
2024; FATF 2025).

Must not catch: the youth coach collecting equal dues once from many teens, the
streamer tipped by young fans for months, a charity fundraiser's burst of
first-time donors. They share fan-in, young or first-time payers and bursts, so
those count only as vulnerability; a score above the gate needs at least
`min_coercion_indicators` of escalation, pleading memos, night-time payments and
fast pass-through, which none of the look-alikes shows.
"""

from __future__ import annotations

from sever.graph.context import Component, Finding, day, usd, val

ID = "sextortion_collector"


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    w = cfg["weights"]
    out = []
    for acct, a in comp.pay.nodes(data=True):
        payers = val(a, "payers")
        if payers < cfg["min_payers"] or comp.is_external(acct):
            continue
        in_n, in_usd = max(val(a, "in_n"), 1), val(a, "in_usd")
        parts = {
            "fan_in": _clamp((payers - 2) / 6),
            "minors": val(a, "minor_payers") / max(val(a, "aged_payers"), 1),
            "first_time": val(a, "first_time_payers") / payers,
            "burst": _clamp(val(a, "max_new_payers_72h") / payers),
            "escalation": val(a, "escalating_payers") / payers,
            "plea": val(a, "plea_payers") / payers,
            "night": val(a, "night_n") / in_n,
            "pass_through": _clamp(val(a, "out_fwd_24h") / in_usd) if in_usd else 0.0,
        }
        coercion = sum(parts[k] >= v for k, v in cfg["coercion"].items())
        score = sum(w[k] * v for k, v in parts.items())
        if coercion < cfg["min_coercion_indicators"]:
            score *= 0.3  # vulnerability without coercion: the coach, the streamer, the charity
        # Payers it also pays back are friends, not victims (teens settling debts at night).
        reciprocal = val(a, "reciprocal_payers") / payers
        score *= 1 - reciprocal
        if score <= 0.05:
            continue
        in_edges = list(comp.pay.in_edges(acct, data=True))
        out_edges = list(comp.pay.out_edges(acct, data=True))
        txns = [(u, v) for u, v, _ in in_edges] + [(u, v) for u, v, _ in out_edges]
        reasons = [
            f"received {int(val(a, 'in_n'))} payments ({usd(in_usd)}) from {int(payers)} payers "
            f"between {day(a.get('first_in_ts'))} and {day(a.get('last_in_ts'))}; "
            f"{int(val(a, 'first_time_payers'))} had never paid it before, up to "
            f"{int(val(a, 'max_new_payers_72h'))} new payers within 72 h"
        ]
        if val(a, "aged_payers"):
            reasons.append(
                f"{int(val(a, 'minor_payers'))} of {int(val(a, 'aged_payers'))} payers with a "
                f"known age are minors; {int(val(a, 'thin_history_payers'))} payers have little "
                "other P2P history"
            )
        if parts["escalation"] or parts["plea"]:
            reasons.append(
                f"{int(val(a, 'escalating_payers'))} payers paid again with rising amounts; "
                f"{int(val(a, 'plea_n'))} payments carry pleading or image-related memos"
            )
        if reciprocal:
            reasons.append(
                f"it also paid back {int(val(a, 'reciprocal_payers'))} of its payers "
                "(score reduced: friends, not victims)"
            )
        if parts["night"]:
            reasons.append(
                f"{int(val(a, 'night_n'))} of {int(in_n)} payments made at night "
                "(payer's local time)"
            )
        if val(a, "out_usd"):
            reasons.append(
                f"sent on {usd(val(a, 'out_usd'))} to {int(val(a, 'out_receivers'))} accounts "
                f"({usd(val(a, 'out_fwd_24h'))} forwarded within 24 h of receiving; median dwell "
                f"{val(a, 'median_dwell_h', float('nan')):.1f} h; "
                f"{usd(val(a, 'out_concern_usd'))} to jurisdictions of concern)"
            )
        reasons.append(
            f"{coercion} coercion indicators (escalation, pleading memos, night, pass-through)"
        )
        related = {u for u, _, _ in in_edges} | {v for _, v, _ in out_edges}
        out.append(
            Finding(
                acct, ID, "collector", "financial_sextortion", _clamp(score), reasons, related, txns
            )
        )
    return out
