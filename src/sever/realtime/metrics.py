"""Service metrics in the Prometheus text format (per worker process), for `GET /metrics`.

Reads and writes nothing outside the process. Counters: requests by route and status,
decisions by action, release reloads and refusals; a latency histogram of screen
requests (whole request, as the server sees it); gauges: the release number in use and
the last refused one. With several workers each reports its own (label `worker`).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


@dataclass
class Metrics:
    requests: Counter[tuple[str, int]] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    latency_sum: float = 0.0
    latency_count: int = 0
    release_no: int = 0
    reloads: int = 0
    refusals: int = 0
    refused_release_no: int = 0

    def request(self, route: str, status: int, seconds: float | None) -> None:
        self.requests[(route, status)] += 1
        if seconds is not None:
            i = 0
            while i < len(BUCKETS) and seconds > BUCKETS[i]:
                i += 1
            self.buckets[i] += 1
            self.latency_sum += seconds
            self.latency_count += 1

    def render(self) -> str:
        w = f'worker="{os.getpid()}"'
        out = [
            "# HELP sever_http_requests_total HTTP requests by route and status.",
            "# TYPE sever_http_requests_total counter",
        ]
        for (route, status), n in sorted(self.requests.items()):
            out.append(f'sever_http_requests_total{{{w},route="{route}",status="{status}"}} {n}')
        out += [
            "# HELP sever_decisions_total Screening decisions by action.",
            "# TYPE sever_decisions_total counter",
        ]
        for action in ("allow", "block", "review", "warn", "pass"):
            out.append(f'sever_decisions_total{{{w},action="{action}"}} {self.decisions[action]}')
        out += [
            "# HELP sever_screen_seconds Latency of POST /v1/screen inside the server.",
            "# TYPE sever_screen_seconds histogram",
        ]
        running = 0
        for bound, n in zip((*BUCKETS, "+Inf"), self.buckets, strict=True):
            running += n
            out.append(f'sever_screen_seconds_bucket{{{w},le="{bound}"}} {running}')
        out += [
            f"sever_screen_seconds_sum{{{w}}} {self.latency_sum:.6f}",
            f"sever_screen_seconds_count{{{w}}} {self.latency_count}",
            "# HELP sever_release_number The block-list release in use (0: none).",
            "# TYPE sever_release_number gauge",
            f"sever_release_number{{{w}}} {self.release_no}",
            "# HELP sever_release_reloads_total Newer verified releases swapped in.",
            "# TYPE sever_release_reloads_total counter",
            f"sever_release_reloads_total{{{w}}} {self.reloads}",
            "# HELP sever_release_refusals_total Releases refused (signature, checksum, format).",
            "# TYPE sever_release_refusals_total counter",
            f"sever_release_refusals_total{{{w}}} {self.refusals}",
            "# HELP sever_release_refused_number The last release refused (0: none).",
            "# TYPE sever_release_refused_number gauge",
            f"sever_release_refused_number{{{w}}} {self.refused_release_no}",
        ]
        return "\n".join(out) + "\n"
