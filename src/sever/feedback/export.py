"""Write the outcome feedback for a period: one JSON Lines file per signal owner.

Reads what `sever.feedback.outcomes.collect` reads; writes into the output folder
`<owner>.jsonl` (one descriptor a line, sorted by id) and `summary.json` (internal: the
period, the files with their checksums, counts by reaction). No clock time is written,
so exporting the same period from the same warehouse gives the same bytes.

A line carries only what the owner already knows (its own descriptor id and type) and
the outcome: ThreatExchange reactions and counts. Never an account id, an identifier,
a victim, an alert, case, block-list entry or appeal id, or whether a SAR was filed (see
`sever.feedback.reactions`).
Minor-perpetrator signals (shared 1:1) are reported only to their owner, as every
signal is: a line goes only into the file of the signal's own owner.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sever.feedback.outcomes import SignalFeedback, collect
from sever.feedback.reactions import REACTIONS, Outcome
from sever.impact.period import Period
from sever.warehouse import Warehouse

FORMAT = "sever-feedback/1"
SUMMARY_FILE = "summary.json"
STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class OwnerFile:
    owner: str
    path: Path
    descriptors: int
    sha256: str


@dataclass(frozen=True)
class ExportResult:
    period: Period
    files: list[OwnerFile]
    summary: Path


def line(fb: SignalFeedback) -> dict[str, Any]:
    """One descriptor's feedback, in the shape of a ThreatExchange reaction plus counts."""
    o = fb.outcomes
    return {
        "id": fb.signal_id,
        "type": fb.signal_type,
        "reactions": o.reactions(),
        "counts": {
            "accounts_actioned": o.accounts_actioned,
            "entries_overturned": o.overturned,
            "matches_confirmed": o.confirmed,
            "matches_dismissed": o.dismissed,
            "matches_outdated": o.outdated,
        },
    }


def file_name(owner: str) -> str:
    """A safe file name per owner; a short hash keeps rewritten names distinct."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", owner).strip(".") or "owner"
    if safe != owner:
        safe += "-" + hashlib.sha256(owner.encode()).hexdigest()[:8]
    return f"{safe}.jsonl"


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _previous_files(out_dir: Path) -> list[Path]:
    """Owner files an earlier export into the same folder wrote (from its summary)."""
    summary = out_dir / SUMMARY_FILE
    if not summary.is_file():
        return []
    try:
        owners = json.loads(summary.read_text(encoding="utf-8")).get("owners", [])
    except (ValueError, AttributeError):
        return []
    return [out_dir / Path(o["file"]).name for o in owners if isinstance(o, dict) and "file" in o]


def export(
    wh: Warehouse, period: Period, out_dir: Path, *, stale_after_days: int = STALE_AFTER_DAYS
) -> ExportResult:
    """Write the period's feedback into `out_dir`, replacing an earlier export there."""
    found = collect(wh, period, stale_after_days)
    by_owner: dict[str, list[SignalFeedback]] = {}
    for fb in found:
        by_owner.setdefault(fb.owner, []).append(fb)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in _previous_files(out_dir):
        stale.unlink(missing_ok=True)
    files: list[OwnerFile] = []
    owners: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    for owner in sorted(by_owner):
        items = sorted(by_owner[owner], key=lambda f: f.signal_id)
        text = "".join(_dump(line(fb)) + "\n" for fb in items)
        path = out_dir / file_name(owner)
        path.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        files.append(OwnerFile(owner, path, len(items), digest))
        outcomes = Counter(str(fb.outcomes.outcome()) for fb in items)
        totals.update(outcomes)
        owners.append(
            {
                "owner": owner,
                "file": path.name,
                "descriptors": len(items),
                "sha256": digest,
                "outcomes": dict(sorted(outcomes.items())),
                "accounts_actioned": sum(fb.outcomes.accounts_actioned for fb in items),
                "entries_overturned": sum(fb.outcomes.overturned for fb in items),
            }
        )
    summary = {
        "format": FORMAT,
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "events": "decisions recorded from 'from' 00:00 UTC up to the day after 'to'",
        },
        "stale_after_days": stale_after_days,
        "mapping": {o.value: [r.value for r in REACTIONS[o]] for o in Outcome},
        "owners": owners,
        "totals": {"descriptors": len(found), "outcomes": dict(sorted(totals.items()))},
    }
    summary_path = out_dir / SUMMARY_FILE
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return ExportResult(period, files, summary_path)
