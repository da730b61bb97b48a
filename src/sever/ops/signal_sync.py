"""Signal sync: new ThreatExchange export files from a drop folder, each applied once.

Reads the drop folder (JSON Lines, CSV or Parquet descriptors, applied in name order);
loads each new file through `sever.ingest.run_ingest`, so deletions (`should_delete`)
purge the signal and what derives from it and leave a tombstone, exactly as in a
delivery; writes ops_signal_files (a file's content is applied once, whatever its name).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sever.errors import UserError
from sever.ops.config import SignalSync
from sever.ops.context import Context, JobResult
from sever.warehouse import Warehouse


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sizes(wh: Warehouse) -> tuple[int, int]:
    return wh.rows(
        "ops:signals:sizes",
        "SELECT (SELECT count(*) FROM signals), (SELECT count(*) FROM signal_tombstones)",
    )[0]


def _apply(ctx: Context, path: Path) -> tuple[str, dict[str, Any], str]:
    """Ingest one export file as a signals delivery; return status, counts, ingest run."""
    from sever.ingest import run_ingest

    before = _sizes(ctx.wh)
    with tempfile.TemporaryDirectory(prefix="sever-signals-") as tmp:
        # The loader finds signals by file name; the link keeps the export's own name in it.
        name = (
            path.name if path.name.startswith(("signals_", "signals-")) else f"signals_{path.name}"
        )
        link = Path(tmp) / name
        try:
            link.symlink_to(path.absolute())
        except OSError:
            shutil.copyfile(path, link)
        report = run_ingest(ctx.wh, Path(tmp))
    after = _sizes(ctx.wh)
    counts: dict[str, Any] = dict(report.totals().get("signals", {}))
    counts["signals_net_change"] = after[0] - before[0]
    counts["deleted"] = after[1] - before[1]
    status = "unusable" if report.unusable else "applied"
    if report.unusable:
        counts["problem"] = report.unusable[0].problem
    return status, counts, report.run_id


def signal_sync(ctx: Context) -> JobResult:
    job: SignalSync = ctx.job  # type: ignore[assignment]
    from sever.ingest.readers import EXTENSIONS

    if not job.drop.is_dir():
        raise UserError(f"signal drop folder {job.drop} is not a folder (jobs.signal_sync.drop)")
    files = sorted(
        p
        for p in job.drop.iterdir()
        if p.is_file() and p.suffix.lower() in EXTENSIONS and not p.name.startswith(".")
    )
    seen = {s for (s,) in ctx.wh.rows("ops:signals:seen", "SELECT sha256 FROM ops_signal_files")}
    settled_before = time.time() - job.settle
    applied: list[dict[str, Any]] = []
    waiting: list[str] = []
    for path in files:
        digest = _sha256(path)
        if digest in seen:
            continue
        if path.stat().st_mtime > settled_before:
            waiting.append(path.name)
            continue
        if ctx.stopping():
            break
        status, counts, ingest_run = _apply(ctx, path)
        ctx.wh.run(
            "ops:signals:record",
            "INSERT INTO ops_signal_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                digest,
                path.name,
                path.stat().st_size,
                status,
                ingest_run,
                ctx.run_id,
                ctx.now_utc,
                json.dumps(counts),
            ],
        )
        seen.add(digest)
        applied.append({"file": path.name, "status": status, **counts})
        ctx.say(
            f"signal_sync: {path.name}: {status}; {counts.get('loaded', 0)} loaded,"
            f" {counts['deleted']} deleted, {counts.get('quarantined', 0)} quarantined"
        )
    unusable = [a["file"] for a in applied if a["status"] != "applied"]
    summary = (
        f"{len(applied)} file(s) applied: {sum(a.get('loaded', 0) for a in applied)} loaded,"
        f" {sum(a['deleted'] for a in applied)} deleted"
        if applied
        else "no new signal files"
    ) + (f"; unusable: {', '.join(unusable)}" if unusable else "")
    record = {
        "inputs": {"drop": str(job.drop), "files_seen": len(files), "still_settling": waiting},
        "files": applied,
    }
    return JobResult(summary, record, "warning" if unusable else "ok")
