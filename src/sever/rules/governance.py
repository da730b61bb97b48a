"""Rule versions and approvals: publish (immutable), approve (maker != checker), diff.

Reads and writes rule_versions and rule_approvals. A published id@version is frozen by
its content hash; the same id@version with other content is refused. A rule declared
live runs live only when its published version is approved by someone who is neither
its owner nor its publisher; until then scans run it as shadow and say why.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from sever.errors import UserError
from sever.rules.files import RuleFile, canonical_text
from sever.warehouse import Warehouse


def stored(wh: Warehouse, rule_id: str, version: int) -> dict[str, Any] | None:
    rows = wh.records(
        "rules:stored",
        "SELECT rule_id, version, content_hash, body, published_at, published_by, state"
        " FROM rule_versions WHERE rule_id = ? AND version = ?",
        [rule_id, version],
    )
    return rows[0] if rows else None


def approvals(wh: Warehouse, rule_id: str, version: int) -> list[dict[str, Any]]:
    return wh.records(
        "rules:approvals",
        "SELECT approved_by, approved_at, note FROM rule_approvals"
        " WHERE rule_id = ? AND version = ? ORDER BY approved_at",
        [rule_id, version],
    )


def versions(wh: Warehouse, rule_id: str) -> list[dict[str, Any]]:
    return wh.records(
        "rules:versions",
        "SELECT v.version, v.state, v.content_hash, v.published_by, v.published_at,"
        " list(a.approved_by ORDER BY a.approved_at) FILTER (WHERE a.approved_by IS NOT NULL)"
        " AS approved_by FROM rule_versions v"
        " LEFT JOIN rule_approvals a USING (rule_id, version)"
        " WHERE v.rule_id = ? GROUP BY ALL ORDER BY v.version",
        [rule_id],
    )


def _short(h: str) -> str:
    return h[:12]


def effective_mode(wh: Warehouse, rf: RuleFile) -> tuple[str, str]:
    """(mode the scan runs it in, why) for a live or shadow rule."""
    rule = rf.rule
    if rule.mode == "shadow":
        return "shadow", "declared shadow"
    row = stored(wh, rule.id, rule.version)
    if row is None or row["state"] != "published":
        return "shadow", "live rule not published yet: runs as shadow"
    if row["content_hash"] != rf.content_hash:
        return "shadow", (
            f"file differs from published {rule.ref} ({_short(row['content_hash'])}): "
            "runs as shadow; change the version"
        )
    if not approvals(wh, rule.id, rule.version):
        return "shadow", "published, awaiting approval: runs as shadow"
    return "live", "approved"


def record_draft(wh: Warehouse, rf: RuleFile) -> None:
    """Keep the body of an unpublished version a scan ran (replaced while it is a draft)."""
    row = stored(wh, rf.rule.id, rf.rule.version)
    if row is not None and row["state"] == "published":
        return
    wh.run(
        "rules:draft",
        "INSERT OR REPLACE INTO rule_versions VALUES (?, ?, ?, ?, NULL, NULL, 'draft')",
        [rf.rule.id, rf.rule.version, rf.content_hash, _body(rf)],
    )


def _body(rf: RuleFile) -> str:
    return json.dumps(rf.rule.model_dump(mode="json", exclude={"cases"}), sort_keys=True)


def publish(wh: Warehouse, rf: RuleFile, by: str) -> str:
    rule = rf.rule
    row = stored(wh, rule.id, rule.version)
    if row is not None and row["state"] == "published":
        if row["content_hash"] == rf.content_hash:
            return f"{rule.ref} is already published ({_short(rf.content_hash)}); nothing to do"
        raise UserError(
            f"rule {rule.ref} is published with hash {_short(row['content_hash'])}, and "
            f"{rf.path} now hashes to {_short(rf.content_hash)}: a published version never "
            f"changes; change the version (e.g. version: {rule.version + 1})"
        )
    latest = wh.scalar(
        "rules:latest_published",
        "SELECT max(version) FROM rule_versions WHERE rule_id = ? AND state = 'published'",
        [rule.id],
    )
    if latest is not None and rule.version < latest:
        raise UserError(f"{rule.id}@{latest} is published: a new version must be above it")
    wh.run(
        "rules:publish",
        "INSERT OR REPLACE INTO rule_versions"
        " VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, 'published')",
        [rule.id, rule.version, rf.content_hash, _body(rf), by],
    )
    return f"published {rule.ref} ({_short(rf.content_hash)}) by {by}"


def approve(wh: Warehouse, rule_id: str, version: int, by: str, note: str | None = None) -> str:
    row = stored(wh, rule_id, version)
    ref = f"{rule_id}@{version}"
    if row is None or row["state"] != "published":
        raise UserError(f"{ref} is not published: `sever rules publish {rule_id} --by NAME` first")
    owner = json.loads(row["body"]).get("owner")
    makers = {owner, row["published_by"]}
    if by in makers:
        raise UserError(
            f"maker != checker: {by} is the owner or publisher of {ref}; another analyst approves"
        )
    if any(a["approved_by"] == by for a in approvals(wh, rule_id, version)):
        return f"{ref} is already approved by {by}"
    wh.run(
        "rules:approve",
        "INSERT INTO rule_approvals VALUES (?, ?, ?, now()::TIMESTAMP, ?)",
        [rule_id, version, by, note],
    )
    return f"approved {ref} by {by}: it runs live from the next scan"


def body_yaml(body: str | dict[str, Any]) -> str:
    return canonical_text(json.loads(body) if isinstance(body, str) else body)


def diff(
    wh: Warehouse, rule_id: str, rf: RuleFile | None, v_from: int | None, v_to: int | None
) -> str:
    """Unified diff of canonical YAML: stored v_from -> stored v_to (or the file)."""

    def version_text(version: int) -> tuple[str, str]:
        row = stored(wh, rule_id, version)
        if row is None:
            raise UserError(f"{rule_id}@{version} is not in the warehouse (never run or published)")
        return f"{rule_id}@{version} ({row['state']} {_short(row['content_hash'])})", body_yaml(
            row["body"]
        )

    if v_from is None:
        known = versions(wh, rule_id)
        if rf is not None and any(k["version"] == rf.rule.version for k in known):
            v_from = rf.rule.version
        elif known:
            v_from = max(k["version"] for k in known)
        else:
            raise UserError(f"no stored version of {rule_id} to compare with: publish it first")
    a_name, a_text = version_text(v_from)
    if v_to is not None:
        b_name, b_text = version_text(v_to)
    elif rf is not None:
        b_name, b_text = f"{rf.path} ({rf.rule.ref} {_short(rf.content_hash)})", rf.canonical
    else:
        raise UserError(f"no file for {rule_id} to compare with: give --to VERSION")
    lines = difflib.unified_diff(
        a_text.splitlines(keepends=True), b_text.splitlines(keepends=True), a_name, b_name
    )
    return "".join(lines)
