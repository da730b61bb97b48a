"""Hot reload: notice a newer verified release and swap the screener without a pause.

Reads the releases folder (every `poll_seconds`, in a worker thread so requests keep
being served while a large release is verified and indexed). The swap is one reference
assignment: a request that already took the old screener finishes on it, the next one
gets the new one. A newer release that fails verification is refused and logged, the
current one stays in use, and it is not retried until its manifest changes.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sever.errors import SeverError
from sever.realtime.metrics import Metrics
from sever.realtime.release import latest_release_no, manifest_mtime
from sever.realtime.rules import EMPTY, RuleSet
from sever.realtime.screener import Screener

log = logging.getLogger("sever.realtime")


@dataclass
class Holder:
    releases: Path
    recipient: str
    public_key: Ed25519PublicKey
    hmac_key: bytes | None
    metrics: Metrics
    rules: RuleSet = EMPTY
    screener: Screener | None = None
    refused: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # no -> (mtime, why)

    def check(self) -> str | None:
        """Load the latest release if it is newer; return what happened (None: nothing new)."""
        latest = latest_release_no(self.releases, self.recipient)
        current = self.screener.release_no if self.screener else 0
        if latest is None or latest <= current:
            return None
        mtime = manifest_mtime(self.releases, latest, self.recipient)
        if latest in self.refused and self.refused[latest][0] == mtime:
            return None
        try:
            new = Screener.load(
                self.releases, self.recipient, self.public_key, self.hmac_key,
                release_no=latest, rules=self.rules,
            )  # fmt: skip
        except SeverError as exc:
            self.refused[latest] = (mtime, str(exc))
            self.metrics.refusals += 1
            self.metrics.refused_release_no = latest
            log.error("release %d refused, still serving release %d: %s", latest, current, exc)
            return f"refused release {latest}"
        self.screener = new
        # The index lives until the next swap: keep the collector from walking it again.
        gc.freeze()
        self.metrics.release_no = new.release_no
        if current:
            self.metrics.reloads += 1
        log.info("now serving release %d (%d entries)", new.release_no, new.entries)
        return f"loaded release {latest}"

    async def watch(self, poll_seconds: float) -> None:
        while True:
            await asyncio.sleep(poll_seconds)
            try:
                await asyncio.to_thread(self.check)
            except Exception:  # the watcher must outlive any one bad poll
                log.exception("release watcher: poll failed")
