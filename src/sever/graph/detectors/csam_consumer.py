"""Child-exploitation consumer: frequent small remittances to a region of concern, at night.

Catches: an adult sending many low-value remittances (AUSTRAC AUD 10–100, FATF
EUR 10–200) to several beneficiaries in South-East Asia, late at night, with
innocuous descriptions ("school uniform", "medical bills"), on many days.

Must not catch: family remittances to the Philippines or Nigeria — regular,
one beneficiary for months, steady amounts, in the daytime. The detector needs
several beneficiaries, many small payments on many days, and discounts steady
single-beneficiary patterns.
"""

from __future__ import annotations

from sever.graph.context import Component, Finding, val

ID = "csam_consumer"


def detect(comp: Component) -> list[Finding]:
    cfg = comp.config["detectors"][ID]
    concern = comp.config["jurisdictions_of_concern"]["csam_purchase"]
    out = []
    for acct, a in comp.pay.nodes(data=True):
        n = val(a, "small_concern_n")
        receivers = val(a, "small_concern_receivers")
        if (
            n < cfg["min_small_remittances"]
            or receivers < cfg["min_receivers"]
            or val(a, "small_concern_days") < cfg["min_days"]
            or comp.is_external(acct)
        ):
            continue
        night = val(a, "small_concern_night_n") / n
        innocuous = val(a, "small_concern_innocuous_n") / n
        steady = a.get("concern_amount_cv") is not None and (
            a["concern_amount_cv"] <= cfg["max_amount_cv_for_family"]
        )
        score = (
            0.3 * min(1, n / 15) + 0.2 * min(1, (receivers - 1) / 3) + 0.3 * night + 0.2 * innocuous
        )
        if steady:
            score *= 0.5
        edges = [
            (v, e)
            for _, v, e in comp.pay.out_edges(acct, data=True)
            if e.get("receiver_country") in concern
        ]
        txns = [(acct, v) for v, _ in edges]
        reasons = [
            f"{int(n)} remittances of {cfg['small_min_usd']}-{cfg['small_max_usd']} USD to "
            f"{int(receivers)} beneficiaries in {'/'.join(concern)} on "
            f"{int(val(a, 'small_concern_days'))} days",
            f"{night:.0%} sent late at night (local time); {innocuous:.0%} with innocuous memos "
            "such as school or medical costs",
        ]
        if steady:
            reasons.append("amounts are steady (like family support): score halved")
        out.append(
            Finding(
                acct,
                ID,
                "consumer",
                "csam_purchase",
                min(1.0, score),
                reasons,
                {v for v, _ in edges},
                txns,
            )
        )
    return out
