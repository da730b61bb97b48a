"""The red flags a rule can say it encodes: the numbered items of INDICATORS.md.

Reads nothing (the catalogue is copied from ../shared/domain/INDICATORS.md, whose item
numbers rules cite in `red_flags:`); used by the rule spec and the CLI listing.
"""

from __future__ import annotations

SOURCE = "shared/domain/INDICATORS.md"

RED_FLAGS: dict[int, str] = {
    1: "victim: series of P2P payments within hours to a new, unrelated payee, often abroad",
    2: "victim: payer is a minor or young adult with little or no P2P history",
    3: "victim: low, often round amounts, late at night",
    4: "victim: memos that plead or refer to images ('please stop', 'delete', 'don't post')",
    5: "victim: gift cards, prepaid or crypto bought right after contact",
    6: "victim: escalating amounts then a stop, or a second payee after the first is blocked",
    7: "collector: many small P2P payments from unrelated payers, quickly sent on",
    8: "collector: new account, thin KYC, many first-time payers, payers mostly minors",
    9: "collector: several collector accounts share devices, IPs, phones or emails",
    10: "collector: fan-in collection at scale from thousands of victims",
    11: "consumer: frequent low-value remittances to South-East Asia, several beneficiaries, "
    "innocuous descriptions, late at night",
    12: "consumer: purchases from VPN, spyware, video-capture or livestream vendors",
    13: "consumer: crypto to pay for abuse material",
}


def describe(item: int) -> str:
    return f"INDICATORS.md #{item}: {RED_FLAGS[item]}"
