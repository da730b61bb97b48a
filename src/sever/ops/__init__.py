"""Unattended operations: the scheduler, its jobs, and what makes a run safe to repeat.

- `config`: the one schedule file (YAML, validated, errors with file and line).
- `scheduler`: APScheduler 3 with a SQLite job store next to the warehouse.
- `runner`: one job run: lock, recovery of a killed run, run log, retries with back-off.
- `lock`: the warehouse lock that scheduled jobs, `sever scan` and `sever ingest` share.
- `runlog`: the `ops_runs` table and the recovery of rows a dead process left 'running'.
- `partitions`, `nightly`: the inbox of day folders and the in-order nightly scan.
- `signal_sync`, `housekeeping`, `external`: the other jobs (`jobs` lists them all).

Writes ops_runs, ops_partitions, ops_signal_files and signal_expirations (migration
0007), plus what each job's stage writes.
"""
