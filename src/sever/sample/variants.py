"""Scalar identifier helpers: other raw spellings of a value, crypto addresses, strangers.

Signals carry an identifier in a *different* raw form than the institution captured it
(case, national vs E.164 phone, `cash.app/$x` vs `$X`), so only a normalising matcher
finds them. Values made up for signals that must match nobody use patterns the
population never produces (see `rawforms`).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
WORDS = tuple(
    [
        "king",
        "money",
        "boss",
        "real",
        "vibes",
        "dark",
        "night",
        "shadow",
        "lux",
        "wolf",
        "ghost",
        "rich",
        "drip",
        "baby",
        "angel",
        "sweet",
        "lonely",
        "secret",
        "private",
        "exclusive",
        "leak",
        "vault",
        "trade",
        "fast",
        "easy",
        "daddy",
        "honey",
        "sugar",
        "cute",
    ]
)
PERSONA = tuple(
    [
        "emily",
        "ashley",
        "jessica",
        "brianna",
        "kayla",
        "hannah",
        "olivia",
        "sophia",
        "madison",
        "chloe",
        "lily",
        "amber",
    ]
)


def bech32_addresses(rng: np.random.Generator, n: int) -> list[str]:
    """Checksum-valid P2WPKH (bc1q...) addresses on random 20-byte programs, vectorised."""
    prog = np.frombuffer(rng.bytes(20 * n), dtype=np.uint8).reshape(n, 20)
    groups = np.unpackbits(prog, axis=1).reshape(n, 32, 5) @ np.array([16, 8, 4, 2, 1])
    data = np.concatenate([np.zeros((n, 1), dtype=np.int64), groups], axis=1)  # version 0
    hrp = np.broadcast_to(np.array([3, 3, 0, 2, 3]), (n, 5))  # "bc" expanded
    values = np.concatenate([hrp, data, np.zeros((n, 6), dtype=np.int64)], axis=1)
    chk = np.ones(n, dtype=np.int64)
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    for col in values.T:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ col
        for i, g in enumerate(gen):
            chk ^= np.where((top >> i) & 1, g, 0)
    chk ^= 1
    check = np.stack([(chk >> 5 * (5 - i)) & 31 for i in range(6)], axis=1)
    chars = np.frombuffer(_B32.encode(), dtype=np.uint8)[np.concatenate([data, check], axis=1)]
    width = chars.shape[1]
    return ["bc1" + a for a in chars.copy().view(f"S{width}").ravel().astype(f"U{width}").tolist()]


def bech32_address(rng: np.random.Generator) -> str:
    return bech32_addresses(rng, 1)[0]


def base58_address(rng: np.random.Generator) -> str:
    """A checksum-valid legacy P2PKH (1...) address."""
    payload = b"\x00" + rng.bytes(20)
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num, out = int.from_bytes(raw, "big"), ""
    while num:
        num, rem = divmod(num, 58)
        out = _B58[rem] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\x00"))) + out


def eth_address(rng: np.random.Generator) -> str:
    return "0x" + rng.bytes(20).hex()


def crypto_address(rng: np.random.Generator) -> str:
    r = rng.random()
    return bech32_address(rng) if r < 0.5 else base58_address(rng) if r < 0.7 else eth_address(rng)


def crypto_addresses(rng: np.random.Generator, n: int) -> list[str]:
    """n addresses: half native segwit, a fifth legacy bitcoin, the rest ethereum."""
    kind = rng.choice(3, size=n, p=[0.5, 0.2, 0.3])
    out = [""] * n
    for i, a in zip(
        np.flatnonzero(kind == 0).tolist(),
        bech32_addresses(rng, int((kind == 0).sum())),
        strict=True,
    ):
        out[i] = a
    for i in np.flatnonzero(kind == 1).tolist():
        out[i] = base58_address(rng)
    for i in np.flatnonzero(kind == 2).tolist():
        out[i] = eth_address(rng)
    return out


def phone_forms(raw: str) -> list[str]:
    """Other layouts of the same US/CA or UK number (E.164, national, spaced)."""
    d = re.sub(r"\D", "", raw)
    if (d.startswith("44") and len(d) == 12) or (d.startswith("07") and len(d) == 11):
        n = d[-10:]
        forms = [f"+44{n}", f"0{n[:4]} {n[4:]}", f"+44 {n[:4]} {n[4:]}", f"0{n}"]
    elif len(d) == 10 or (len(d) == 11 and d.startswith("1")):
        n = d[-10:]
        forms = [f"+1{n}", f"({n[:3]}) {n[3:6]}-{n[6:]}", f"+1 {n[:3]}-{n[3:6]}-{n[6:]}"]
        forms += [f"{n[:3]}.{n[3:6]}.{n[6:]}", f"1 {n[:3]} {n[3:6]} {n[6:]}"]
    else:
        return [raw]
    return [f for f in forms if f != raw]


def phone_variant(raw: str) -> str:
    """The same number in another layout: E.164 becomes national and vice versa."""
    forms = phone_forms(raw)
    national = [f for f in forms if not f.startswith("+")]
    return (national if raw.startswith("+") and national else forms)[0]


def email_variant(raw: str, rng: np.random.Generator) -> str:
    local, _, domain = raw.strip().partition("@")
    if domain.lower() == "gmail.com" and rng.random() < 0.5:
        plain = local.split("+")[0]
        local = plain.replace(".", "") if "." in plain else f"{plain[:3]}.{plain[3:]}"
        return f"{local.lower()}@gmail.com"
    out = f"{local}@{domain}".lower()
    return out if out != raw else f"{local.capitalize()}@{domain.upper()}"


def username_variant(raw: str) -> str:
    base = raw.lstrip("@")
    return base.lower() if raw.startswith("@") or base != base.lower() else "@" + base.upper()


def handle_variant(raw: str, rng: np.random.Generator) -> str:
    tag = raw.lstrip("$")
    forms = (f"cash.app/${tag.lower()}", f"https://cash.app/${tag}", f"${tag.upper()}")
    return forms[int(rng.integers(3))]


def device_variant(raw: str) -> str:
    return raw.lower() if raw != raw.lower() else raw.upper()


def ip_variant(raw: str) -> str:
    """IPv6 hex in upper case; an IPv4 address has no other common spelling."""
    return raw.upper() if ":" in raw else raw


def crypto_variant(raw: str) -> str:
    if raw.startswith("bc1"):
        return raw.upper()  # bech32 is case-insensitive when the case is uniform
    if raw.startswith("0x"):
        return "0x" + raw[2:].upper()
    return f"bitcoin:{raw}"


def stranger_username(rng: np.random.Generator) -> str:
    """Letters only: population usernames always end in digits."""
    a, b = rng.choice(len(WORDS), 2, replace=False)
    sep = ("", "_", ".", "x")[int(rng.integers(4))]
    return f"{WORDS[a]}{sep}{WORDS[b]}{'xo'[: int(rng.integers(3))]}"


def stranger_email(rng: np.random.Generator) -> str:
    domain = ("gmail.com", "outlook.com", "proton.me", "yahoo.com")[int(rng.integers(4))]
    return f"{stranger_username(rng).replace('x', '.', 1)}@{domain}"


def stranger_handle(rng: np.random.Generator) -> str:
    return "$" + stranger_username(rng).replace(".", "").replace("_", "")


def fictional_phone(rng: np.random.Generator, k: int) -> str:
    """k-th stranger number: US 555-01xx, UK drama range, or random NG/CI/PH mobiles."""
    r = rng.random()
    if r < 0.3:
        area = ("201", "212", "305", "312", "415", "469", "512", "602", "713", "818", "917")
        return f"+1 {area[k % 11]} 555 01{(k // 11) % 100:02d}"
    if r < 0.4:
        return f"07700 900{k % 1000:03d}"
    if r < 0.65:
        return f"+234 80{int(rng.integers(3, 10))} {int(rng.integers(1e6, 1e7))}"
    if r < 0.8:
        return f"+225 07 {int(rng.integers(1e7, 1e8))}"
    return f"+63 9{int(rng.integers(10, 99))} {int(rng.integers(1e6, 1e7))}"


def persona(rng: np.random.Generator, serial: int) -> tuple[str, str]:
    """Username and cashtag of an operator's fake persona; unique through `serial`."""
    name = PERSONA[int(rng.integers(len(PERSONA)))]
    extra = WORDS[int(rng.integers(len(WORDS)))]
    user = (f"{name}.{extra}{serial}x", f"itz_{name}{serial}xo", f"{name}_{extra}_{serial}x")
    tag = f"${name.capitalize()}{extra.capitalize()}{serial}x"
    return user[int(rng.integers(3))], tag
