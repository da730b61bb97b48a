"""Mule / pass-through: money in from several payers, out again fast, onward abroad or to cash.

Catches: fan-in then fan-out with short dwell, most of the money passed on,
onward abroad, to jurisdictions of concern or into cash, crypto and gift cards,
especially when the inbound money comes from accounts already scored as
collectors (FinCEN money-mule indicators; INDICATORS.md 7).

Must not catch: roommates' rent collector, who passes the money on within days
to a domestic landlord. Pass-through alone is ordinary; the detector requires an
onward destination abroad or in cash-like channels, or a link to collectors.
"""

from __future__ import annotations

from sever.graph.context import Component, Finding, usd, val

ID = "mule"
SUSPECT = ("sextortion_collector", "operator_cluster", "mule")


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    out = []
    for acct, a in comp.pay.nodes(data=True):
        payers, in_usd, out_usd = val(a, "payers"), val(a, "in_usd"), val(a, "out_usd")
        if payers < cfg["min_payers"] or not in_usd or not out_usd or comp.is_external(acct):
            continue
        # Balance, not ratio: an account spending far more than it received is not passing on.
        balance = min(in_usd, out_usd) / max(in_usd, out_usd)
        dwell = a.get("median_dwell_h")
        abroad = max(val(a, "out_abroad_usd"), val(a, "out_concern_usd")) / out_usd
        cash = val(a, "out_cashout_usd") / out_usd
        from_suspects = [
            (u, e)
            for u, _, e in comp.pay.in_edges(acct, data=True)
            if any((f := comp.best(u, d)) and f.score >= 0.5 for d in SUSPECT[:2])
        ]
        suspect_usd = sum(e["usd"] or 0 for _, e in from_suspects)
        share = suspect_usd / in_usd
        # One collector paying a friend or a shop is no link: a mule collects from several,
        # or most of its money comes from them.
        linked = share >= cfg["min_linked_share"] and (
            len(from_suspects) >= 2 or share >= cfg["min_single_link_share"]
        )
        link = min(1.0, share + len(from_suspects) / 4) if linked else 0.0
        if linked:
            # Did it pass the collected money on abroad or into cash? (It may have a salary too.)
            balance = min(1.0, max(abroad, cash) * out_usd / max(suspect_usd, 1e-9))
        max_dwell = cfg["max_median_dwell_h"] if linked else cfg["unlinked_max_median_dwell_h"]
        if balance < cfg["min_pass_through"] or dwell is None or dwell > max_dwell:
            continue
        if not linked and (
            payers < cfg["unlinked_min_payers"]
            or max(abroad, cash) < cfg["min_abroad_share"]
            or a.get("kind") == "business"  # a business passing money on is its trade
        ):
            continue  # domestic pass-through with no tie to a scheme: rent, shared bills
        fast = 1.0 - dwell / max(max_dwell, 1e-9)
        base = 0.4 * balance + 0.3 * fast + 0.3 * max(abroad, cash, link)
        score = base * (0.6 + 0.4 * link)
        collector = comp.best(acct, "sextortion_collector")
        if collector and collector.score >= score:
            continue  # a collector that forwards is still the collector
        txns = [(u, v) for u, v in comp.pay.in_edges(acct)]
        txns += [(u, v) for u, v in comp.pay.out_edges(acct)]
        reasons = [
            f"received {usd(in_usd)} from {int(payers)} payers and sent on {usd(out_usd)} "
            f"(passed on {balance:.0%} of {'what collectors paid it' if linked else 'inflow'})"
            f" with a median dwell of {dwell:.1f} h",
            f"{abroad:.0%} of outflow abroad or to jurisdictions of concern, {cash:.0%} into "
            "cash, crypto, gift cards or remittance",
        ]
        if linked:
            reasons.append(
                f"{len(from_suspects)} paying accounts are scored collectors "
                f"({', '.join(sorted(u for u, _ in from_suspects)[:5])}); "
                f"{suspect_usd / in_usd:.0%} of inflow comes from them"
            )
        typology = "financial_sextortion" if linked else "mule_network"
        related = {u for u, _ in from_suspects if linked} | set(comp.pay.successors(acct))
        out.append(Finding(acct, ID, "mule", typology, min(1.0, score), reasons, related, txns))
    return out
