"""Raw identifier values for the whole population, vectorised with polars.

Values are written the way institutions capture them: phones in E.164 or national
formats, mixed-case e-mails with gmail dots and +tags, so that normalisation matters.
Every generated value carries a per-account unique number (an affine bijection of
the account index), so two ordinary accounts never share an e-mail, phone, username
or handle by accident: shared identifiers in the data are the planted ones.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sever.sample.vocab import words

US_AREAS = words(
    "201 202 205 206 212 213 214 215 216 217 224 248 267 281 301 303 305 310 312 313 314 323 "
    "336 347 404 407 410 412 414 415 469 480 503 504 512 513 602 612 617 646 678 702 704 713 "
    "718 720 732 773 786 813 832 858 904 916 919 929 949 954 972 978"
)
CA_AREAS = words("416 647 437 905 289 613 514 438 450 604 778 236 403 587 780 204 902 306")
DOMAINS = {
    "US": (
        ("gmail.com", 45),
        ("yahoo.com", 15),
        ("icloud.com", 12),
        ("outlook.com", 10),
        ("hotmail.com", 8),
        ("aol.com", 5),
        ("comcast.net", 5),
    ),
    "GB": (
        ("gmail.com", 40),
        ("hotmail.co.uk", 20),
        ("yahoo.co.uk", 10),
        ("outlook.com", 10),
        ("icloud.com", 10),
        ("btinternet.com", 10),
    ),
    "CA": (
        ("gmail.com", 45),
        ("hotmail.com", 15),
        ("yahoo.ca", 10),
        ("outlook.com", 10),
        ("icloud.com", 10),
        ("rogers.com", 5),
        ("shaw.ca", 5),
    ),
}
PLATFORMS = ("instagram", "snapchat", "discord", "tiktok")
_PRIMES = (1_000_003, 2_750_159, 15_485_863, 32_452_843, 49_979_687)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def unique_numbers(rng: np.random.Generator, idx: np.ndarray, modulus: int) -> np.ndarray:
    """A scrambled, collision-free number in [0, modulus) for each distinct index."""
    if len(idx) and int(idx.max()) >= modulus:
        raise ValueError("modulus too small for a bijection")
    a = _PRIMES[int(rng.integers(len(_PRIMES)))]
    return (idx.astype(np.int64) * a + int(rng.integers(modulus))) % modulus


def hex_strings(rng: np.random.Generator, n: int, nbytes: int) -> pl.Series:
    raw = np.frombuffer(rng.bytes(n * nbytes), dtype=np.uint8).reshape(n, nbytes)
    chars = np.empty((n, 2 * nbytes), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 15]
    return pl.Series(chars.view(f"S{2 * nbytes}").ravel().astype(f"U{2 * nbytes}"))


def pick(rng: np.random.Generator, n: int, weighted: tuple[tuple[str, float], ...]) -> pl.Series:
    values = pl.Series([v for v, _w in weighted])
    w = np.array([w for _v, w in weighted], dtype=float)
    return values.gather(rng.choice(len(values), size=n, p=w / w.sum()))


def _modulus(idx: np.ndarray) -> int:
    """A power of ten comfortably above every index, so numbers vary in length."""
    top = int(idx.max()) + 1 if len(idx) else 1
    return 10 ** max(4, len(str(4 * top)))


def digits(x: np.ndarray, width: int = 0) -> pl.Series:
    s = pl.Series(x.astype(np.int64)).cast(pl.String)
    return s.str.zfill(width) if width else s


def emails(
    rng: np.random.Generator, first: pl.Series, last: pl.Series, country: pl.Series, idx: np.ndarray
) -> pl.Series:
    n = len(idx)
    num = digits(unique_numbers(rng, idx, _modulus(idx)))
    domain = pl.Series([""] * n, dtype=pl.String)
    for code, weighted in DOMAINS.items():
        mask = (country == code).to_numpy()
        domain = domain.scatter(np.flatnonzero(mask), pick(rng, int(mask.sum()), weighted))
    df = pl.DataFrame(
        {"f": first, "l": last, "n": num, "d": domain, "p": rng.integers(0, 6, n)}
        | {"case": rng.choice(4, n, p=[0.85, 0.1, 0.04, 0.01]), "tag": rng.random(n)}
    )
    f, ln = pl.col("f"), pl.col("l")
    local = (
        pl.when(pl.col("p") == 0)
        .then(pl.concat_str(f, pl.lit("."), ln, pl.col("n")))
        .when(pl.col("p") == 1)
        .then(pl.concat_str(f, ln, pl.col("n")))
        .when(pl.col("p") == 2)
        .then(pl.concat_str(f, pl.lit("_"), ln, pl.col("n")))
        .when(pl.col("p") == 3)
        .then(pl.concat_str(f.str.slice(0, 1), ln, pl.col("n")))
        .when(pl.col("p") == 4)
        .then(pl.concat_str(f, ln.str.slice(0, 1), pl.lit("."), pl.col("n")))
        .otherwise(pl.concat_str(ln, pl.lit("."), f, pl.col("n")))
    )
    tagged = (pl.col("d") == "gmail.com") & (pl.col("tag") < 0.05)
    local = pl.when(tagged).then(pl.concat_str(local, pl.lit("+pay"))).otherwise(local)
    case = pl.col("case")
    local = pl.when(case == 0).then(local.str.to_lowercase()).otherwise(local)
    dom = pl.col("d")
    dom = (
        pl.when(case == 2).then(dom.str.to_titlecase()).when(case == 3).then(dom.str.to_uppercase())
    )
    out = pl.concat_str(local, pl.lit("@"), dom.otherwise(pl.col("d")))
    out = pl.when(case == 3).then(out.str.to_uppercase()).otherwise(out)
    out = pl.when(pl.col("tag") > 0.99).then(pl.concat_str(out, pl.lit(" "))).otherwise(out)
    return df.select(out.alias("email")).to_series()


def phones(rng: np.random.Generator, country: pl.Series, idx: np.ndarray) -> pl.Series:
    """US/CA numbers avoid the 555 exchange (kept for fictional numbers in signals)."""
    n = len(idx)
    is_ca = (country == "CA").to_numpy()
    area = pl.Series(US_AREAS).gather(rng.integers(0, len(US_AREAS), n))
    area = area.scatter(np.flatnonzero(is_ca), pl.Series(CA_AREAS).gather(rng.integers(0, 18, n)))
    num = unique_numbers(rng, idx, 7_990_000)
    exch = 200 + num // 10_000
    exch = exch + (exch >= 555)
    gb = 7_400_000_000 + unique_numbers(rng, idx, 600_000_000)  # UK mobiles 074xx-079xx
    df = pl.DataFrame(
        {"a": area, "e": digits(exch), "l": digits(num % 10_000, 4), "g": digits(gb)}
        | {"c": country, "fmt": rng.choice(7, n, p=[0.35, 0.25, 0.12, 0.05, 0.05, 0.1, 0.08])}
    )
    a, e, ln, g, fmt = pl.col("a"), pl.col("e"), pl.col("l"), pl.col("g"), pl.col("fmt")
    na = pl.concat_str(
        pl.when(fmt == 0)
        .then(pl.concat_str(pl.lit("+1"), a, e, ln))
        .when(fmt == 1)
        .then(pl.concat_str(pl.lit("("), a, pl.lit(") "), e, pl.lit("-"), ln))
        .when(fmt == 2)
        .then(pl.concat_str(a, pl.lit("-"), e, pl.lit("-"), ln))
        .when(fmt == 3)
        .then(pl.concat_str(a, pl.lit("."), e, pl.lit("."), ln))
        .when(fmt == 4)
        .then(pl.concat_str(pl.lit("1 "), a, pl.lit(" "), e, pl.lit(" "), ln))
        .when(fmt == 5)
        .then(pl.concat_str(pl.lit("+1 "), a, pl.lit("-"), e, pl.lit("-"), ln))
        .otherwise(pl.concat_str(a, e, ln))
    )
    uk = (
        pl.when(fmt <= 1)
        .then(pl.concat_str(pl.lit("+44"), g))
        .when(fmt <= 3)
        .then(pl.concat_str(pl.lit("0"), g.str.slice(0, 4), pl.lit(" "), g.str.slice(4)))
        .when(fmt == 4)
        .then(pl.concat_str(pl.lit("+44 "), g.str.slice(0, 4), pl.lit(" "), g.str.slice(4)))
        .otherwise(pl.concat_str(pl.lit("0"), g))
    )
    return df.select(pl.when(pl.col("c") == "GB").then(uk).otherwise(na)).to_series()


def usernames(
    rng: np.random.Generator, first: pl.Series, last: pl.Series, idx: np.ndarray
) -> pl.Series:
    """Usernames always end in their unique number (signals of strangers never do)."""
    n = len(idx)
    num = digits(unique_numbers(rng, idx, _modulus(idx)))
    df = pl.DataFrame({"f": first, "l": last, "n": num, "p": rng.integers(0, 5, n)})
    df = df.with_columns(at=rng.random(n) < 0.3, up=rng.random(n) < 0.25)
    f, ln, nn, p = pl.col("f"), pl.col("l"), pl.col("n"), pl.col("p")
    base = (
        pl.when(p == 0)
        .then(pl.concat_str(f, pl.lit("_"), ln, nn))
        .when(p == 1)
        .then(pl.concat_str(f, ln.str.slice(0, 3), nn))
        .when(p == 2)
        .then(pl.concat_str(f, pl.lit("."), ln, pl.lit("."), nn))
        .when(p == 3)
        .then(pl.concat_str(pl.lit("its"), f, pl.lit("_"), nn))
        .otherwise(pl.concat_str(ln, f.str.slice(0, 1), pl.lit("_"), nn))
    )
    base = pl.when(pl.col("up")).then(base).otherwise(base.str.to_lowercase())
    out = pl.when(pl.col("at")).then(pl.concat_str(pl.lit("@"), base)).otherwise(base)
    return df.select(out).to_series()


def cashtags(
    rng: np.random.Generator, first: pl.Series, last: pl.Series, idx: np.ndarray
) -> pl.Series:
    n = len(idx)
    num = digits(unique_numbers(rng, idx, _modulus(idx)))
    df = pl.DataFrame({"f": first, "l": last, "n": num, "up": rng.random(n) < 0.5})
    tag = pl.concat_str(pl.lit("$"), pl.col("f"), pl.col("l").str.slice(0, 5), pl.col("n"))
    return df.select(pl.when(pl.col("up")).then(tag).otherwise(tag.str.to_lowercase())).to_series()


def device_ids(rng: np.random.Generator, n: int) -> pl.Series:
    """iOS-style upper-case UUIDs or Android-style 16-hex ids."""
    h = hex_strings(rng, n, 16)
    parts = [h.str.slice(0, 8), h.str.slice(8, 4), h.str.slice(12, 4), h.str.slice(16, 4)]
    uuid = pl.concat_str([*parts, h.str.slice(20, 12)], separator="-").str.to_uppercase()
    ios = pl.Series(rng.random(n) < 0.45)
    return pl.select(pl.when(ios).then(uuid).otherwise(h.str.slice(0, 16))).to_series()


def ipv4(rng: np.random.Generator, first_octets: tuple[int, ...], idx: np.ndarray) -> pl.Series:
    """Public IPv4 addresses; unique per index within the given first octets."""
    low = unique_numbers(rng, idx, 65_536 * 254)
    first = np.array(first_octets)[rng.integers(0, len(first_octets), len(idx))]
    mid = low // 254
    octets = [first, mid >> 8, mid & 255, 1 + low % 254]
    return pl.select(pl.concat_str([digits(o) for o in octets], separator=".")).to_series()


def ipv6(rng: np.random.Generator, n: int) -> pl.Series:
    prefix = pl.Series(["2600:1700:", "2607:fb90:", "2a01:4c8:", "2605:8d80:"]).gather(
        rng.integers(0, 4, n)
    )
    h = hex_strings(rng, n, 12)
    groups = [h.str.slice(i, 4).str.strip_chars_start("0") for i in range(0, 24, 4)]
    groups = [g.replace("", "0") for g in groups]
    return prefix + pl.select(pl.concat_str(groups, separator=":")).to_series()
