"""Release exports for payment systems: CSV, Stripe Radar value lists and rules, Adyen referrals.

Reads the release's `ReleaseEntry`s (keys already hashed or raw per recipient); writes
files under `<release>/exports/` and returns each file's data-row count for the
manifest. One-action-per-value exports (Stripe, Adyen) carry the winning entry per side
and value (`precedence.effective`), so the payment system never sees a conflict.

Stripe Radar (`exports/stripe/`): `value_lists.json` (alias, name, item_type, items; one
list per action, side and identifier type) and one `<alias>.txt` per list (a value a
line, for the Dashboard upload); `rules.txt` with the rule lines, allow lists first.
Raw payer emails, IPs and card fingerprints use Radar's own attributes
(`Block if :email: in @sever_block_email`); everything else uses payment metadata the
merchant sets: `::sever_<type>::` for the payer, `::sever_payee_<type>::` for the payee,
and for hashed recipients `::sever_<type>_key::` / `::sever_payee_<type>_key::` holding
`HMAC-SHA-256(recipient key, "<type>:<normalised value>")` in lowercase hex (item_type
`string`), e.g. `Block if ::sever_email_key:: in @sever_block_email_key`. Radar has no
payer message, so `warn` entries are not exported there (the screener serves them).

Adyen (`exports/adyen/referrals_NNN.csv`, raw recipients only): the referral import
layout, RFC 4180, UTF-8, no header, at most 100,000 lines a file, each line
`<referral type>,<merchant account>,<value>,<description>,<flag>`; referral types as
the Referrals API names them (shopperemail, shopperip, phonenumber, shopperreference
for the account id), flag block (block entries) or trust (allow entries), and `delete`
for values the previous release exported that this one no longer does. Adyen screens
the shopper, so only entries that apply to the payer go there; review and warn do not.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from sever.blocklist.config import Recipient
from sever.blocklist.precedence import effective
from sever.blocklist.spec import Action, ReleaseEntry

CSV_COLUMNS = [
    "entry_id",
    "id_type",
    "key",
    "action",
    "applies_to",
    "reason_code",
    "expires_at",
    "provenance_id",
    "under_appeal",
]
STRIPE_NATIVE = {  # raw payer values Radar knows itself: attribute, item_type
    "email": (":email:", "email"),
    "ip": (":ip_address:", "ip_address"),
    "card_fingerprint": (":card_fingerprint:", "card_fingerprint"),
}
STRIPE_VERB = {Action.ALLOW: "Allow", Action.BLOCK: "Block", Action.REVIEW: "Review"}
ADYEN_TYPES = {
    "email": "shopperemail",
    "ip": "shopperip",
    "phone": "phonenumber",
    "account_id": "shopperreference",
}
ADYEN_FLAG = {Action.BLOCK: "block", Action.ALLOW: "trust"}
ADYEN_MAX_LINES = 100_000


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _csv_text(rows: Iterable[list[str]], header: list[str] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(root: Path, entries: list[ReleaseEntry], under_appeal: set[str]) -> dict[str, int]:
    rows = [
        [
            e.entry_id,
            e.id_type,
            e.key,
            e.action.value,
            e.applies_to,
            e.reason_code,
            e.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            e.provenance_id,
            "true" if e.entry_id in under_appeal else "false",
        ]
        for e in entries
    ]
    _write(root / "exports" / "entries.csv", _csv_text(rows, CSV_COLUMNS))
    return {"exports/entries.csv": len(rows)}


def stripe_list(side: str, id_type: str, action: Action, hashed: bool) -> tuple[str, str, str]:
    """(alias, attribute, item_type) of the Radar list for one side, type and action."""
    if side == "payer" and not hashed and id_type in STRIPE_NATIVE:
        attribute, item_type = STRIPE_NATIVE[id_type]
        return f"sever_{action.value}_{id_type}", attribute, item_type
    stem = ("" if side == "payer" else "payee_") + id_type + ("_key" if hashed else "")
    return f"sever_{action.value}_{stem}", f"::sever_{stem}::", "string"


def write_stripe(root: Path, entries: list[ReleaseEntry], hashed: bool) -> dict[str, int]:
    lists: dict[str, dict] = {}
    for (side, id_type, key), e in sorted(effective(entries).items()):
        if e.action not in STRIPE_VERB:
            continue
        alias, attribute, item_type = stripe_list(side, id_type, e.action, hashed)
        name = f"sever {e.action.value} {side} {id_type}" + (" (keyed hash)" if hashed else "")
        spec = lists.setdefault(
            alias,
            {
                "alias": alias,
                "name": name,
                "item_type": item_type,
                "attribute": attribute,
                "action": e.action,
                "items": [],
            },
        )
        spec["items"].append(key)
    folder = root / "exports" / "stripe"
    counts: dict[str, int] = {}
    order = {a: i for i, a in enumerate(STRIPE_VERB)}
    ordered = sorted(lists.values(), key=lambda s: (order[s["action"]], s["alias"]))
    rules = [
        "# sever block-list rules for Stripe Radar, in evaluation order (allow, block, review).",
        "# Create each value list from value_lists.json (or upload <alias>.txt), then add these.",
    ]
    if hashed:
        rules.append(
            "# ::sever_<type>_key:: and ::sever_payee_<type>_key:: are payment metadata the "
            "merchant sets to HMAC-SHA-256(recipient key, '<type>:<normalised value>'), hex."
        )
    rules.append("# warn entries are served by the sever screener: Radar shows no payer message.")
    for spec in ordered:
        items = sorted(set(spec["items"]))
        _write(folder / f"{spec['alias']}.txt", "".join(f"{v}\n" for v in items))
        counts[f"exports/stripe/{spec['alias']}.txt"] = len(items)
        spec["items"] = items
        rules.append(f"{STRIPE_VERB[spec['action']]} if {spec['attribute']} in @{spec['alias']}")
    body = [{k: s[k] for k in ("alias", "name", "item_type", "items")} for s in ordered]
    _write(folder / "value_lists.json", json.dumps(body, indent=2) + "\n")
    _write(folder / "rules.txt", "\n".join(rules) + "\n")
    counts["exports/stripe/value_lists.json"] = len(body)
    counts["exports/stripe/rules.txt"] = len(ordered)
    return counts


def adyen_referrals(entries: list[ReleaseEntry]) -> dict[tuple[str, str], ReleaseEntry]:
    """Per (referral type, value) the payer-side winner Adyen can hold (block or trust)."""
    out = {}
    for (side, id_type, key), e in effective(entries).items():
        if side == "payer" and id_type in ADYEN_TYPES and e.action in ADYEN_FLAG:
            out[(ADYEN_TYPES[id_type], key)] = e
    return out


def write_adyen(
    root: Path,
    entries: list[ReleaseEntry],
    previous: list[ReleaseEntry],
    recipient: Recipient,
    release_no: int,
) -> dict[str, int]:
    current = adyen_referrals(entries)
    gone = sorted(set(adyen_referrals(previous)) - set(current))
    account = recipient.adyen_merchant_account or ""
    lines = [
        [rtype, account, key, f"{e.reason_code} {e.entry_id} R{release_no}", ADYEN_FLAG[e.action]]
        for (rtype, key), e in sorted(current.items())
    ]
    lines += [[rtype, account, key, f"removed in R{release_no}", "delete"] for rtype, key in gone]
    chunks: dict[int, list[list[str]]] = defaultdict(list)
    for i, line in enumerate(lines):
        chunks[i // ADYEN_MAX_LINES].append(line)
    counts = {}
    for n in range(max(1, len(chunks))):
        rel = f"exports/adyen/referrals_{n + 1:03d}.csv"
        _write(root / rel, _csv_text(chunks.get(n, [])))
        counts[rel] = len(chunks.get(n, []))
    return counts
