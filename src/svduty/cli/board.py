"""``svduty boardpack``: the quarter's Serious Violence Board pack as one PDF (the same as the app's button)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.main import app
from svduty.cli.web import _migrate, _setup


@app.command("boardpack")
def boardpack(
    quarter: str = typer.Option(
        ..., "--quarter", metavar="YYYY-YY-QN", help="Financial-year quarter, e.g. 2024-25-Q3."
    ),
    out: Path = typer.Option(..., "--out", help="The PDF to write."),
    database_url: str | None = typer.Option(None, "--database-url", help="Default $SVDUTY_DATABASE_URL or SQLite."),
    workspace: Path | None = typer.Option(None, "--workspace", help="Workspace folder (default ./workspace)."),
) -> None:
    """Assemble the quarter's board pack: priorities and measures, spend, programme RAG, referrals, actions, risks."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _setup(database_url, workspace)
    _migrate(Console(stderr=True))
    try:
        call_command("boardpack", "--quarter", quarter, "--out", str(out))
    except CommandError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
