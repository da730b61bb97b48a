"""Rendering of an evaluation result: terminal tables, Markdown and JSON agree and never crash."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from rich.console import Console

from sever.evaluate import evaluate, evaluate_paths
from sever.evaluate.load import read_labels
from sever.evaluate.report import render_rich, sections, to_json, to_markdown, warnings

DATA = Path(__file__).parent / "data"


def test_markdown_has_every_section_as_a_table() -> None:
    res = evaluate_paths(DATA / "small", DATA / "alerts.jsonl")
    md = to_markdown(res)
    for title, headers, rows in sections(res):
        assert f"## {title}" in md
        for line in (headers, *rows):
            assert "| " + " | ".join(line) + " |" in md
    assert "| labelled \\ alerted | collector | consumer | mule | other | victim | none |" in md
    assert "|---|---:|---:|---:|---:|---:|---:|" in md
    assert "- external parties as alert subjects: 1: X1" in md


def test_json_round_trips() -> None:
    res = evaluate_paths(DATA / "small", DATA / "alerts.jsonl")
    assert json.loads(to_json(res)) == res


def test_empty_alerts_render() -> None:
    empty = pl.DataFrame(schema={"subject_account_id": pl.String, "role": pl.String,
                                 "typology": pl.String, "score": pl.Float64})  # fmt: skip
    res = evaluate(read_labels(DATA / "small"), empty)
    console = Console(record=True, width=120)
    render_rich(res, console)
    text = console.export_text()
    assert "0 / 0 (–)" in text
    assert "unknown (no accounts file)" in text
    assert warnings(res) == []
    assert "score-threshold sweep" not in to_markdown(res)


def test_markup_in_ids_is_not_interpreted() -> None:
    labels = pl.DataFrame({"account_id": ["[bold]x"], "role": ["victim"]})
    alerts = pl.DataFrame({"subject_account_id": ["[bold]x"], "role": ["mule"], "score": [0.5]})
    console = Console(record=True, width=200)
    render_rich(evaluate(labels, alerts), console)
    assert "victims flagged as suspects: 1: [bold]x" in console.export_text()
