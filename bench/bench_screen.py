"""Benchmark real-time screening: in-process latency against a floor, and HTTP on loopback.

In one run:

1. Generate a signed, HMAC-keyed 1M-entry release (mixed identifier types, the four
   actions, all sides) with spec.py + signing.py, and load it with `Screener.load`
   (signature and checksum verified; load time and memory reported).
2. In-process: `Screener.screen` on generated payments, each with 2 account ids and 5
   identifiers captured as payment systems send them (mixed case emails, spaced and
   national phone numbers, cash-app links, ...; ~3% hit an entry). Latency per payment
   with `perf_counter_ns`. The floor, timed the same way in interleaved blocks: for each
   payment, one `dict.get` per identifier screened (7) on the screener's own 1M-key index
   with the keys precomputed: no normalising, no hashing, no decision.
3. HTTP: `sever serve`'s app (uvicorn, `--workers`, default 2) in a separate process;
   `wrk` (or, when absent, an asyncio keep-alive generator in another process) posts
   distinct payments over keep-alive connections. Throughput, p50, p99; then every
   response status is checked (no non-2xx allowed).

Targets (issue 6): in-process p99 <= 50 us and <= 20x the floor; HTTP >= 3,000 screens/s
with p99 <= 10 ms on 2 cores. Writes reports/bench/screen.md and screen.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import ROOT
from sever.blocklist import release, signing
from sever.blocklist.config import Recipient
from sever.blocklist.keys import hmac_key_id
from sever.blocklist.spec import Action, ReleaseEntry, keyed_hash, release_dir
from sever.realtime import Party, Payment, Screener
from sever.realtime.keys import key_functions

RECIPIENT = "bench"
HMAC_KEY = bytes.fromhex("a1" * 32)
TYPES = ["account_id", "email", "phone", "payment_handle", "device_id", "ip", "username"]
DOMAINS = ["gmail.com", "outlook.com", "example.org", "mail.example.co.uk", "yahoo.com"]


# --- identifiers: canonical values and the raw spellings payment systems send ------------


def canonical(id_type: str, i: int) -> str:
    if id_type == "account_id":
        return f"ACC{i:09d}"
    if id_type == "email":
        local = f"user{i}" if DOMAINS[i % 5] != "gmail.com" else f"user{i}x"
        return f"{local}@{DOMAINS[i % 5]}"
    if id_type == "phone":
        return f"+1{2 + i % 8}{i % 100:02d}{5550000 + i % 10**7:07d}"[:12]
    if id_type == "payment_handle":
        return f"${'cash'}{i}"
    if id_type == "device_id":
        return f"{i:08x}-4f89-11d3-9a0c-{i * 7919 % 16**12:012x}"
    if id_type == "ip":
        return f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
    return f"name_{i}"


def raw(id_type: str, value: str, rng: random.Random) -> tuple[str, str | None]:
    """(as captured, region): a realistic spelling of a canonical value."""
    r = rng.random()
    if id_type == "email":
        local, domain = value.split("@")
        if r < 0.3:
            return f"{local.capitalize()}@{domain.upper()}", None
        if r < 0.4 and domain == "gmail.com":
            return f"{local[:3]}.{local[3:]}+pay@googlemail.com", None
        return value, None
    if id_type == "phone":
        if r < 0.6:
            return value, "US"
        if r < 0.9:
            return f"+1 {value[2:5]}-{value[5:8]}-{value[8:]}", "US"
        return f"({value[2:5]}) {value[5:8]}-{value[8:]}", "US"  # national layout
    if id_type == "payment_handle":
        return (f"https://cash.app/{value.upper()}" if r < 0.3 else value), None
    if id_type == "device_id":
        return (value.upper() if r < 0.5 else value), None
    return value, None


# --- the release ---------------------------------------------------------------------------


def write_release(root: Path, n: int, seed: int) -> tuple[Path, Path]:
    """A signed release of `n` entries under `root`; returns (releases dir, public key)."""
    rng = random.Random(seed)
    signing.generate(root / "release.key", root / "release.pub")
    private = signing.load_private(root / "release.key")
    expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=180)
    actions = [Action.BLOCK] * 6 + [Action.REVIEW] * 2 + [Action.WARN, Action.ALLOW]
    sides = ["either", "payee", "payer"]
    entries = []
    for i in range(n):
        id_type = TYPES[i % len(TYPES)]
        entries.append(
            ReleaseEntry(
                entry_id=f"BE-{i:016x}",
                id_type=id_type,
                key=keyed_hash(HMAC_KEY, id_type, canonical(id_type, i)),
                action=rng.choice(actions),
                applies_to=rng.choice(sides),  # type: ignore[arg-type]
                reason_code=f"code_{i % 17}",
                expires_at=expires,
                provenance_id=f"alert:{i}",
            )
        )
    release.write_release(
        release_dir(root / "releases", 1, RECIPIENT),
        1,
        None,
        Recipient(name=RECIPIENT, identifiers="hashed"),
        entries,
        [],
        set(),
        hmac_key_id(HMAC_KEY),
        datetime.now(UTC),
        private,
    )
    (root / "hmac.key").write_text(HMAC_KEY.hex())
    return root / "releases", root / "release.pub"


# --- payments ------------------------------------------------------------------------------


def payments(count: int, n_entries: int, seed: int) -> list[dict]:
    """Screen requests as JSON-ready dicts; ~3% carry an identifier that is in the release."""
    rng = random.Random(seed)
    out = []
    for p in range(count):

        def ident(id_type: str, slot: int, p: int = p) -> tuple[str, str | None]:
            if rng.random() < 0.005:  # in the release: entry indices of that type
                i = rng.randrange(n_entries // len(TYPES)) * len(TYPES) + TYPES.index(id_type)
            else:
                i = n_entries + p * 10 + slot  # never in it
            return raw(id_type, canonical(id_type, i), rng)

        s_acc, r_acc = ident("account_id", 0)[0], ident("account_id", 1)[0]
        email, phone, device, ip, handle = (
            ident(t, k + 2)
            for k, t in enumerate(["email", "phone", "device_id", "ip", "payment_handle"])
        )
        out.append(
            {
                "sender": {
                    "account_id": s_acc,
                    "country": "US",
                    "identifiers": {
                        "email": [email[0]],
                        "phone": [phone[0]],
                        "device_id": [device[0]],
                        "ip": [ip[0]],
                    },
                },
                "receiver": {"account_id": r_acc, "identifiers": {"payment_handle": [handle[0]]}},
                "amount": round(rng.uniform(5, 500), 2),
                "currency": "USD",
                "amount_usd": None,
                "channel": rng.choice(["p2p", "card", "gift_card"]),
            }
        )
    return out


def to_payment(d: dict) -> Payment:
    def party(x: dict) -> Party:
        return Party(x["account_id"], x.get("identifiers", {}), x.get("country"))

    return Payment(party(d["sender"]), party(d["receiver"]), d["amount"], d["currency"],
                   d["channel"])  # fmt: skip


def floor_keys(screener: Screener, p: Payment) -> list:
    keys = key_functions(HMAC_KEY)
    out = []
    for party in (p.sender, p.receiver):
        out.append(keys["account_id"](party.account_id, None))
        for t, values in party.identifiers.items():
            out += [keys[t](v, party.country) for v in values]
    return out


def pct(values: list[int], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] / 1000  # ns -> us


def in_process(screener: Screener, pays: list[Payment], blocks: int) -> dict:
    """Interleaved blocks of floor and screening timings, per payment, in microseconds."""
    index = screener._index  # the same 1M-key dict the screener looks up
    keysets = [floor_keys(screener, p) for p in pays]
    for p in pays[:2000]:  # warm-up
        screener.screen(p)
    clock = time.perf_counter_ns
    floor_ns: list[int] = []
    screen_ns: list[int] = []
    actions: dict[str, int] = {}
    size = len(pays) // blocks
    for b in range(blocks):
        chunk = range(b * size, (b + 1) * size)
        for i in chunk:
            keys = keysets[i]
            t0 = clock()
            for k in keys:
                index.get(k)
            floor_ns.append(clock() - t0)
        for i in chunk:
            p = pays[i]
            t0 = clock()
            d = screener.screen(p)
            screen_ns.append(clock() - t0)
            actions[d.action] = actions.get(d.action, 0) + 1
    floor_ns.sort()
    screen_ns.sort()
    out = {
        "payments": len(screen_ns),
        "lookups_per_payment": len(keysets[0]),
        "actions": actions,
        "screen_us": {
            q: pct(screen_ns, v)
            for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999))
        },
        "floor_us": {
            q: pct(floor_ns, v)
            for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999))
        },
        "screen_mean_us": statistics.fmean(screen_ns) / 1000,
        "floor_mean_us": statistics.fmean(floor_ns) / 1000,
    }
    out["ratio_p50"] = out["screen_us"]["p50"] / out["floor_us"]["p50"]
    out["ratio_p99"] = out["screen_us"]["p99"] / out["floor_us"]["p99"]
    return out


# --- HTTP ------------------------------------------------------------------------------------

TOKEN = "bench-token"

WRK_SCRIPT = """
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local i = 0
local pause = %(pause)d
if pause > 0 then delay = function() return pause end end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, "/v1/screen", nil, bodies[i])
end
done = function(summary, latency, requests)
  local out = io.open("%(out)s", "w")
  out:write(string.format('{"requests": %%d, "seconds": %%f, "non2xx": %%d, "errors": %%d,'
    .. ' "p50_ms": %%f, "p90_ms": %%f, "p99_ms": %%f, "max_ms": %%f}',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  out:close()
end
"""

# The fallback load generator: asyncio, keep-alive connections, one process.
ASYNC_LOADGEN = """
import asyncio, json, sys, time
host, port, bodies_path, token, conns, seconds, out = sys.argv[1:8]
bodies = [line.strip().encode() for line in open(bodies_path)]
lat, bad, count = [], 0, 0
async def conn(k):
    global bad, count
    r, w = await asyncio.open_connection(host, int(port))
    i = k
    end = time.perf_counter() + float(seconds)
    while time.perf_counter() < end:
        b = bodies[i % len(bodies)]; i += int(conns)
        req = (b"POST /v1/screen HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
               b"Authorization: Bearer " + token.encode() + b"\\r\\nContent-Length: "
               + str(len(b)).encode() + b"\\r\\n\\r\\n" + b)
        t0 = time.perf_counter()
        w.write(req)
        head = await r.readuntil(b"\\r\\n\\r\\n")
        lines = head.lower().split(b"\\r\\n")
        length = int(next(h for h in lines if h.startswith(b"content-length")).split(b":")[1])
        await r.readexactly(length)
        lat.append(time.perf_counter() - t0)
        count += 1
        if not head.startswith(b"HTTP/1.1 200"):
            bad += 1
async def main():
    t0 = time.perf_counter()
    await asyncio.gather(*(conn(k) for k in range(int(conns))))
    return time.perf_counter() - t0
took = asyncio.run(main())
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
json.dump({"requests": count, "seconds": took, "non2xx": bad, "errors": 0, "p50_ms": q(0.5),
           "p90_ms": q(0.9), "p99_ms": q(0.99), "max_ms": lat[-1] * 1000}, open(out, "w"))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    root: Path, releases: Path, public: Path, workers: int
) -> tuple[subprocess.Popen, int]:
    from sever.realtime.clients import hash_token
    from sever.realtime.config import ENV, ServiceConfig

    clients = root / "clients.json"
    clients.write_text(
        json.dumps(
            {"clients": {"bench": {"token_sha256": hash_token(TOKEN), "recipient": RECIPIENT}}}
        )
    )
    cfg = ServiceConfig(releases, RECIPIENT, public, clients, root / "state", root / "hmac.key")
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "sever.realtime.api:app_from_env", "--factory",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--no-access-log", "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env={**os.environ, ENV: cfg.to_env()}, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list((root / "state").glob("decisions-*.jsonl"))) < workers:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the service did not start")
        time.sleep(0.5)
    import httpx

    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    return proc, port


def load(port: int, root: Path, connections: int, seconds: int, rate: int = 0) -> dict:
    """One load-generator run; `rate` > 0 paces each connection (wrk `delay`) to about
    that many requests a second in all, instead of sending as fast as answers come."""
    out = root / f"load-{connections}-{rate}.json"
    bodies = root / "bodies.jsonl"
    pause = connections * 1000 // rate if rate else 0  # ms between a response and the next
    wrk = shutil.which("wrk")
    if wrk:
        script = root / "screen.lua"
        script.write_text(
            WRK_SCRIPT % {"bodies": bodies, "token": TOKEN, "out": out, "pause": pause}
        )
        base = [wrk, "-t1", f"-c{connections}", "-s", str(script), f"http://127.0.0.1:{port}"]
        subprocess.run([*base, "-d3s"], check=True, capture_output=True)  # warm-up
        subprocess.run([*base, f"-d{seconds}s"], check=True, capture_output=True)
        generator = "wrk, 1 thread"
    elif rate:
        return {}  # the fallback generator does not pace
    else:
        cmd = [sys.executable, "-c", ASYNC_LOADGEN, "127.0.0.1", str(port), str(bodies), TOKEN,
               str(connections), str(seconds), str(out)]  # fmt: skip
        subprocess.run(cmd, check=True)
        generator = "asyncio keep-alive generator (wrk not on PATH)"
    result = json.loads(out.read_text())
    result["throughput_per_s"] = result["requests"] / result["seconds"]
    result["connections"] = connections
    result["paced_to"] = rate or None
    result["generator"] = generator
    return result


def http(root: Path, releases: Path, public: Path, bodies: list[dict], args) -> dict:
    (root / "bodies.jsonl").write_text("".join(json.dumps(b) + "\n" for b in bodies))
    started = time.perf_counter()
    proc, port = start_server(root, releases, public, args.workers)
    ready_s = time.perf_counter() - started
    try:
        runs = [load(port, root, c, args.seconds) for c in args.connections]
        runs += [load(port, root, 32, args.seconds, rate) for rate in args.paced]
        runs = [r for r in runs if r]
    finally:
        proc.terminate()
        proc.wait(60)
    logged = sum(
        len(p.read_text().splitlines()) for p in (root / "state").glob("decisions-*.jsonl")
    )
    return {"workers": args.workers, "ready_s": ready_s, "runs": runs, "decisions_logged": logged}


def report(r: dict, command: str) -> str:
    ip, web = r["in_process"], r.get("http")
    s_us, f_us = ip["screen_us"], ip["floor_us"]
    p99_ok = s_us["p99"] <= 50
    ratio_ok = ip["ratio_p99"] <= 20
    out = [
        "# Real-time screening benchmark",
        "",
        f"Measured {r['when']} with `{command}` ({os.cpu_count()} cores, shared with other work;",
        "floor and screening are timed in interleaved blocks of the same run).",
        "",
        f"Release: {r['entries']:,} entries, HMAC-SHA-256 keys, signed; generated in"
        f" {r['generate_s']:.1f} s, verified (signature, checksum) and indexed by"
        f" `Screener.load` in {r['load_s']:.1f} s; the process grew by {r['load_rss_mb']:,.0f} MB.",
        "",
        "## In-process: `Screener.screen`",
        "",
        f"{ip['payments']:,} payments, each with 2 account ids and 5 identifiers as captured"
        " (email: 30% mixed case, some googlemail dots and +tags; phone: 60% E.164, 30%"
        " `+1 415-555-2671`, 10% national `(415) 555-2671` with region US; device ids half"
        " upper case; 30% of payment handles as cash.app links; IPv4), so"
        f" {ip['lookups_per_payment']} lookups each. Actions: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(ip["actions"].items()))
        + ".",
        "",
        "Floor: for each payment, one `dict.get` per identifier screened"
        f" ({ip['lookups_per_payment']}) on the screener's own {r['entries']:,}-key index with the"
        " keys precomputed (no normalising, no HMAC, no decision), timed per payment with"
        " `perf_counter_ns` exactly like the screening.",
        "",
        "| per payment, µs | p50 | p90 | p99 | p99.9 | mean |",
        "|---|---:|---:|---:|---:|---:|",
        f"| screen | {s_us['p50']:.1f} | {s_us['p90']:.1f} | {s_us['p99']:.1f} |"
        f" {s_us['p999']:.1f} | {ip['screen_mean_us']:.1f} |",
        f"| floor | {f_us['p50']:.2f} | {f_us['p90']:.2f} | {f_us['p99']:.2f} |"
        f" {f_us['p999']:.2f} | {ip['floor_mean_us']:.2f} |",
        f"| ratio | {ip['ratio_p50']:.1f}x | | {ip['ratio_p99']:.1f}x | | |",
        "",
        f"Targets: p99 <= 50 µs: **{'met' if p99_ok else 'not met'}** ({s_us['p99']:.1f} µs);"
        f" within 20x of the floor: **{'met' if ratio_ok else 'not met'}**"
        f" ({ip['ratio_p99']:.1f}x at p99, {ip['ratio_p50']:.1f}x at p50).",
    ]
    if web:
        out += [
            "",
            "## HTTP: `POST /v1/screen` on loopback",
            "",
            f"The service (uvicorn, {web['workers']} workers, the same release; ready"
            f" {web['ready_s']:.0f} s after start) in one process group, the load generator"
            f" ({web['runs'][0]['generator']}) in another, all on the same {os.cpu_count()} cores;"
            " keep-alive connections posting 20,000 distinct payments in turn, each request"
            " authenticated, validated, screened and logged. Latency is the generator's.",
            "",
            "Unpaced runs send the next request as soon as an answer arrives: the CPUs are"
            " saturated (maximum throughput, queueing in the tail). Paced runs wait a fixed"
            " pause per connection (wrk's `delay`) to offer about the given rate.",
            "",
            "| connections | paced to /s | screens/s | p50 ms | p90 ms | p99 ms | max ms"
            " | non-2xx | errors |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for run in web["runs"]:
            paced = f"{run['paced_to']:,}" if run["paced_to"] else "-"
            out.append(
                f"| {run['connections']} | {paced} | {run['throughput_per_s']:,.0f} |"
                f" {run['p50_ms']:.2f} |"
                f" {run['p90_ms']:.2f} | {run['p99_ms']:.2f} | {run['max_ms']:.1f} |"
                f" {run['non2xx']} | {run['errors']} |"
            )
        met = [
            run
            for run in web["runs"]
            if run["throughput_per_s"] >= 3000 and run["p99_ms"] <= 10 and not run["non2xx"]
        ]
        verdict = (
            "met at "
            + ", ".join(
                f"{run['throughput_per_s']:,.0f}/s ({run['connections']} connections"
                + (f", paced to {run['paced_to']:,}/s)" if run["paced_to"] else ", unpaced)")
                for run in met
            )
            if met
            else "not met at any concurrency measured"
        )
        out += [
            "",
            f"Target >= 3,000 screens/s with p99 <= 10 ms (both at once): **{verdict}**."
            f" Decisions logged by the service: {web['decisions_logged']:,}.",
        ]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--payments", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, nargs="+", default=[8, 16, 32])
    ap.add_argument("--paced", type=int, nargs="*", default=[3500, 4500], help="paced rates")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    args = ap.parse_args()
    command = "python bench/bench_screen.py " + " ".join(sys.argv[1:])
    result: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "entries": args.entries,
    }
    with tempfile.TemporaryDirectory(dir=os.environ.get("SEVER_BENCH_TMP")) as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        releases, public = write_release(root, args.entries, args.seed)
        result["generate_s"] = time.perf_counter() - started
        bodies = payments(args.payments, args.entries, args.seed)
        pays = [to_payment(b) for b in bodies]
        gc.collect()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        screener = Screener.load(releases, RECIPIENT, public, HMAC_KEY)
        result["load_s"] = time.perf_counter() - started
        result["load_rss_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
        gc.collect()
        gc.freeze()  # the index is long-lived: keep the collector from walking it
        print(f"release: generated {result['generate_s']:.1f}s, loaded {result['load_s']:.1f}s")
        result["in_process"] = in_process(screener, pays, blocks=10)
        print(json.dumps(result["in_process"], indent=2))
        del screener, pays
        gc.unfreeze()
        gc.collect()
        if not args.skip_http:
            result["http"] = http(root, releases, public, bodies[:20000], args)
            print(json.dumps(result["http"], indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "screen.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "screen.md").write_text(report(result, command))
    print(report(result, command))


if __name__ == "__main__":
    main()
