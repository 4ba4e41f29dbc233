"""``svduty demo`` and ``svduty serve``: the commissioning and accountability web app (svduty.web)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.main import app


def _setup(database_url: str | None, workspace: Path | None) -> None:
    """Point Django at the database before it is imported: --database-url, else $SVDUTY_DATABASE_URL, else SQLite
    at <workspace>/web.sqlite3."""
    if workspace is not None:
        os.environ["SVDUTY_WORKSPACE"] = str(workspace)
    if database_url:
        os.environ["SVDUTY_DATABASE_URL"] = database_url
    ws = Path(os.environ.get("SVDUTY_WORKSPACE", "workspace"))
    if not os.environ.get("SVDUTY_DATABASE_URL"):
        ws.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svduty.web.settings")
    import django

    django.setup()


def _migrate(console: Console) -> None:
    from django.core.management import call_command
    from django.db import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except OperationalError as exc:
        console.print(f"[red]error:[/red] cannot reach the database: {str(exc).splitlines()[0]}")
        raise typer.Exit(1) from None


@app.command("demo")
def demo_command(
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        metavar="URL",
        help="e.g. postgres://user@host/db (default $SVDUTY_DATABASE_URL or SQLite).",
    ),
    workspace: Path | None = typer.Option(
        None, "--workspace", metavar="DIR", help="Workspace folder (default ./workspace)."
    ),
) -> None:
    """Create the web app's tables and load the DEMO DATA partnership (idempotent)."""
    console = Console(stderr=True, soft_wrap=True)
    _setup(database_url, workspace)
    from django.conf import settings

    from svduty.web import demo

    with console.status("migrating the database"):
        _migrate(console)
    with console.status("loading the demo partnership"):
        loaded = demo.load()
    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
    if loaded:
        console.print(f"[green]Loaded[/green] {demo.PARTNERSHIP_NAME} (DEMO DATA) into {where}")
    else:
        console.print(f"{demo.PARTNERSHIP_NAME} is already loaded in {where}: nothing changed")
    console.print(
        f"Sign in as admin, officer, assessor, assessor2, assessor3, ceo, pcc, provider … provider10, "
        f"navigator, navmanager, yjs, yjsmanager, custody, mentor, analyst, dpo "
        f"with the password [bold]{demo.DEMO_PASSWORD}[/bold] (demo accounts only)."
    )


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    database_url: str | None = typer.Option(None, "--database-url", metavar="URL"),
    workspace: Path | None = typer.Option(
        None, "--workspace", metavar="DIR", help="Workspace folder (default ./workspace)."
    ),
) -> None:
    """Run the web app (Django's threaded development server; use gunicorn svduty.web.wsgi in production)."""
    console = Console(stderr=True, soft_wrap=True)
    _setup(database_url, workspace)
    from django.core.management import call_command

    _migrate(console)
    console.print(f"svduty web app on http://{host}:{port}/ (Ctrl+C to stop)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
