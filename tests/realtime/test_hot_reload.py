"""Hot reload on a real server (uvicorn on loopback): no failed request while releases swap."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from realtime_fixtures import E, write_release
from test_service import AUTH, PAYMENT, config

from sever.blocklist.spec import ENTRIES_FILE
from sever.realtime.api import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, releases, private, public_path) -> Iterator[tuple[str, object]]:
    write_release(releases, 1, [E("BE-1", "payment_handle", "$bobby", "warn", "payee")], private)
    app = create_app(config(tmp_path, releases, public_path, poll_seconds=0.05))
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(10)


def test_releases_swap_under_load_without_a_failed_request(server, releases, private) -> None:
    url, app = server
    seen: list[tuple[int, int | None]] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=url, headers=AUTH, timeout=10) as c:
            while not stop.is_set():
                r = c.post("/v1/screen", json=PAYMENT)
                seen.append((r.status_code, r.json().get("release_no")))

    workers = [threading.Thread(target=load) for _ in range(3)]
    for w in workers:
        w.start()
    try:
        time.sleep(0.3)
        # a big enough release that indexing it overlaps many requests
        many = [E(f"BE-x{i}", "email", f"user{i}@example.com") for i in range(30_000)]
        write_release(
            releases, 2, [*many, E("BE-2", "payment_handle", "$bobby", "review")], private
        )
        _wait(lambda: app.state.holder.screener.release_no == 2)
        bad = write_release(releases, 3, [E("BE-3", "payment_handle", "$bobby", "allow")], private)
        (bad / ENTRIES_FILE).write_text((bad / ENTRIES_FILE).read_text().replace("allow", "block"))
        _wait(lambda: 3 in app.state.holder.refused)
        time.sleep(0.3)
    finally:
        stop.set()
        for w in workers:
            w.join(10)
    statuses = {s for s, _ in seen}
    assert statuses == {200}, statuses
    numbers = [n for _, n in seen]
    assert set(numbers) == {1, 2} and numbers.index(2) > 0
    assert numbers[-1] == 2  # the tampered release 3 never served
    metrics = httpx.get(f"{url}/metrics").text
    assert "sever_release_reloads_total{" in metrics and "} 1" in metrics


def _wait(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
