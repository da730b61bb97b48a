"""The evidence pack: everything an investigator or examiner needs for one case, in one folder.

Reads a stored SAR document (its XML, narrative, attachment and evidence snapshot) and
the case's audit trail; writes into `<out>/<case_id>/`: the FinCEN XML, the goAML XML,
the CSV attachment (and the complete transaction list when the attachment had to be
cut), the network picture, signal matches, detector reasons, the narrative, an HTML case
report, a PDF of it when a converter is importable, and a manifest with checksums.
The FinCEN XML is validated again before anything is written.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from sever.cases.evidence_model import Evidence
from sever.sar import attachment, facts, network, xsd
from sever.sar.narrative import flatten, split_blocks
from sever.sar.why import redactor, subject_lines

HTML_ROWS = 1000  # transactions listed in the HTML report; the CSV has them all


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _rows(csv_text: str) -> int:
    return max(0, sum(1 for _ in csv.reader(io.StringIO(csv_text))) - 1)


def _pdf(html: str, path: Path) -> str:
    """Write a PDF with whichever converter is importable; say which, or why not."""
    try:
        from weasyprint import HTML  # type: ignore[import-not-found]
    except ImportError:
        return "skipped: no HTML-to-PDF converter (weasyprint) is installed"
    HTML(string=html).write_pdf(str(path))
    return "weasyprint"


def _html(doc: dict[str, Any], ev: Evidence, case: dict[str, Any], picture: Path | None) -> str:
    env = Environment(
        loader=PackageLoader("sever.sar", "templates"), autoescape=select_autoescape()
    )
    clean = redactor(ev)
    subjects = subject_lines(ev)
    for line, s in zip(subjects, ev.subjects, strict=True):
        line["identifiers"] = "; ".join(f"{i.id_type} {i.value}" for i in s.identifiers)
    alerts = [
        dict(
            a.model_dump(),
            subject=clean(a.subject_account_id),
            reasons=[clean(r) for r in a.reasons],
        )
        for a in ev.alerts
    ]
    rows = _rows(doc["attachment_csv"])
    text = doc["narrative"]
    return env.get_template("case_report.html.j2").render(
        doc=doc,
        case=case,
        ev=ev,
        subjects=subjects,
        alerts=alerts,
        total=facts.money(ev.total_usd),
        period=f"{facts.when(ev.from_ts)} to {facts.when(ev.to_ts)}",
        withheld=", ".join(f"{n} {k.replace('_', ' ')}" for k, n in ev.withheld.items()),
        picture=base64.b64encode(picture.read_bytes()).decode() if picture else None,
        narrative=text.split("\n\n"),
        narrative_chars=len(flatten(text)),
        blocks=len(split_blocks(flatten(text))),
        txns=ev.txns[:HTML_ROWS],
        csv_full="transactions_all.csv"
        if rows < len(ev.txns)
        else attachment.file_name(ev.case_id),
        csv_name=attachment.file_name(ev.case_id),
        attachment_rows=rows,
        attachment_truncated=rows < len(ev.txns),
        money=facts.money,
        when=facts.when,
    )


def _clear_previous(target: Path) -> None:
    """Remove what an earlier export of this case wrote (and nothing else)."""
    manifest = target / "manifest.json"
    if manifest.exists():
        for name in json.loads(manifest.read_text(encoding="utf-8")).get("files", {}):
            (target / Path(name).name).unlink(missing_ok=True)
        manifest.unlink()


def write(out_dir: Path, doc: dict[str, Any], ev: Evidence, case: dict[str, Any]) -> dict[str, Any]:
    """Write the pack for one stored document; return the manifest."""
    xsd.validate(doc["fincen_xml"], f"FinCEN SAR {doc['doc_id']}")
    target = Path(out_dir) / ev.case_id
    target.mkdir(parents=True, exist_ok=True)
    _clear_previous(target)
    files: dict[str, str] = {}

    def put(name: str, content: str, role: str) -> None:
        (target / name).write_text(content, encoding="utf-8")
        files[name] = role

    put(f"{ev.case_id}_fincen_sar.xml", doc["fincen_xml"], "filing: FinCEN SAR batch XML")
    if doc.get("goaml_xml"):
        put(f"{ev.case_id}_goaml_str.xml", doc["goaml_xml"], "filing: goAML STR XML")
    put(attachment.file_name(ev.case_id), doc["attachment_csv"], "filing: CSV attachment (<= 1 MB)")
    if _rows(doc["attachment_csv"]) < len(ev.txns):
        full = attachment.build(ev, full=True).text
        put("transactions_all.csv", full, "supporting: every transaction (attachment was cut)")
    put("narrative.txt", doc["narrative"] + "\n", "filing: narrative, as in the XML blocks")
    clean = redactor(ev)
    _write_csv(
        target / "signal_matches.csv",
        [
            "signal_id",
            "owner",
            "account_id",
            "matched_on",
            "harm",
            "status",
            "confidence",
            "tags",
            "cybertipline_report_ids",
        ],
        [
            [
                g.signal_id,
                g.owner,
                g.account_id,
                g.id_type,
                g.harm,
                g.status,
                g.confidence,
                "|".join(g.tags),
                "|".join(g.report_ids),
            ]
            for g in ev.signals
        ],
    )
    files["signal_matches.csv"] = "supporting: shared signals that matched the subjects"
    _write_csv(
        target / "detector_reasons.csv",
        ["alert_id", "subject", "role", "typology", "score", "severity", "detectors", "reason"],
        [
            [
                a.alert_id,
                clean(a.subject_account_id),
                a.role,
                a.typology,
                f"{a.score:.3f}",
                a.severity,
                "|".join(a.detector_ids),
                clean(r),
            ]
            for a in ev.alerts
            for r in a.reasons
        ],
    )
    files["detector_reasons.csv"] = "supporting: why each detector fired"
    picture = target / "network.png"
    if network.draw(ev, picture):
        files["network.png"] = "supporting: the case's payment network"
    html = _html(doc, ev, case, picture if picture.exists() else None)
    put("case_report.html", html, "internal: case report for investigators")
    pdf = _pdf(html, target / "case_report.pdf")
    if (target / "case_report.pdf").exists():
        files["case_report.pdf"] = "internal: case report (PDF)"
    manifest = {
        "case_id": ev.case_id,
        "doc_id": doc["doc_id"],
        "approved_by": doc.get("approved_by"),
        "approved_at": str(doc["approved_at"]) if doc.get("approved_at") else None,
        "include_restricted": ev.include_restricted,
        "attachment_rows": f"{_rows(doc['attachment_csv'])} of {len(ev.txns)}",
        "pdf": pdf,
        "files": {
            name: {
                "role": role,
                "bytes": (target / name).stat().st_size,
                "sha256": hashlib.sha256((target / name).read_bytes()).hexdigest(),
            }
            for name, role in sorted(files.items())
        },
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
