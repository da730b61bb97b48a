"""Real-time screening: a verified block-list release in memory, in-process or over HTTP.

Reads a release directory (`blocklist.spec`), the recipient's HMAC key, optionally the
analyst rules and their approvals; never holds the warehouse open. `Screener` decides a
payment in microseconds; `sever serve` (`realtime.api`) exposes it over HTTP with
per-client tokens, hot reload, health and metrics, and appends decisions (no raw
identifiers) and acknowledgements to JSONL files that `realtime.logs.import_logs`
loads into the warehouse.
"""

from sever.realtime.payment import Decision, Party, Payment
from sever.realtime.release import ReleaseError
from sever.realtime.screener import Screener

__all__ = ["Decision", "Party", "Payment", "ReleaseError", "Screener"]
