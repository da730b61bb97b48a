"""`sever schedule start|list|run|runs`: run sever unattended from one schedule file.

Reads the schedule file (`--config`, or $SEVER_SCHEDULE); the jobs read and write
the warehouse through `sever.ops`. Output names days, files, case ids and counts,
never an account's identifiers.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sever.errors import ExitCode, UserError

out = Console(width=None if Console().is_terminal else 160)

ConfigOption = typer.Option(
    Path("schedule.yaml"),
    "--config",
    "-c",
    envvar="SEVER_SCHEDULE",
    help="Schedule file (see src/sever/config/schedule.example.yaml).",
)


def _say(message: str) -> None:
    out.print(f"{datetime.now():%H:%M:%S} {message}", markup=False, highlight=False)


def _when(value: Any) -> str:
    return (
        f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else (str(value) if value else "")
    )


def _last_results(cfg) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The last run of each job, or why it cannot be read right now."""
    from sever.config import get_settings
    from sever.ops import lock, runlog
    from sever.warehouse import open_warehouse

    settings = get_settings()
    try:
        with lock.hold(cfg.warehouse_path, wait=0, what="sever schedule list"):
            wh = open_warehouse(
                cfg.warehouse_path, threads=settings.threads, memory_limit=settings.memory_limit
            )
            try:
                return runlog.latest(wh), None
            finally:
                wh.close()
    except lock.Busy:
        user = lock.holder(cfg.warehouse_path)
        return {}, f"last results unavailable: the warehouse is in use by {user}"


def register(app: typer.Typer) -> None:
    schedule = typer.Typer(help="Run sever unattended: the scheduler, its jobs and their run log.")
    app.add_typer(schedule, name="schedule")

    @schedule.command("start")
    def start(config: Path = ConfigOption) -> None:
        """Run the scheduler in the foreground until SIGTERM or Ctrl-C (for systemd).

        Jobs run one at a time; a tick missed while the machine was off runs on start-up
        when within catch_up.grace, and the nightly scan catches up every pending day.
        """
        from sever.ops.config import load
        from sever.ops.scheduler import serve

        cfg = load(config)
        logging.getLogger("sever.ops").setLevel(logging.INFO)
        serve(cfg, config, logging.getLogger("sever.ops").info)

    @schedule.command("list")
    def list_cmd(config: Path = ConfigOption) -> None:
        """Every job in the schedule file: its cron, next run time and last result."""
        from sever.ops.config import Jobs, load
        from sever.ops.scheduler import stored, trigger_for

        cfg = load(config)
        nexts = stored(cfg)
        last, why = _last_results(cfg)
        table = Table(title=f"schedule ({cfg.timezone}); job store {cfg.job_store_path}")
        for col in ("job", "cron", "next run", "last run", "status", "result"):
            table.add_column(col)
        now = datetime.now(cfg.tz)
        for name in Jobs.model_fields:
            job = getattr(cfg.jobs, name)
            if job is None:
                continue
            if not job.enabled:
                nxt = "disabled"
            elif name in nexts:
                nxt = _when(nexts[name]) or "paused"
            else:
                nxt = f"{_when(trigger_for(cfg, job).get_next_fire_time(None, now))} (not started)"
            run = last.get(name, {})
            table.add_row(
                name,
                job.cron,
                nxt,
                _when(run.get("started_at")),
                run.get("status", ""),
                run.get("summary") or "",
            )
        out.print(table)
        if why:
            out.print(why, markup=False, highlight=False)

    @schedule.command("run")
    def run_cmd(
        job: str = typer.Argument(..., help="Job name, e.g. nightly_scan, retention."),
        config: Path = ConfigOption,
        partition: datetime | None = typer.Option(
            None, formats=["%Y-%m-%d"], help="nightly_scan: only this day (YYYY-MM-DD)."
        ),
        force: bool = typer.Option(False, help="nightly_scan: rescan --partition even if done."),
    ) -> None:
        """Run one job now, with the schedule's lock, retries and run log."""
        from sever.ops.config import load
        from sever.ops.runner import run_job

        cfg = load(config)
        if (partition or force) and job != "nightly_scan":
            raise UserError("--partition and --force apply to nightly_scan only")
        options: dict[str, Any] = {}
        if partition:
            options["partition"] = partition.date()
        if force:
            options["force"] = True
        outcome = run_job(cfg, job, trigger="manual", options=options, say=_say)
        if outcome.status == "failed":
            raise typer.Exit(int(ExitCode.FAILED))

    @schedule.command("runs")
    def runs_cmd(
        config: Path = ConfigOption,
        job: str | None = typer.Option(None, help="Only this job."),
        limit: int = typer.Option(20, help="How many runs, newest first."),
        show: str | None = typer.Option(None, help="Print this run's full record (JSON)."),
    ) -> None:
        """The run log: each run's status, attempts and summary (or one run's record)."""
        from sever.config import get_settings
        from sever.ops import lock, runlog
        from sever.ops.config import load
        from sever.warehouse import open_warehouse

        cfg = load(config)
        settings = get_settings()
        with lock.hold(
            cfg.warehouse_path, wait=cfg.lock.wait, what="sever schedule runs", on_wait=_say
        ):
            wh = open_warehouse(
                cfg.warehouse_path, threads=settings.threads, memory_limit=settings.memory_limit
            )
            try:
                rows = runlog.runs(wh, job, 10_000 if show else limit)
            finally:
                wh.close()
        if show:
            found = [r for r in rows if r["run_id"] == show]
            if not found:
                raise UserError(f"no run {show!r} in the run log")
            out.print_json(
                json.dumps(
                    {**found[0], "record": json.loads(found[0]["record"] or "{}")}, default=str
                )
            )
            return
        table = Table(title="run log")
        for col in ("run_id", "job", "trigger", "started", "took", "status", "tries", "summary"):
            table.add_column(col)
        for r in rows:
            took = (
                f"{(r['finished_at'] - r['started_at']).total_seconds():.0f}s"
                if r["finished_at"]
                else ""
            )
            table.add_row(
                r["run_id"], r["job"], r["trigger"], _when(r["started_at"]), took, r["status"],
                str(r["attempts"]), r["summary"] or "",
            )  # fmt: skip
        out.print(table)
