"""Jobs that drive other parts of sever: the block list's housekeeping and release, and
the import of the real-time screening service's logs. What they read and write is theirs
to say (`sever.blocklist`, `sever.realtime.logs`); the run record gets their counts.
"""

from __future__ import annotations

from typing import Any

from sever.ops.config import RealtimeLogs
from sever.ops.context import Context, JobResult


def _plain(value: Any) -> Any:
    """A step's return value as something the JSON run record can hold."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="json"))
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)


def blocklist(ctx: Context) -> JobResult:
    """Expire entries, propagate signal deletions, propose candidates, publish a release."""
    from sever.blocklist import candidates, housekeeping, release

    wh, now = ctx.wh, ctx.now_utc
    steps = {
        "expired": lambda: housekeeping.expire_entries(wh, now),
        "deletions_propagated": lambda: housekeeping.propagate_deletions(wh, now),
        "proposed": lambda: candidates.propose(wh, now),
        "release": lambda: release.publish(wh, now, actor="system"),
    }
    record: dict[str, Any] = {}
    for name, step in steps.items():
        record[name] = _plain(step())
        ctx.say(f"blocklist: {name}: {_brief(record[name])}")
    return JobResult("; ".join(f"{k}: {_brief(v)}" for k, v in record.items()), record)


def realtime_logs(ctx: Context) -> JobResult:
    job: RealtimeLogs = ctx.job  # type: ignore[assignment]
    from sever.realtime.logs import import_logs

    result = _plain(import_logs(ctx.wh, job.state_dir))
    return JobResult(
        f"imported: {_brief(result)}", {"state_dir": str(job.state_dir), "imported": result}
    )


def _brief(value: Any) -> str:
    """Numbers only: what these steps return may name entries, and logs must not."""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    if isinstance(value, dict):
        parts = [
            f"{k} {len(v) if isinstance(v, list) else v}"
            for k, v in value.items()
            if isinstance(v, bool | int | float | list)
        ]
        return ", ".join(parts)[:200] or "done"
    return "done"
