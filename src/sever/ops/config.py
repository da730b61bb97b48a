"""The schedule file: every unattended job in one YAML, validated with file, line and field.

Reads `schedule.yaml` (see `sever/config/schedule.example.yaml`); imports no engine.
Relative paths in the file are taken relative to the file's own directory, so a
service unit and a shell see the same folders.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from sever.config import get_settings
from sever.errors import UserError
from sever.yamlpos import line_of, where

EXAMPLE = "src/sever/config/schedule.example.yaml"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(value: Any) -> Any:
    """`90`, `"90s"`, `"15m"`, `"6h"` or `"2d"` as whole seconds."""
    if isinstance(value, str):
        found = _DURATION.match(value)
        if not found:
            raise ValueError(f"{value!r} is not a duration such as 90s, 15m, 6h or 2d")
        return int(found[1]) * _UNITS[found[2]]
    return value


Seconds = Annotated[int, BeforeValidator(_seconds), Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Retry(_Strict):
    """A failed run is tried again after backoff, backoff * factor, ... up to max_backoff."""

    attempts: int = Field(3, ge=1, le=20)
    backoff: Seconds = 60
    factor: float = Field(2.0, ge=1.0)
    max_backoff: Seconds = 1800

    def delays(self) -> list[float]:
        """Seconds to wait before attempt 2, 3, ..."""
        return [
            min(self.backoff * self.factor**i, self.max_backoff) for i in range(self.attempts - 1)
        ]


class Job(_Strict):
    cron: str = Field(description="five-field crontab in the schedule's time zone")
    enabled: bool = True
    retry: Retry | None = None  # overrides the file's `retry` for this job

    @field_validator("cron")
    @classmethod
    def _cron_parses(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a five-field crontab: {exc}") from None
        return value


class NightlyScan(Job):
    inbox: Path  # one folder per partition day, named YYYY-MM-DD, holding the contract files
    out: Path  # each partition's alerts.jsonl, report and run.json go to out/YYYY-MM-DD/
    rules: Path | None = None  # analyst rules folder; none: detectors only
    detection_config: Path | None = None
    lookback_days: int | None = Field(None, ge=1)
    # With a marker, a day is scanned once the file exists in its folder (even today);
    # without one, once the day is over in the schedule's time zone.
    ready_marker: str | None = None


class SignalSync(Job):
    drop: Path  # ThreatExchange exports (JSON Lines, CSV or Parquet), applied in name order
    settle: Seconds = 60  # a file younger than this may still be being written: next time


class SignalExpiry(Job):
    grace: Seconds = 0  # purge this long after `expired_on`


class Reminders(Job):
    within_days: int = Field(7, ge=0)  # filing deadlines and reviews due this soon, or overdue


class Retention(Job):
    # None keeps everything of that kind. Transactions that are evidence of an alert in a
    # case are always kept; those of open alerts too unless keep_open_alert_evidence is off.
    transactions_months: int | None = Field(None, ge=1)
    quarantine_months: int | None = Field(None, ge=1)
    dq_results_months: int | None = Field(None, ge=1)
    keep_open_alert_evidence: bool = True


class Blocklist(Job):
    """Entry expiry, deletion propagation, candidates and the next release (sever.blocklist)."""


class RealtimeLogs(Job):
    state_dir: Path  # the real-time service's state folder holding its screening logs


class Jobs(_Strict):
    nightly_scan: NightlyScan | None = None
    signal_sync: SignalSync | None = None
    signal_expiry: SignalExpiry | None = None
    blocklist: Blocklist | None = None
    realtime_logs: RealtimeLogs | None = None
    reminders: Reminders | None = None
    retention: Retention | None = None


class Lock(_Strict):
    wait: Seconds = 600  # a run waits this long for another one to finish, then gives up


class CatchUp(_Strict):
    # After downtime, a tick missed by less than this still runs once on start-up; an
    # older one is skipped, and the next tick catches up anyway (it scans every pending day).
    grace: Seconds = 6 * 3600


class ScheduleConfig(_Strict):
    timezone: str = "UTC"
    warehouse: Path | None = None  # default: $SEVER_WAREHOUSE or warehouse/sever.duckdb
    job_store: Path | None = None  # default: sever.jobs.sqlite next to the warehouse
    lock: Lock = Lock()
    catch_up: CatchUp = CatchUp()
    retry: Retry = Retry()
    jobs: Jobs

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def warehouse_path(self) -> Path:
        return (self.warehouse or get_settings().warehouse).absolute()

    @property
    def job_store_path(self) -> Path:
        return self.job_store or self.warehouse_path.parent / "sever.jobs.sqlite"

    def enabled(self) -> dict[str, Job]:
        return {
            name: job
            for name in Jobs.model_fields
            if (job := getattr(self.jobs, name)) is not None and job.enabled
        }

    def job(self, name: str) -> Job:
        if name not in Jobs.model_fields:
            raise UserError(f"unknown job {name!r}; jobs are: {', '.join(Jobs.model_fields)}")
        job = getattr(self.jobs, name)
        if job is None:
            raise UserError(f"job {name!r} is not configured in the schedule file (jobs.{name})")
        return job

    def retry_for(self, name: str) -> Retry:
        return self.job(name).retry or self.retry


def _resolve(cfg: ScheduleConfig, base: Path) -> ScheduleConfig:
    """Relative paths count from the schedule file's folder."""

    def fix(model: BaseModel) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, Path) and not value.is_absolute():
                setattr(model, name, base / value)
            elif isinstance(value, BaseModel):
                fix(value)

    fix(cfg)
    return cfg


def parse(text: str, path: Path) -> ScheduleConfig:
    """Validate the file's text; a UserError lists every problem as path:line: field: why."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UserError(f"{at}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: a schedule file is a YAML mapping (see {EXAMPLE})")
    try:
        cfg = ScheduleConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = line_of(root, loc)
            at = f"{path}:{line}" if line else str(path)
            lines.append(
                f"  {at}: {where(loc) or '(top)'}: {err['msg'].removeprefix('Value error, ')}"
            )
        head = f"{path}: invalid schedule ({len(lines)} problem(s)):\n"
        raise UserError(head + "\n".join(lines)) from None
    return _resolve(cfg, path.parent.absolute())


def load(path: Path) -> ScheduleConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"{path}: cannot read the schedule file ({exc.strerror}); see {EXAMPLE}"
        ) from exc
    return parse(text, path)
