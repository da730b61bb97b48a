"""Run one scheduled job in a child process that kills itself at a chosen SQL statement.

    python killable.py CONFIG JOB NOW MODE N [TRACE]

MODE `before`: SIGKILL just before statement N runs; `during`: start statement N and
SIGKILL a moment later, from another thread (it may land mid-statement or mid-commit);
`step`: SIGKILL just before the first statement whose step name is N; `trace`: kill
nothing and write every statement's step name to TRACE (one per line). Statements are
counted from the first one the job runs (warehouse open included).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from sever.ops import clock
from sever.ops.config import load
from sever.ops.runner import run_job
from sever.warehouse import db


def main() -> None:
    config, job, now, mode, n = sys.argv[1:6]
    kill_at = int(n) if mode != "step" else -1
    fixed = datetime.fromisoformat(now)
    clock.now = lambda: fixed
    steps: list[str] = []
    run = db.Warehouse.run

    def counted(self, step, sql, params=None):
        steps.append(step)
        if mode == "step" and step == n:
            os.kill(os.getpid(), signal.SIGKILL)
        if len(steps) == kill_at:
            if mode == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "during":
                threading.Timer(0.002, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return run(self, step, sql, params)

    db.Warehouse.run = counted
    outcome = run_job(load(Path(config)), job, trigger="manual")
    if mode == "trace":
        Path(sys.argv[6]).write_text("\n".join(steps) + "\n")
    sys.exit(0 if outcome.status != "failed" else 1)


if __name__ == "__main__":
    main()
