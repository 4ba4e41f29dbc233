"""``svduty referrals …`` (follow-up, load-pathways) and ``svduty retention``: the referrals domain's cron jobs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.main import app
from svduty.cli.web import _migrate, _setup

referrals_app = typer.Typer(help="Referral pathways and case management.", no_args_is_help=True)
app.add_typer(referrals_app, name="referrals")

DB = typer.Option(None, "--database-url", help="Default $SVDUTY_DATABASE_URL or SQLite in the workspace.")
WS = typer.Option(None, "--workspace", help="Workspace folder (default ./workspace).")


def _call(name: str, *args, **kwargs) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command(name, *args, **kwargs)
    except CommandError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


@referrals_app.command("follow-up")
def follow_up(
    database_url: str | None = DB,
    workspace: Path | None = WS,
    today: str | None = typer.Option(None, "--today", help="YYYY-MM-DD (default today)."),
    recheck: bool = typer.Option(False, "--recheck", help="Look again at follow-ups already recorded."),
) -> None:
    """Record due 3/6/12-month re-offending follow-ups from the workspace's RMS data (cron-friendly)."""
    if today is not None:
        try:
            date.fromisoformat(today)
        except ValueError:
            Console(stderr=True).print(f"[red]error:[/red] --today {today!r} is not a YYYY-MM-DD date")
            raise typer.Exit(1) from None
    _setup(database_url, workspace)
    _migrate(Console(stderr=True))
    args = ["--today", today] if today else []
    _call("referrals_follow_up", *args, *(["--recheck"] if recheck else []))


@referrals_app.command("load-pathways")
def load_pathways(
    files: list[Path] = typer.Argument(None, help="Pathway files (default: the two shipped)."),
    database_url: str | None = DB,
    workspace: Path | None = WS,
) -> None:
    """Load pathway definitions (YAML/TOML/JSON) into the database."""
    _setup(database_url, workspace)
    _migrate(Console(stderr=True))
    _call("load_pathways", *[str(f) for f in files or []])


@app.command("retention")
def retention(
    apply: bool = typer.Option(False, "--apply", help="Erase; without it only the dry-run listing."),
    database_url: str | None = DB,
    workspace: Path | None = WS,
) -> None:
    """List closed cases past their retention period; with --apply erase their personal details."""
    _setup(database_url, workspace)
    _migrate(Console(stderr=True))
    _call("retention", *(["--apply"] if apply else []))
