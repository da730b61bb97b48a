"""Victim pattern: a young payer making repeated, escalating payments to a new payee.

Catches: the payer side of sextortion — two or more payments within days to a
payee it never paid before, rising amounts, pleading memos, at night, the payee
a likely collector or carrying a shared signal (FinCEN FIN-2025-NTC2 victim-side
indicators). Marks victims so they can be protected: a victim is never a suspect.

Must not catch: a teen paying club dues once, a fan tipping a streamer the same
small sum every month. Those payees are not collectors, the payments do not
escalate and are spread over months, so the payer is not scored.
"""

from __future__ import annotations

from sever.graph.context import Component, Finding, usd, val

ID = "victim"


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    out = []
    for payer, payee, e in comp.pay.edges(data=True):
        if comp.is_external(payer):
            continue
        collector = comp.best(payee, "sextortion_collector")
        payee_threat = max(
            collector.score if collector else 0.0, val(comp.node(payee), "signal_score")
        )
        if payee_threat < cfg["min_score"] or comp.best(payer, "sextortion_collector"):
            continue
        repeated = e["n_txn"] >= cfg["min_payments"] and e["span_hours"] <= cfg["max_span_hours"]
        p = comp.node(payer)
        minor = p.get("age") is not None and p["age"] < comp.config["minor_age"]
        signs = {
            "paid repeatedly within days": repeated,
            "amounts rose": bool(e["escalating"]),
            "pleading memo": e["n_plea"] > 0,
            "at night": e["n_night"] > 0,
            "payer is a minor": minor,
            "first payment to this payee": bool(e["first_time"]),
        }
        shown = [k for k, v in signs.items() if v]
        # Being young, new to the payee and up late is not extortion on its own.
        coerced = repeated or signs["amounts rose"] or signs["pleading memo"]
        if len(shown) < 3 or not coerced:
            continue
        score = min(1.0, payee_threat * (0.4 + 0.1 * len(shown)))
        reason = (
            f"paid {payee} {e['n_txn']} times ({usd(e['usd'])}) over {e['span_hours']:.0f} h: "
            + ", ".join(shown)
        )
        out.append(
            Finding(
                payer,
                ID,
                "victim",
                "financial_sextortion",
                score,
                [reason],
                {payee},
                [(payer, payee)],
            )
        )
    return out
