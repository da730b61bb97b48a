"""`signals.jsonl`: shared indicators in the ThreatExchange shape (Lantern-style).

About accounts/10 descriptors. A few hit planted accounts (~60% of collectors get 1-3,
some mules, some consumers), always spelled differently from the captured identifier
so that only a normalising matcher finds them; a few are false leads on ordinary or
look-alike accounts; most match nobody. Some are expired, withdrawn (`should_delete`),
NON_MALICIOUS or tagged `minor_perpetrator`; a few are keyword, URL and hash signals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from sever.sample import rawforms as rf
from sever.sample import variants as vr
from sever.sample.clock import DAY, Clock, iso_utc
from sever.sample.population import Population

TYPE_OF = {
    "email": "EMAIL_ADDRESS",
    "phone": "TELEPHONE",
    "username": "USERNAME",
    "payment_handle": "PAYMENT_HANDLE",
    "device_id": "DEVICE_ID",
    "crypto_address": "CRYPTO_ADDRESS",
    "ip": "IP_ADDRESS",
}
PREFER = {"username": 5, "payment_handle": 4, "email": 3, "phone": 3, "device_id": 1}
PREFER |= {"crypto_address": 1, "ip": 0.5}
OWNERS = ("platform_a", "platform_b", "platform_c", "bank_x", "bank_y", "fintech_z")
KEYWORDS = ("dont post", "please delete", "i will send it to your followers", "pay or i post")
KEYWORDS += ("send the money now", "ur nudes")
STRANGE_IP = (41, 102, 105, 197, 154, 160, 196, 49, 110, 112, 120, 124, 180)


FIELDS = ("id", "indicator", "type", "owner", "tags", "status", "confidence", "platform")
FIELDS += ("added_on", "last_active", "expired_on", "should_delete")


class _Maker:
    """Builds descriptors with random, unique 16-digit ids (like ThreatExchange's)."""

    def __init__(self, rng: np.random.Generator, clock: Clock) -> None:
        self.rng, self.clock = rng, clock
        self.out: list[dict[str, Any]] = []
        self._ids: set[int] = set()  # membership only: order never depends on it

    def add(self, indicator: str, kind: str, tags: list[str], *, status: str = "MALICIOUS",
            platform: str | None = None, added: int | None = None, active: int | None = None,
            owner: str | None = None) -> dict[str, Any]:  # fmt: skip
        rng, end = self.rng, self.clock.end
        added = added if added is not None else end - int(rng.uniform(1, 400) * DAY)
        added = min(added, end - 3600)
        active = active if active is not None else added + int(rng.uniform(0, 30) * DAY)
        active = max(added, min(end - 60, active))
        lo = 70 if status == "MALICIOUS" else 50 if status == "SUSPICIOUS" else 30
        sid = int(rng.integers(10**15, 10**16))
        while sid in self._ids:
            sid = int(rng.integers(10**15, 10**16))
        self._ids.add(sid)
        sig = {
            "id": str(sid),
            "indicator": indicator,
            "type": kind,
            "owner": owner or OWNERS[int(rng.integers(len(OWNERS)))],
            "tags": tags,
            "status": status,
            "confidence": int(rng.integers(lo, 101)),
            "platform": platform,
            "added_on": iso_utc(added),
            "last_active": iso_utc(active),
            "expired_on": None,
            "should_delete": False,
            "_added": added,  # kept for retention dates, not written
        }
        self.out.append(sig)
        return sig


def _tags(rng: np.random.Generator, harm: str, platform: str | None) -> list[str]:
    tags = [harm]
    if rng.random() < 0.6:
        tags.append("reported_to_authority")
    if rng.random() < 0.5:
        tags.append(f"report_id:{int(rng.integers(10**7, 10**8))}")
    if platform or rng.random() < 0.4:
        tags.append(f"platform:{platform or ('instagram', 'snapchat')[int(rng.integers(2))]}")
    return tags


def _variant(rng: np.random.Generator, id_type: str, value: str, taken: set[str]) -> str:
    """Another raw spelling of `value`, avoiding the spellings in `taken` where possible."""
    if id_type == "phone":
        forms = vr.phone_forms(value)
        free = [f for f in forms if f not in taken] or forms
        return free[int(rng.integers(len(free)))]
    return {
        "email": lambda: vr.email_variant(value, rng),
        "username": lambda: vr.username_variant(value),
        "payment_handle": lambda: vr.handle_variant(value, rng),
        "device_id": lambda: vr.device_variant(value),
        "crypto_address": lambda: vr.crypto_variant(value),
        "ip": lambda: vr.ip_variant(value),
    }[id_type]()


def build(
    rng: np.random.Generator,
    pop: Population,
    ids: pl.DataFrame,
    clock: Clock,
    targets: dict[str, list[int]],
) -> list[dict[str, Any]]:
    """targets: planted slots by role (collector, mule, consumer) and false-lead candidates."""
    total = max(60, pop.n // 10)
    mk = _Maker(rng, clock)
    wanted = sorted({i for group in targets.values() for i in group})
    rows: dict[int, list[tuple[str, str, str | None]]] = {}
    sub = ids.filter(pl.col("idx").is_in(wanted) & pl.col("id_type").is_in(list(TYPE_OF)))
    for idx, t, v, p in sub.select("idx", "id_type", "value", "platform").iter_rows():
        rows.setdefault(idx, []).append((t, v, p))
    taken = set(sub["value"].to_list())  # raw spellings a signal must not repeat

    def hit(idx: int, k: int, harm: str, status: str, **kw: Any) -> list[dict[str, Any]]:
        cands = rows.get(idx, [])
        if not cands:
            return []
        w = np.array([PREFER[t] for t, _v, _p in cands], dtype=float)
        pick = rng.choice(len(cands), size=min(k, len(cands)), replace=False, p=w / w.sum())
        out = []
        for j in sorted(pick.tolist()):
            t, v, p = cands[j]
            plat = p if t == "username" else None
            sig = mk.add(_variant(rng, t, v, taken), TYPE_OF[t], _tags(rng, harm, plat),
                         status=status, platform=plat, **kw)  # fmt: skip
            sig["_target"] = idx  # not written: lets the summary count hits
            out.append(sig)
        return out

    planted: list[dict[str, Any]] = []
    for c in targets["collector"]:
        if rng.random() < 0.6:
            added = max(int(pop.opened[c]), clock.end - 40 * DAY) + int(rng.uniform(0, 20) * DAY)
            status = "MALICIOUS" if rng.random() < 0.75 else "SUSPICIOUS"
            planted += hit(c, int(rng.integers(1, 4)), "sextortion", status, added=added)
    for m in targets["mule"]:
        if rng.random() < 0.2:
            planted += hit(m, 1, "sextortion", "SUSPICIOUS")
    for c in targets["consumer"]:
        if rng.random() < 0.25:
            harm = ("csam_distribution", "grooming")[int(rng.integers(2))]
            planted += hit(c, 1, harm, "SUSPICIOUS")
    for s in planted[: max(2, len(planted) // 50)]:  # a couple, more at scale
        s["tags"].append("minor_perpetrator")
    leads = targets["false_lead"]
    n_leads = min(len(leads), max(3, len(targets["collector"]) // 5))
    for j, a in enumerate(rng.choice(leads, size=n_leads, replace=False).tolist()):
        status = ("SUSPICIOUS", "NON_MALICIOUS", "MALICIOUS")[j % 3]
        hit(a, 1, "sextortion", status, added=clock.end - int(rng.uniform(2, 200) * DAY))
    for word in KEYWORDS:
        mk.add(word, "TEXT_STRING", ["sextortion"], owner="platform_a")
    _strangers(rng, mk, total)
    _retention(rng, mk.out, planted, clock)
    return sorted(mk.out, key=lambda s: (s["added_on"], s["id"]))  # as an export lists them


def _strangers(rng: np.random.Generator, mk: _Maker, total: int) -> None:
    """Signals that match nobody in the dataset; the first ones cover every kind once."""
    kinds = ("USERNAME", "EMAIL_ADDRESS", "TELEPHONE", "PAYMENT_HANDLE", "HASH_PDQ", "HASH_MD5")
    kinds += ("URI", "DOMAIN", "IP_ADDRESS", "CRYPTO_ADDRESS")
    w = np.array([30, 20, 15, 10, 8, 5, 4, 2, 3, 3], dtype=float)
    harms = ("sextortion", "csam_distribution", "grooming", "sadistic_exploitation")
    for k in range(max(0, total - len(mk.out))):
        kind = kinds[k] if k < len(kinds) else kinds[int(rng.choice(len(kinds), p=w / w.sum()))]
        plat = rf.PLATFORMS[int(rng.integers(4))] if kind == "USERNAME" else None
        value = _stranger(rng, kind, k)
        harm = harms[int(rng.choice(4, p=[0.55, 0.25, 0.15, 0.05]))]
        status = "MALICIOUS" if rng.random() < 0.6 else "SUSPICIOUS"
        if rng.random() < 0.02:
            status = "NON_MALICIOUS"
        mk.add(value, kind, _tags(rng, harm, plat), status=status, platform=plat)


def _stranger(rng: np.random.Generator, kind: str, k: int) -> str:
    """A made-up indicator of `kind` in a form no account in the dataset has."""
    site = f"{vr.stranger_username(rng).replace('_', '-').replace('.', '-')}.example"
    if kind == "USERNAME":
        return vr.stranger_username(rng)
    if kind == "EMAIL_ADDRESS":
        return vr.stranger_email(rng)
    if kind == "TELEPHONE":
        return vr.fictional_phone(rng, k)
    if kind == "PAYMENT_HANDLE":
        return vr.stranger_handle(rng)
    if kind in ("HASH_PDQ", "HASH_MD5"):
        return rng.bytes(32 if kind == "HASH_PDQ" else 16).hex()
    if kind == "URI":
        return f"https://{site}/u/{rng.bytes(4).hex()}"
    if kind == "DOMAIN":
        return site
    if kind == "IP_ADDRESS":
        first = STRANGE_IP[int(rng.integers(len(STRANGE_IP)))]
        return ".".join([str(first), *(str(int(x)) for x in rng.integers(1, 255, 3))])
    return vr.crypto_address(rng)


def _retention(
    rng: np.random.Generator,
    sigs: list[dict[str, Any]],
    planted: list[dict[str, Any]],
    clock: Clock,
) -> None:
    """Some signals expired (retention ended), a few withdrawn by their owner."""

    def expire(s: dict[str, Any]) -> None:
        lo = s["_added"] + 60  # after it was added, before the end of the window
        t = int(rng.uniform(lo, clock.end - 60))
        s["expired_on"] = iso_utc(t)
        s["last_active"] = min(s["last_active"], s["expired_on"])  # same format: text order

    for s in sigs:
        r = rng.random()
        if r < 0.08:
            expire(s)
        elif r < 0.09:
            s["should_delete"] = True
    for j, s in enumerate(planted[:: max(1, len(planted) // 3)][:3]):
        if j % 2 == 0:
            expire(s)
        else:
            s["should_delete"] = True
