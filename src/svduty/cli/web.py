"""``svduty demo`` and ``svduty serve``: the commissioning and accountability web app (svduty.web)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.common import Stages
from svduty.cli.main import app


def _setup(database_url: str | None, workspace: Path | None, console: Console | None = None) -> None:
    """Point Django at the database before it is imported: --database-url, else $SVDUTY_DATABASE_URL, else SQLite
    at <workspace>/web.sqlite3. A setting missing in production is a one-line error, not a traceback."""
    if workspace is not None:
        os.environ["SVDUTY_WORKSPACE"] = str(workspace)
    if database_url:
        os.environ["SVDUTY_DATABASE_URL"] = database_url
    ws = Path(os.environ.get("SVDUTY_WORKSPACE", "workspace"))
    if not os.environ.get("SVDUTY_DATABASE_URL"):
        ws.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svduty.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        (console or Console(stderr=True, soft_wrap=True)).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


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
    _setup(database_url, workspace, console)
    from django.conf import settings

    from svduty.web import demo

    with Stages(console) as stage:
        stage("migrating the database")
        _migrate(console)
        stage("loading the demo partnership")
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
    production: bool = typer.Option(
        False,
        "--production",
        help="gunicorn with WhiteNoise static files and the production settings (SVDUTY_SECRET_KEY, "
        "SVDUTY_ALLOWED_HOSTS, SVDUTY_DATABASE_URL from the environment; docs/deploy.md).",
    ),
    workers: int = typer.Option(
        0, "--workers", metavar="N", help="gunicorn worker processes (default: CPU cores + 1)."
    ),
    threads: int = typer.Option(
        0, "--threads", metavar="N", help="Threads per worker, and database connections per worker (default 4)."
    ),
) -> None:
    """Run the web app: Django's development server, or with --production the gunicorn server."""
    console = Console(stderr=True, soft_wrap=True)
    if production:
        _serve_production(console, host, port, database_url, workspace, workers, threads)
        return
    # The development server answers to its own address only (plus SVDUTY_ALLOWED_HOSTS), never any Host header.
    if not os.environ.get("SVDUTY_ALLOWED_HOSTS") and host not in ("0.0.0.0", "::"):
        os.environ["SVDUTY_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(["localhost", "127.0.0.1", "[::1]", host]))
    _setup(database_url, workspace, console)
    from django.core.management import call_command

    _migrate(console)
    from django.db import connections

    connections.close_all()  # the migration's connection is not kept open for the server's lifetime
    console.print(f"svduty web app (development server) on http://{host}:{port}/ (Ctrl+C to stop)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


def default_workers() -> int:
    """gunicorn workers: one per core plus one, so a worker waiting on PostgreSQL leaves the cores busy."""
    return (os.cpu_count() or 1) + 1


def default_threads() -> int:
    """Threads per worker (and pooled connections per worker): enough to overlap database waits; Python code
    holds the GIL, so more threads would only queue inside the worker."""
    return 4


def gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The gunicorn command line: gthread workers (each thread one request and one pooled database connection),
    proxy headers trusted only from SVDUTY_TRUSTED_PROXIES, access and error logs on stdout/stderr."""
    trusted = os.environ.get("SVDUTY_TRUSTED_PROXIES", "127.0.0.1,::1")
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "svduty.web.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        f"--forwarded-allow-ips={trusted}",
        "--timeout=60",
        "--graceful-timeout=30",
        "--keep-alive=5",
        "--max-requests=5000",  # recycle workers now and then: memory held by one odd request is given back
        "--max-requests-jitter=500",
        "--access-logfile=-",
        "--error-logfile=-",
        "--log-level=info",
    ]


def _serve_production(console, host, port, database_url, workspace, workers, threads) -> None:
    os.environ["SVDUTY_ENV"] = "production"
    workers = workers or default_workers()
    threads = threads or default_threads()
    os.environ["SVDUTY_DB_POOL_MAX"] = str(threads)
    _setup(database_url, workspace, console)
    from django.core.management import call_command
    from django.db import connections

    _migrate(console)
    with console.status("collecting static files"):
        call_command("collectstatic", interactive=False, verbosity=0)
    for conn in connections.all():
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool:
            close_pool()  # each worker opens its own pool after the fork
    console.print(
        f"svduty web app (gunicorn, {workers} workers × {threads} threads) on {host}:{port}; "
        "serve it behind a TLS proxy (docs/deploy.md)"
    )
    argv = gunicorn_argv(host, port, workers, threads)
    os.execv(argv[0], argv)
