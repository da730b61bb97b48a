"""Draft, store, validate and export a case's SAR documents.

Reads the case and its evidence (through `sever.cases`) and the institution config;
writes sar_documents (one row per drafted version, with the evidence snapshot it was
built from) and moves the case to review, audited. Export writes the evidence pack of
the approved version (or, when asked, the latest draft) exactly as it was drafted.
Nothing is stored or written unless the FinCEN XML validates against the XSD.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sever.cases import gather, get_case, require_usd
from sever.cases.evidence_model import Evidence
from sever.cases.model import FINAL_STATES
from sever.cases.store import check_actor, get_case_row, move
from sever.config import DetectionConfig
from sever.errors import UserError
from sever.sar import attachment, fincen, goaml, narrative, pack, xsd
from sever.sar.config import InstitutionConfig
from sever.warehouse import Warehouse

INSERT = """
INSERT INTO sar_documents (doc_id, case_id, version, created_at, created_by, include_restricted,
    narrative_source, narrative, evidence, attachment_csv, fincen_xml, fincen_sha256, goaml_xml,
    activity_from, activity_to, total_usd)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _prior_total(wh: Warehouse, case: dict[str, Any]) -> Decimal | None:
    """Total of every earlier report in a continuing chain (None for an initial report)."""
    if not case["prior_case_id"]:
        return None
    total = wh.scalar(
        "sar:prior_total",
        "WITH RECURSIVE chain(case_id, prior) AS ("
        " SELECT case_id, prior_case_id FROM cases WHERE case_id = ?"
        " UNION ALL SELECT c.case_id, c.prior_case_id FROM cases c"
        " JOIN chain ON c.case_id = chain.prior)"
        " SELECT sum(d.total_usd) FROM chain JOIN sar_documents d ON d.case_id = chain.case_id"
        " WHERE chain.case_id <> ? AND d.approved_at IS NOT NULL"
        " AND d.version = (SELECT max(version) FROM sar_documents x"
        "  WHERE x.case_id = d.case_id AND x.approved_at IS NOT NULL)",
        [case["case_id"], case["case_id"]],
    )
    return Decimal(total or 0)


def draft(
    wh: Warehouse,
    case_id: str,
    actor: str,
    detection: DetectionConfig,
    institution: InstitutionConfig,
    *,
    include_restricted: bool = False,
    narrative_text: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Build, validate and store a new version of the case's reports; the case goes to review."""
    actor = check_actor(actor)
    case = get_case_row(wh, case_id)
    if case["state"] in FINAL_STATES:
        raise UserError(f"case {case_id} is {case['state']}: a finished case cannot be redrafted")
    ev = gather(wh, case_id, detection, include_restricted=include_restricted)
    require_usd(ev)
    if not ev.completed:
        after = (
            f" after the prior report's period (to {ev.activity_after})" if ev.continuing else ""
        )
        raise UserError(f"case {case_id} has no completed transaction in its evidence{after}")
    today = today or datetime.now(UTC).date()
    csv = attachment.build(ev)
    if narrative_text is not None:
        story = narrative.from_analyst(narrative_text, ev.key_terms)
    else:
        att = narrative.Attachment(csv.name, csv.rows, csv.total)
        f = institution.filing_institution
        story = narrative.generate(ev, f.name, f.contact_office, att)
    prior = _prior_total(wh, case)
    sar = fincen.build(
        ev,
        institution,
        story.blocks,
        filing_date=today,
        attachment_name=csv.name,
        cumulative_usd=None if prior is None else prior + ev.total_usd,
    )
    str_xml = (
        goaml.build(ev, institution, story.text, submission_date=today)
        if institution.goaml
        else None
    )
    version = 1 + (
        wh.scalar(
            "sar:version",
            "SELECT coalesce(max(version), 0) FROM sar_documents WHERE case_id = ?",
            [case_id],
        )
        or 0
    )
    doc_id = f"{case_id}-v{version}"
    wh.run(
        "sar:insert",
        INSERT,
        [doc_id, case_id, version, datetime.now(UTC).replace(tzinfo=None), actor,
         include_restricted, story.source, story.text, ev.model_dump_json(), csv.text, sar.xml,
         hashlib.sha256(sar.xml.encode()).hexdigest(), str_xml, ev.from_ts, ev.to_ts,
         ev.total_usd],
    )  # fmt: skip
    note = f"{doc_id}: {story.source} narrative, {len(story.flat):,} chars"
    note += f" in {len(story.blocks)} block(s)"
    if story.shortened or story.level:
        note += f", detail level {story.level}" + (", shortened" if story.shortened else "")
    if include_restricted:
        note += "; restricted (minor_perpetrator) material INCLUDED by analyst choice"
    move(wh, case_id, "in_review", actor, "drafted", note)
    return {
        "doc_id": doc_id,
        "narrative": story,
        "attachment": csv,
        "sar": sar,
        "goaml": str_xml is not None,
        "evidence": ev,
    }


def load(wh: Warehouse, case_id: str, *, approved_only: bool) -> dict[str, Any]:
    """The latest approved document (or the latest of any kind) with its evidence snapshot."""
    get_case_row(wh, case_id)
    rows = wh.records(
        "sar:load",
        "SELECT * FROM sar_documents WHERE case_id = ? AND (NOT ? OR approved_at IS NOT NULL)"
        " ORDER BY version DESC LIMIT 1",
        [case_id, approved_only],
    )
    if not rows:
        what = "approved " if approved_only else ""
        hint = f"sever case approve {case_id}" if approved_only else f"sever sar draft {case_id}"
        raise UserError(f"case {case_id} has no {what}SAR document yet ({hint})")
    doc = rows[0]
    doc["evidence"] = Evidence.model_validate_json(doc["evidence"])
    return doc


def validate(wh: Warehouse, case_id: str) -> list[str]:
    """Schema violations of the case's latest stored FinCEN XML (empty when valid)."""
    return xsd.errors(load(wh, case_id, approved_only=False)["fincen_xml"])


def export(
    wh: Warehouse, case_id: str, out_dir: Path, *, allow_draft: bool = False
) -> dict[str, Any]:
    """Write the evidence pack of the approved document (or the latest draft if allowed)."""
    case = get_case(wh, case_id)
    latest = load(wh, case_id, approved_only=False)
    if latest["approved_at"] is None and not allow_draft:
        raise UserError(
            f"case {case_id}: its latest draft ({latest['doc_id']}) is not approved. Approve it "
            f"(sever case approve {case_id}) or export the draft for review with --draft"
        )
    doc = latest
    ev = doc.pop("evidence")
    return pack.write(out_dir, doc, ev, case)
