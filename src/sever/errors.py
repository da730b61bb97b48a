"""The project's own exceptions and the CLI exit codes they map to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # the run finished but found a problem (e.g. an unusable file)
    USER_ERROR = 2  # bad arguments, bad configuration, bad rule
    EXTERNAL = 3  # the warehouse or another dependency failed


class SeverError(Exception):
    """Base class: every error the CLI reports cleanly instead of a traceback."""

    exit_code: ExitCode = ExitCode.FAILED


class UserError(SeverError):
    exit_code = ExitCode.USER_ERROR


class SqlError(SeverError):
    """A SQL step failed; carries the step name and the statement."""

    exit_code = ExitCode.EXTERNAL

    def __init__(self, step: str, sql: str, cause: Exception) -> None:
        self.step = step
        self.sql = sql
        self.cause = cause
        super().__init__(f"SQL step '{step}' failed: {cause}\n--- SQL ---\n{sql.strip()}")


class UnusableFileError(SeverError):
    """An input file cannot be read at all (unreadable, empty, missing required columns)."""

    exit_code = ExitCode.FAILED

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")
