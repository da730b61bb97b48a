"""The narrative on the sample: key term, limits, claims tied to data, payers by pseudonym
only, restricted material only by explicit choice, an analyst's own text checked."""

from __future__ import annotations

import re

import pytest

from sever.cases import get_case, open_case
from sever.errors import UserError
from sever.sar import draft
from sever.sar.narrative import BLOCK_CHARS, MAX_BLOCKS, TOTAL_CHARS, split_blocks


@pytest.fixture
def drafted(wh, ring, detection, institution) -> dict:
    case_id = open_case(wh, [ring["collector"], ring["mule"], ring["victim"]], "ana")["case_id"]
    return draft(wh, case_id, "ana", detection, institution)


def test_narrative_names_the_key_term_and_fits_the_limits(drafted) -> None:
    story = drafted["narrative"]
    assert (
        story.flat.startswith("FIN-2025-SEXTORTION.")
        and story.flat.count("FIN-2025-SEXTORTION") == 2
    )
    assert len(story.flat) <= TOTAL_CHARS and len(story.blocks) <= MAX_BLOCKS
    assert all(0 < len(b) <= BLOCK_CHARS and b == b.strip() for b in story.blocks)
    assert " ".join(story.blocks) == story.flat
    assert not re.search(r"[\r\n\t]", story.flat)
    for heading in ("SUBJECTS.", "PAYERS.", "ONWARD FLOWS.", "SHARED SIGNALS.", "DETECTION.",
                    "WHY SUSPICIOUS."):  # fmt: skip
        assert heading in story.flat


def test_every_cited_transaction_and_account_exists(drafted) -> None:
    ev, flat = drafted["evidence"], drafted["narrative"].flat
    cited = set(re.findall(r"\btx_\d+\b", flat))
    assert cited and cited <= {t.txn_id for t in ev.txns}
    for s in ev.subjects:
        assert s.account_id in flat
    total = f"USD {ev.total_usd:,.2f}"
    assert total in flat, "the headline total is the evidence total"
    for g in ev.signals:
        assert g.signal_id in flat and all(r in flat for r in g.report_ids)


def test_payers_appear_only_as_pseudonyms_with_age_bands(drafted) -> None:
    ev, flat = drafted["evidence"], drafted["narrative"].flat
    assert ev.payers
    for p in ev.payers:
        assert p.account_id not in flat
        assert f"{p.label} (age {p.age_band}" in flat
    victim_alert = next(a for a in ev.alerts if a.role == "victim")
    assert victim_alert.subject_account_id not in flat


def test_restricted_material_is_left_out_unless_included(wh, detection, institution) -> None:
    alert = wh.scalar("t", "SELECT min(alert_id) FROM alerts WHERE restricted AND role <> 'victim'")
    restricted = [
        s
        for (s,) in wh.rows(
            "t", "SELECT DISTINCT signal_id FROM signal_hits WHERE minor_perpetrator"
        )
    ]
    assert alert and restricted
    case_id = open_case(wh, [alert], "ana")["case_id"]
    kept_out = draft(wh, case_id, "ana", detection, institution)
    text = kept_out["narrative"].flat + kept_out["sar"].xml + kept_out["attachment"].text
    assert not any(s in text for s in restricted)
    assert kept_out["evidence"].withheld.get("signals", 0) >= 1
    assert not any(g.restricted for g in kept_out["evidence"].signals)
    included = draft(wh, case_id, "ana", detection, institution, include_restricted=True)
    assert any(s in included["narrative"].flat for s in restricted)
    notes = [a["note"] for a in get_case(wh, case_id)["audit"] if a["action"] == "drafted"]
    assert (
        "INCLUDED" not in notes[0]
        and "restricted (minor_perpetrator) material INCLUDED" in notes[1]
    )


def test_an_analysts_narrative_is_checked_not_cut(wh, ring, detection, institution) -> None:
    case_id = open_case(wh, [ring["collector"]], "ana")["case_id"]
    with pytest.raises(UserError, match="17,000"):
        draft(wh, case_id, "ana", detection, institution, narrative_text="word " * 4000)
    with pytest.raises(UserError, match="FIN-2025-SEXTORTION"):
        draft(wh, case_id, "ana", detection, institution, narrative_text="A short account.")
    text = "FIN-2025-SEXTORTION. The analyst's own account.\n\nSecond paragraph."
    result = draft(wh, case_id, "ana", detection, institution, narrative_text=text)
    assert result["narrative"].source == "analyst"
    assert (
        result["narrative"].flat
        == "FIN-2025-SEXTORTION. The analyst's own account. Second paragraph."
    )


def test_block_splitting_cuts_at_spaces() -> None:
    text = " ".join(["abcdefghi"] * 1700)  # 16,999 characters
    blocks = split_blocks(text)
    assert len(blocks) == 5 and all(len(b) <= BLOCK_CHARS for b in blocks)
    assert " ".join(blocks) == text
