"""`sever rules ...`: list, validate, test, backtest, diff, publish and approve analyst rules.

Rules are YAML files in `rules/` (`--rules DIR`); their format, the feature vocabulary
and the condition language are in rules/README.md. Exit codes: 0 ok, 1 a rule case
failed, 2 user error (invalid rule, bad arguments, maker == checker), 3 warehouse failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from sever.cli.common import WarehouseOption, warehouse_from
from sever.errors import ExitCode, SeverError

out = Console(width=None if Console().is_terminal else 160)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)
RulesOption = typer.Option(Path("rules"), "--rules", "-r", help="Folder of rule files.")


def _report(messages: list[str]) -> None:
    for m in messages:
        err.print(f"[bold red]invalid rule[/] {escape(m)}", highlight=False, soft_wrap=True)


@contextmanager
def _guard() -> Iterator[None]:
    """Report project errors and invalid rule files here, so the exit code is always right."""
    from sever.rules.files import RuleFileError

    try:
        yield
    except RuleFileError as exc:
        for p in exc.problems:
            err.print(
                f"[bold red]invalid rule[/] {escape(p.render())}", highlight=False, soft_wrap=True
            )
        raise typer.Exit(int(ExitCode.USER_ERROR)) from exc
    except SeverError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(int(exc.exit_code)) from exc


def _load(rules_dir: Path, paths: list[Path] | None = None):
    from sever.rules.files import RuleFileError, load_rule_file, load_rules

    if not paths:
        return load_rules(rules_dir)
    files, problems = [], []
    for path in paths:
        try:
            files.append(load_rule_file(path))
        except RuleFileError as exc:
            problems.extend(exc.problems)
    return files, problems


def register(app: typer.Typer) -> None:
    rules = typer.Typer(help="Analyst rules: validate, test, backtest, publish, approve.")
    app.add_typer(rules, name="rules")

    @rules.command("list")
    def list_(rules_dir: Path = RulesOption, warehouse: Path | None = WarehouseOption) -> None:
        """List the rules; with --warehouse, also their publication and approval state."""
        from sever.rules import governance
        from sever.rules.render import rule_table

        with _guard():
            files, problems = _load(rules_dir)
            states = None
            if warehouse is not None:
                wh = warehouse_from(warehouse)
                try:
                    states = {f.rule.ref: " ".join(governance.effective_mode(wh, f)) for f in files}
                finally:
                    wh.close()
            out.print(rule_table(files, states))
            for p in problems:
                err.print(
                    f"[bold red]invalid rule[/] {escape(p.render())}",
                    highlight=False,
                    soft_wrap=True,
                )
        if problems:
            raise typer.Exit(int(ExitCode.USER_ERROR))

    @rules.command("validate")
    def validate(
        paths: list[Path] | None = typer.Argument(None, help="Rule files (default: all)."),
        rules_dir: Path = RulesOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Check every rule: fields, condition, explanation, cases; all problems at once.

        With --warehouse, also refuse a file whose id@version is published with other content.
        """
        from sever.rules import governance

        with _guard():
            files, problems = _load(rules_dir, paths)
            messages = [p.render() for p in problems]
            if warehouse is not None and files:
                wh = warehouse_from(warehouse)
                try:
                    for f in files:
                        _, note = governance.effective_mode(wh, f)
                        if note.startswith("file differs"):
                            messages.append(f"{f.path}: {note}")
                finally:
                    wh.close()
        bad = {m.split(":", 1)[0] for m in messages}
        for f in files:
            if str(f.path) not in bad:
                out.print(
                    f"[green]ok[/] {escape(str(f.path))}  {f.rule.ref}  {f.content_hash[:12]}"
                )
        _report(messages)
        if messages:
            raise typer.Exit(int(ExitCode.USER_ERROR))

    @rules.command("test")
    def test(
        ids: list[str] | None = typer.Argument(None, help="Rule ids (default: all)."),
        rules_dir: Path = RulesOption,
    ) -> None:
        """Run every rule's cases (tiny ledgers with expected hits and misses)."""
        from sever.rules.cases import run_cases
        from sever.rules.render import case_table

        with _guard():
            files, problems = _load(rules_dir)
            only = set(ids) if ids else None
            unknown = (only or set()) - {f.rule.id for f in files}
            if unknown:
                raise typer.BadParameter(f"no such rule(s): {', '.join(sorted(unknown))}")
            with out.status("running rule cases"):
                results = run_cases(files, only)
        out.print(case_table(results))
        for r in results:
            for failure in r.failures:
                out.print(
                    f"[bold red]FAIL[/] {escape(r.rule_ref)} {escape(r.case)}: {escape(failure)}"
                )
        failed = sum(not r.passed for r in results)
        out.print(f"{len(results) - failed} passed, {failed} failed")
        for p in problems:
            err.print(
                f"[bold red]invalid rule[/] {escape(p.render())}", highlight=False, soft_wrap=True
            )
        if problems:
            raise typer.Exit(int(ExitCode.USER_ERROR))
        if failed:
            raise typer.Exit(int(ExitCode.FAILED))

    @rules.command("backtest")
    def backtest_cmd(
        rule: str = typer.Argument(..., help="A rule id, or the path of a (draft) rule file."),
        day_from: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD (UTC)."),
        day_to: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD (UTC)."),
        data: Path | None = typer.Option(None, "--data", help="Dataset dir with labels.csv."),
        rules_dir: Path = RulesOption,
        warehouse: Path | None = WarehouseOption,
        json_out: Path | None = typer.Option(None, "--json", help="Also write JSON here."),
    ) -> None:
        """Run a rule over stored history: hits per day, alert overlap, precision, recall."""
        from sever.rules.backtest import backtest
        from sever.rules.files import find_rule
        from sever.rules.render import as_jsonable, backtest_markdown

        with _guard():
            try:
                first, last = date.fromisoformat(day_from), date.fromisoformat(day_to)
            except ValueError as exc:
                raise typer.BadParameter(f"dates are YYYY-MM-DD: {exc}") from exc
            rf = find_rule(rules_dir, rule)
            labels = data / "labels.csv" if data is not None else None
            wh = warehouse_from(warehouse)
            try:
                with out.status("backtesting (building rule features if the ledger changed)"):
                    result = backtest(wh, rf, first, last, labels)
            finally:
                wh.close()
        out.print(backtest_markdown(result), markup=False, highlight=False, soft_wrap=True)
        if json_out is not None:
            json_out.write_text(json.dumps(as_jsonable(result), indent=2, default=str) + "\n")

    @rules.command("diff")
    def diff(
        rule: str = typer.Argument(..., help="Rule id."),
        v_from: int | None = typer.Option(None, "--from", help="Stored version to start from."),
        v_to: int | None = typer.Option(None, "--to", help="Stored version (default: the file)."),
        rules_dir: Path = RulesOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Show what changed between two stored versions, or between one and the file."""
        from sever.rules import governance
        from sever.rules.files import RuleFileError, find_rule

        with _guard():
            try:
                rf = find_rule(rules_dir, rule)
            except RuleFileError:
                rf = None
            wh = warehouse_from(warehouse)
            try:
                text = governance.diff(wh, rule.split("@")[0], rf, v_from, v_to)
            finally:
                wh.close()
        for line in (text or "no differences\n").splitlines():
            style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
            out.print(escape(line), style=style, highlight=False, soft_wrap=True)

    @rules.command("publish")
    def publish(
        rule: str = typer.Argument(..., help="Rule id (its file in --rules) or file path."),
        by: str = typer.Option(..., "--by", help="Who publishes (recorded)."),
        rules_dir: Path = RulesOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Freeze the file's id@version in the warehouse; the same version never changes."""
        from sever.rules import governance
        from sever.rules.files import find_rule

        with _guard():
            rf = find_rule(rules_dir, rule)
            wh = warehouse_from(warehouse)
            try:
                out.print(escape(governance.publish(wh, rf, by)))
            finally:
                wh.close()

    @rules.command("approve")
    def approve(
        ref: str = typer.Argument(..., help="RULE@VERSION, e.g. collector_minor_fan_in@1."),
        by: str = typer.Option(..., "--by", help="The approver: not the owner, not the publisher."),
        note: str | None = typer.Option(None, "--note", help="Why (recorded)."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Approve a published version so it runs live (maker != checker)."""
        from sever.rules import governance

        rule_id, _, version = ref.partition("@")
        if not version.isdigit():
            raise typer.BadParameter("give RULE@VERSION, e.g. collector_minor_fan_in@1")
        with _guard():
            wh = warehouse_from(warehouse)
            try:
                out.print(escape(governance.approve(wh, rule_id, int(version), by, note)))
            finally:
                wh.close()

    @rules.command("schema")
    def schema() -> None:
        """Print the JSON Schema of a rule file (for editor completion)."""
        from sever.rules.schema import rule_schema

        typer.echo(json.dumps(rule_schema(), indent=2))

    @rules.command("vocabulary")
    def vocabulary() -> None:
        """List the features and scores a condition can use (Markdown)."""
        from sever.rules.render import vocabulary_markdown

        typer.echo(vocabulary_markdown())
