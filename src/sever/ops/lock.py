"""One writer at a time: a file lock next to the warehouse, and a note saying who holds it.

Writes `<warehouse>.lock` (held with flock, so a killed process frees it) and
`<warehouse>.lock.json` (pid, host, what and since, for the message others get).
Scheduled jobs, `sever scan` and `sever ingest` take it; a second run waits up to a
bound and then stops with a clear message instead of fighting over the file.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from sever.errors import ExitCode, SeverError


class Busy(SeverError):
    """Another run holds the lock and did not finish within the wait."""

    exit_code = ExitCode.EXTERNAL


def lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


def holder(target: Path) -> str:
    """Who holds the lock on `target`, as far as its note says."""
    try:
        note = json.loads(lock_path(target).with_suffix(".lock.json").read_text())
    except (OSError, ValueError):
        return "another process"
    where = f"pid {note.get('pid')} on {note.get('host')}, since {note.get('since')} UTC"
    return f"{note.get('what', '?')} ({where})"


@contextmanager
def hold(
    target: Path | None,
    *,
    wait: float,
    what: str,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the lock on `target` (a file path; None: an in-memory warehouse, no lock)."""
    if target is None or str(target) == ":memory:":
        yield
        return
    target = Path(target).absolute()
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if wait <= 0:
            raise Busy(_busy(target, what, wait)) from None
        if on_wait:
            on_wait(f"{target.name} is in use by {holder(target)}; waiting up to {wait:.0f}s")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise Busy(_busy(target, what, wait)) from None
    note = path.with_suffix(".lock.json")
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    mine = {"what": what, "pid": os.getpid(), "host": socket.gethostname(), "since": since}
    note.write_text(json.dumps(mine))
    try:
        yield
    finally:
        with suppress(OSError):
            note.unlink()
        lock.release()


def _busy(target: Path, what: str, wait: float) -> str:
    return (
        f"{what}: {target} is in use by {holder(target)}"
        + (f"; gave up after waiting {wait:.0f}s" if wait > 0 else "")
        + ". Nothing was changed: run it again when that one has finished"
        + ("" if wait > 0 else " (or pass --wait SECONDS)")
        + "."
    )
