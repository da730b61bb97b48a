"""Ingest stage: read a delivery, validate it, quarantine bad rows, load the rest."""

from __future__ import annotations

from sever.ingest.load import FileReport
from sever.ingest.run import IngestReport, run_ingest

__all__ = ["FileReport", "IngestReport", "run_ingest"]
