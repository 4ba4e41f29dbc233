"""``svduty remind``: email providers about quarterly returns due soon or late (cron-friendly, idempotent a day)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.main import app
from svduty.cli.web import _migrate, _setup


@app.command("remind")
def remind_command(
    days_before: int = typer.Option(7, "--days-before", help="Remind this many days before a return is due."),
    repeat_days: int = typer.Option(7, "--repeat-days", help="Repeat overdue reminders this often (days)."),
    today: str | None = typer.Option(None, "--today", help="Run as if today were YYYY-MM-DD."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be sent; send and record nothing."),
    database_url: str | None = typer.Option(None, "--database-url"),
    workspace: Path | None = typer.Option(None, "--workspace", help="Workspace folder (default ./workspace)."),
) -> None:
    """Email providers about returns due soon or late through Django's email backend, and record each reminder."""
    console = Console(stderr=True, soft_wrap=True)
    _setup(database_url, workspace)
    from django.core.management import CommandError, call_command

    _migrate(console)
    args = ["remind", f"--days-before={days_before}", f"--repeat-days={repeat_days}"]
    if today:
        args.append(f"--today={today}")
    if dry_run:
        args.append("--dry-run")
    try:
        call_command(*args)
    except CommandError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
