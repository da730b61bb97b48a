"""Parse signal tags into a normalised form: (tag, kind, value) rows.

Reads the staged signals (`stg`/`chk`, tags '|'-joined) and writes the temporary
table `stg_tags(signal_row, tag, kind, value)`; the loader copies it into
`signal_tags` for the signals it keeps.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sever.warehouse import Warehouse


@cache
def vocabulary() -> dict[str, Any]:
    override = os.environ.get("SEVER_TAG_VOCABULARY")
    text = (
        Path(override).read_text(encoding="utf-8")
        if override
        else (resources.files("sever.ingest") / "tag_vocabulary.yaml").read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def parse_tags(wh: Warehouse, source: str = "chk") -> None:
    vocab = vocabulary()
    harm = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in vocab["harm"].items())
    flags = ", ".join(_lit(f) for f in vocab["flags"]) or "''"
    prefixes = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in vocab["prefixes"].items())
    wh.run("ingest:signals:tags", "DROP TABLE IF EXISTS stg_tags")
    wh.run(
        "ingest:signals:tags",
        f"""
        CREATE TEMP TABLE stg_tags AS
        WITH raw AS (
            SELECT __row AS signal_row,
                   regexp_replace(lower(trim(unnest(string_split(tags, '|')))), '[\\s-]+', '_', 'g')
                       AS tag
            FROM {source} WHERE tags IS NOT NULL
        ), split AS (
            SELECT signal_row, tag,
                   CASE WHEN strpos(tag, ':') > 0 THEN split_part(tag, ':', 1) END AS prefix,
                   CASE WHEN strpos(tag, ':') > 0 THEN substr(tag, strpos(tag, ':') + 1) END AS rest
            FROM raw WHERE tag <> ''
        )
        SELECT DISTINCT signal_row, tag,
               CASE WHEN prefix IS NOT NULL THEN coalesce(CASE prefix {prefixes} END, 'other')
                    WHEN tag IN ({flags}) THEN 'flag'
                    WHEN (CASE tag {harm} END) IS NOT NULL THEN 'harm'
                    ELSE 'other' END AS kind,
               CASE WHEN prefix IS NOT NULL THEN rest
                    ELSE coalesce(CASE tag {harm} END, tag) END AS value
        FROM split
        """,
    )
