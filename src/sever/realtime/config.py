"""What `sever serve` runs with: paths, recipient, limits. Passed to worker processes as JSON.

Reads nothing itself. uvicorn starts each worker by importing `realtime.api:app_from_env`,
which reads this configuration from the environment variable `SEVER_SERVE_CONFIG`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

ENV = "SEVER_SERVE_CONFIG"
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class ServiceConfig:
    releases: Path  # the folder holding R<no:06d>/<recipient>/
    recipient: str
    public_key: Path  # Ed25519 release verification key (PEM)
    clients: Path  # clients file: client id -> token sha256, recipient
    state_dir: Path  # decision and ack logs are appended here
    hmac_key: Path | None = None  # the recipient's HMAC key (hashed releases)
    rules: Path | None = None  # analyst rules folder; those one payment decides run live
    warehouse: Path | None = None  # read once, read-only, for rule approvals
    poll_seconds: float = 2.0  # how often the release folder is checked
    max_body: int = MAX_BODY

    def to_env(self) -> str:
        return json.dumps({k: None if x is None else str(x) for k, x in asdict(self).items()})

    @classmethod
    def from_env(cls) -> ServiceConfig:
        try:
            raw = json.loads(os.environ[ENV])
        except (KeyError, ValueError) as exc:
            raise RuntimeError(f"{ENV} must hold the service configuration as JSON") from exc
        convert = {"recipient": str, "poll_seconds": float, "max_body": int}
        out = {
            f.name: convert.get(f.name, Path)(raw[f.name])
            for f in fields(cls)
            if raw.get(f.name) is not None
        }
        return cls(**out)
