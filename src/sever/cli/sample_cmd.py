"""`sever sample generate`: write a deterministic synthetic dataset with planted schemes."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    sample = typer.Typer(help="Synthetic datasets with planted schemes and labels.")
    app.add_typer(sample, name="sample")

    @sample.command("generate")
    def generate(
        out: Path = typer.Option(..., "--out", help="Directory to write the dataset into."),
        accounts: int = typer.Option(
            2000, "--accounts", min=300, help="At least 300: every scheme is planted."
        ),
        days: int = typer.Option(30, "--days", min=1),
        seed: int = typer.Option(7, "--seed"),
        fmt: str = typer.Option("csv", "--format", help="csv or parquet"),
    ) -> None:
        """Write transactions, accounts, account_identifiers, signals, fx_rates and labels.csv."""
        from sever.sample.generator import generate as run

        summary = run(out=out, accounts=accounts, days=days, seed=seed, fmt=fmt)
        typer.echo(summary)
