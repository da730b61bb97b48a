"""`sever sar ...`: draft a case's SAR, validate it against FinCEN's XSD, export the pack.

Reads the case and its evidence, the institution config (`--institution` or
`$SEVER_INSTITUTION`) and the detection config; writes sar_documents and, on export,
the evidence pack folder. An invalid report is never stored or written (exit 1).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from sever.cli.case_cmd import ActorOption
from sever.cli.common import WarehouseOption, warehouse_from
from sever.errors import ExitCode, UserError

out = Console(width=None if Console().is_terminal else 160)


def register(app: typer.Typer) -> None:
    sar = typer.Typer(help="SAR drafts: draft, validate, export.")
    app.add_typer(sar, name="sar")

    @sar.command("draft")
    def draft_cmd(
        case_id: str = typer.Argument(...),
        actor: str = ActorOption,
        institution: Path | None = typer.Option(
            None, "--institution", help="Institution YAML (default: $SEVER_INSTITUTION)."
        ),
        include_restricted: bool = typer.Option(
            False,
            "--include-restricted",
            help="Include minor_perpetrator material (an explicit, audited analyst choice).",
        ),
        narrative: Path | None = typer.Option(
            None, "--narrative", help="Use this edited narrative instead of the generated one."
        ),
        config: Path | None = typer.Option(None, help="Detection config YAML."),
        show: bool = typer.Option(False, "--show", help="Print the narrative."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Draft the case's FinCEN SAR and goAML STR; the case goes to review."""
        from sever.config import load
        from sever.sar import draft, load_institution

        inst = load_institution(institution)
        text = None
        if narrative is not None:
            try:
                text = narrative.read_text(encoding="utf-8")
            except OSError as exc:
                raise UserError(f"{narrative}: cannot read the narrative: {exc}") from exc
        wh = warehouse_from(warehouse)
        try:
            result = draft(
                wh,
                case_id,
                actor,
                load(str(config) if config else None),
                inst,
                include_restricted=include_restricted,
                narrative_text=text,
            )
        finally:
            wh.close()
        story, csv, sar = result["narrative"], result["attachment"], result["sar"]
        out.print(f"drafted [bold]{result['doc_id']}[/]: FinCEN SAR valid against the XSD")
        out.print(
            f"  narrative: {len(story.flat):,} characters in {len(story.blocks)} block(s)"
            + (f", detail level {story.level}" if story.level else "")
            + (" (shortened)" if story.shortened else "")
        )
        out.print(f"  attachment {csv.name}: {csv.rows} of {csv.total} transactions")
        out.print(f"  total USD {sar.total_amount:,}; {sar.party_count} subject(s)")
        out.print(f"  goAML STR: {'built' if result['goaml'] else 'skipped (no goaml section)'}")
        withheld = result["evidence"].withheld
        if withheld:
            out.print(f"  restricted material withheld: {withheld}")
        if show:
            out.print(escape(story.text))
        out.print(f"next: review it, then `sever case approve {case_id} --actor ...`")

    @sar.command("validate")
    def validate_cmd(
        case_id: str | None = typer.Argument(None, help="Validate this case's latest draft."),
        file: Path | None = typer.Option(None, "--file", help="Validate this XML file instead."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Validate FinCEN SAR XML against FinCEN's XSD 1.1 schema (exit 1 when invalid)."""
        from sever.sar import validate, xsd

        if (case_id is None) == (file is None):
            raise UserError("give a case id or --file PATH")
        if file is not None:
            try:
                errors = xsd.errors(file.read_text(encoding="utf-8"))
            except OSError as exc:
                raise UserError(f"{file}: cannot read: {exc}") from exc
            what = str(file)
        else:
            wh = warehouse_from(warehouse)
            try:
                errors = validate(wh, case_id)
            finally:
                wh.close()
            what = f"case {case_id}"
        if errors:
            out.print(f"[red]{escape(what)}: {len(errors)} schema error(s)[/]")
            for e in errors:
                out.print(f"  - {escape(e)}")
            raise typer.Exit(int(ExitCode.FAILED))
        out.print(f"{escape(what)}: valid against {xsd.SCHEMA_FILE}")

    @sar.command("export")
    def export_cmd(
        case_id: str = typer.Argument(...),
        out_dir: Path = typer.Option(..., "--out", help="The pack goes to OUT/<case_id>/."),
        allow_draft: bool = typer.Option(
            False, "--draft", help="Export the latest draft even if it is not approved."
        ),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Write the evidence pack: SAR XML, goAML XML, CSV, picture, reasons, HTML report."""
        from sever.sar import export

        wh = warehouse_from(warehouse)
        try:
            manifest = export(wh, case_id, out_dir, allow_draft=allow_draft)
        finally:
            wh.close()
        state = f"approved by {manifest['approved_by']}" if manifest["approved_by"] else "DRAFT"
        out.print(f"wrote {out_dir / case_id} ({manifest['doc_id']}, {state}):")
        for name, info in manifest["files"].items():
            out.print(f"  {name}  {info['bytes']:,} bytes  ({info['role']})")
        out.print(f"  PDF: {manifest['pdf']}")
