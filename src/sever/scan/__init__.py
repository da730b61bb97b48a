"""Scan stage: the nightly job, ingest through exports, with a run record and a report."""
