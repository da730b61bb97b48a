"""The bundled sample scanned once per session by the real pipeline.

`sample_db` is shared with the other outcome-report test folders through the session's
base temporary directory, so one pytest run scans the sample once. Tests copy it before
acting on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from sever.config import load
from sever.scan.run import scan
from sever.warehouse import open_warehouse

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data_samples" / "small"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.getbasetemp() / "outcomes_sample"
    root.mkdir(exist_ok=True)
    path = root / "wh.duckdb"
    with FileLock(str(root / "lock")):
        if not (root / "done").exists():
            path.unlink(missing_ok=True)
            wh = open_warehouse(path)
            try:
                scan(wh, SAMPLE, root / "out", load())
            finally:
                wh.close()
            (root / "done").touch()
    return path


@pytest.fixture(scope="module")
def module_db(sample_db: Path, tmp_path_factory) -> Path:
    """A copy of the scanned sample this test module may change."""
    path = tmp_path_factory.mktemp("outcomes") / "wh.duckdb"
    shutil.copy(sample_db, path)
    return path
