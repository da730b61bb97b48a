"""The SAR narrative: rendered from the evidence with a Jinja2 template, fitted to FinCEN's limits.

Reads `templates/narrative.txt.j2` and a case's `Evidence`; writes nothing. FinCEN allows
five blocks of at most 4,000 characters and 17,000 in all, without line breaks. A case
too big for that is told in less detail, step by step (fewer payers listed one by one,
fewer transaction ids per line), every omitted part summarised with its count and amount
and pointed to the CSV attachment; only as a last resort is the text cut at a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from sever.cases.evidence_model import Evidence
from sever.cases.model import term_for
from sever.errors import UserError
from sever.sar import facts
from sever.sar.config import ContactOffice
from sever.sar.why import (
    alert_lines,
    flow_rows,
    more_flows,
    more_payers,
    payer_rows,
    subject_lines,
    why_text,
)

BLOCK_CHARS = 4000
MAX_BLOCKS = 5
TOTAL_CHARS = 17000
SHORTENED = (
    " [Narrative shortened to FinCEN's 17,000-character limit; the attached file {name} "
    "carries every transaction.]"
)
# Detail per level: how many items each list shows before summarising the rest.
LEVELS = (
    dict(subjects=50, payers=200, ids=12, flows=100, inflows=50, reasons=12, signals=30, shared=30),
    dict(subjects=30, payers=60, ids=6, flows=40, inflows=20, reasons=8, signals=20, shared=20),
    dict(subjects=15, payers=25, ids=3, flows=20, inflows=10, reasons=5, signals=10, shared=10),
    dict(subjects=10, payers=10, ids=2, flows=10, inflows=5, reasons=3, signals=5, shared=5),
    dict(subjects=5, payers=0, ids=1, flows=5, inflows=2, reasons=2, signals=3, shared=3),
    dict(subjects=3, payers=0, ids=0, flows=2, inflows=0, reasons=1, signals=1, shared=1),
)


@dataclass(frozen=True)
class Attachment:
    name: str
    rows: int
    total: int

    @property
    def truncated(self) -> bool:
        return self.rows < self.total


@dataclass(frozen=True)
class Narrative:
    text: str  # paragraphs separated by blank lines, for people
    level: int  # detail level used (0 = everything)
    shortened: bool  # cut at a sentence as a last resort
    source: str  # generated or analyst

    @property
    def flat(self) -> str:
        """The filing form: one line, paragraphs joined by a space."""
        return flatten(self.text)

    @property
    def blocks(self) -> list[str]:
        return split_blocks(self.flat)


PARAGRAPH = "\x1e"  # the template's paragraph mark: its own line breaks are only layout


def normalise(text: str) -> str:
    """Paragraphs kept, every other run of whitespace or control characters one space."""
    paragraphs = re.split(r"\n\s*\n|\x1e", text.replace("\r", "\n"))
    cleaned = (re.sub(r"[\s\x00-\x1f\x7f]+", " ", p).strip() for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def flatten(text: str) -> str:
    return " ".join(normalise(text).split("\n\n"))


def split_blocks(flat: str) -> list[str]:
    """Blocks of at most 4,000 characters, cut at spaces (the space itself is dropped)."""
    blocks, rest = [], flat
    while len(rest) > BLOCK_CHARS:
        cut = rest.rfind(" ", 0, BLOCK_CHARS + 1)
        cut = cut if cut > 0 else BLOCK_CHARS
        blocks.append(rest[:cut])
        rest = rest[cut:].lstrip(" ")
    return [*blocks, rest] if rest else blocks


def fits(flat: str) -> bool:
    return len(flat) <= TOTAL_CHARS and len(split_blocks(flat)) <= MAX_BLOCKS


@cache
def _template() -> Template:
    env = Environment(
        loader=PackageLoader("sever.sar", "templates"),
        autoescape=False,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["num"] = "{:,}".format
    return env.get_template("narrative.txt.j2")


def context(
    ev: Evidence, inst_name: str, contact: ContactOffice, attachment: Attachment, cap: dict
) -> dict:
    flows, inflows = facts.onward_flows(ev), facts.other_inflows(ev)
    summary = facts.payer_summary(ev)
    subjects = subject_lines(ev)
    alerts = alert_lines(ev, cap["reasons"])
    signals = ev.signals[: cap["signals"]]
    terms = " ".join(ev.key_terms)
    return dict(
        P=PARAGRAPH,
        key_terms_text=f"{terms}. " if terms else "",
        closing_terms=f" {terms}." if terms else "",
        inst=inst_name,
        term=term_for(ev.typology),
        continuing=ev.continuing,
        prior=ev.prior_document_number,
        after=facts.when(ev.activity_after),
        period_from=facts.when(ev.from_ts),
        period_to=facts.when(ev.to_ts),
        subject_ids=", ".join(s.account_id for s in ev.subjects),
        subjects=subjects[: cap["subjects"]],
        subjects_more=max(0, len(subjects) - cap["subjects"]),
        shared=[
            dict(id_type=x.id_type, value=x.value, accounts=" and ".join(x.account_ids))
            for x in ev.shared[: cap["shared"]]
        ],
        shared_more=max(0, len(ev.shared) - cap["shared"]),
        n_txns=len(ev.completed),
        total=facts.money(ev.total_usd),
        n_payers=len(ev.payers),
        payers={
            **summary,
            "usd_text": facts.money(summary["usd"]),
            "bands_text": ", ".join(f"{b}: {n}" for b, n in summary["bands"]),
        },
        payer_rows=payer_rows(ev, cap["payers"], cap["ids"]),
        payers_more=more_payers(ev, cap["payers"]),
        currencies=facts.currencies(ev),
        attachment=attachment,
        case_id=ev.case_id,
        alert_ids=", ".join(a.alert_id for a in ev.alerts),
        flows=flow_rows(ev, flows, cap["flows"], cap["ids"]),
        flows_more=more_flows(flows, cap["flows"]),
        inflows=flow_rows(ev, inflows, cap["inflows"], cap["ids"]),
        inflows_more=more_flows(inflows, cap["inflows"]),
        signals=[
            dict(
                g.model_dump(),
                tags=", ".join(g.tags) or "no tags",
                report_ids=", ".join(g.report_ids),
            )
            for g in signals
        ],
        signals_more=max(0, len(ev.signals) - len(signals)),
        alerts=alerts[: cap["subjects"]],
        alerts_more=max(0, len(alerts) - cap["subjects"]),
        victim_alerts=sum(a.role == "victim" for a in ev.alerts),
        why=why_text(ev),
        channels=", ".join(f"{c} ({n})" for c, n in facts.channels(ev)),
        contact=contact,
    )


def generate(
    ev: Evidence, inst_name: str, contact: ContactOffice, attachment: Attachment
) -> Narrative:
    """The most detailed narrative that fits FinCEN's limits."""
    text = ""
    for level, cap in enumerate(LEVELS):
        text = normalise(_template().render(**context(ev, inst_name, contact, attachment, cap)))
        if fits(flatten(text)):
            return Narrative(text, level, False, "generated")
    return Narrative(
        _cut(text, SHORTENED.format(name=attachment.name)), len(LEVELS) - 1, True, "generated"
    )


def _cut(text: str, suffix: str) -> str:
    """Cut at the last sentence end that leaves room for `suffix`, keeping paragraphs."""
    room = TOTAL_CHARS - len(suffix) - MAX_BLOCKS  # block cuts drop at most one space each
    out, used = [], 0
    for para in text.split("\n\n"):
        if used + len(para) + 1 <= room:
            out.append(para)
            used += len(para) + 1
            continue
        head = para[: max(0, room - used - 1)]
        end = head.rfind(". ")
        out.append(head[: end + 1] if end > 0 else head.rstrip())
        break
    out[-1] = out[-1] + suffix
    return "\n\n".join(out)


def from_analyst(text: str, key_terms: list[str]) -> Narrative:
    """An analyst's own narrative, checked (never silently cut) against the limits."""
    clean = normalise(text)
    if not clean:
        raise UserError("the narrative file is empty")
    flat = flatten(clean)
    if not fits(flat):
        raise UserError(
            f"the narrative has {len(flat):,} characters; FinCEN allows {TOTAL_CHARS:,} "
            f"({MAX_BLOCKS} blocks of {BLOCK_CHARS:,}). Shorten it and move tables to the "
            "CSV attachment."
        )
    missing = [k for k in key_terms if k not in flat]
    if missing:
        raise UserError(f"the narrative must name the key term(s) {', '.join(missing)}")
    return Narrative(clean, 0, False, "analyst")
