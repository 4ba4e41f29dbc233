"""What every command shares: the consoles, the ``--workspace`` option, and one-line errors instead of tracebacks."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from svduty.analysis import AnalysisError
from svduty.data import IngestError, UnknownNameError, WorkspaceError
from svduty.report import ReportError


def make_console(*, stderr: bool = False) -> Console:
    """A console that never cuts a value short: at a terminal it fits the window, elsewhere (a pipe, a log, CI, a
    captured test run) it is as wide as the content, so tables keep full values instead of ``city-o…``."""
    stream = sys.stderr if stderr else sys.stdout
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal or os.environ.get("COLUMNS"):
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=WIDE, soft_wrap=True)


WIDE = 1000  # characters: wider than any row svduty prints
console = make_console()
err_console = make_console(stderr=True)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        metavar="DIR",
        help="Workspace folder (default: $SVDUTY_WORKSPACE or ./workspace).",
        show_default=False,
    ),
]

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_option(value: str | None, option: str) -> date | None:
    """A ``--from``/``--to`` value written YYYY-MM, as the first day of that month."""
    if value is None:
        return None
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise typer.BadParameter(f"{value!r} is not a month written YYYY-MM", param_hint=option)
    return date(int(match.group(1)), int(match.group(2)), 1)


USER_ERRORS: tuple[type[Exception], ...] = (IngestError, WorkspaceError, UnknownNameError, AnalysisError, ReportError)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the layers' own errors (and a missing file) into one red line and exit code 1."""
    try:
        yield
    except USER_ERRORS as exc:
        # escaped: a message may hold brackets ("pip install 'svduty[spark]'") that are not Rich markup
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except FileNotFoundError as exc:
        err_console.print(f"[bold red]error:[/] {exc.filename}: no such file", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err_console.print("[bold red]interrupted[/]: the file being ingested was rolled back; finished files stay.")
        raise typer.Exit(130) from None


class Stages:
    """A line per finished stage with its time ("  ✓ hotspots and concentration (3.1 s)"), and a spinner while
    one runs at a terminal. Long commands use it so a log shows where the time went and what is running."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.name: str | None = None
        self.started = 0.0
        self.status = console.status("") if console.is_terminal else None

    def __call__(self, name: str) -> None:
        self._finish()
        self.name, self.started = name, time.monotonic()
        if self.status is not None:
            self.status.update(f"{name}…")

    def _finish(self) -> None:
        if self.name is not None:
            self.console.print(f"  ✓ {self.name} ({time.monotonic() - self.started:.1f} s)", highlight=False)
            self.name = None

    def __enter__(self) -> Stages:
        if self.status is not None:
            self.status.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.status is not None:
            self.status.stop()
        if exc_type is None:
            self._finish()


AgreementOption = Annotated[
    str | None,
    typer.Option("--agreement", "-a", help="Reference of the data-sharing agreement the files come under."),
]


def check_agreement(ws, source: str, reference: str | None, paths: list[Path], *, warn: bool = True):
    """The agreement an ingest of ``source`` comes under: refused when the workspace requires one, else warned
    (``warn=False``: the caller warns with :func:`warn_agreement` once the files were read)."""
    from svduty.data import agreements

    check = agreements.check(ws.con, source, reference)
    agreements.enforce(ws.con, check, ", ".join(str(p) for p in paths))
    if warn:
        warn_agreement(check)
    return check


def warn_agreement(check) -> None:
    if not check.ok:
        err_console.print(f"[bold yellow]warning:[/] {check.message}", highlight=False, soft_wrap=True)


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="ENGINE",
        help="duckdb (the workspace, default) or spark: Spark reads the workspace's Parquet export (--parquet, else "
        "exported to a temporary folder first) and hands the scope's rows to the driver.",
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option("--spark-master", metavar="URL", help="Spark master (default: $SPARK_MASTER, else local[2])."),
]
ParquetOption = Annotated[
    str | None,
    typer.Option(
        "--parquet",
        metavar="DIR",
        help="With --engine spark: a dataset written by `svduty export parquet` (a folder or a URI Spark reads).",
    ),
]


@contextmanager
def analysis_connection(
    workspace: Path | None, engine: str, scope, *, master: str | None = None, parquet: str | None = None
) -> Iterator:
    """The DuckDB connection an analysis command reads: the workspace itself (``--engine duckdb``), or a driver-side
    copy of the scope's rows and the small tables read by Spark from the Parquet dataset (``--engine spark``; the
    workspace is exported to a temporary folder first when no ``--parquet`` is given)."""
    import tempfile

    from svduty.data.workspace import Workspace

    if engine not in ("duckdb", "spark"):
        raise ReportError(f"--engine {engine}: give duckdb or spark")
    if engine == "duckdb" and parquet is None:
        with Workspace.open(workspace, read_only=True) as ws:
            yield ws.con
        return
    from svduty.analysis.engine import require_pyspark, spark_driver
    from svduty.data import parquet_export

    require_pyspark()
    with tempfile.TemporaryDirectory(prefix="svduty-parquet-") as tmp:
        if parquet is None:
            parquet = tmp
            with Workspace.open(workspace, read_only=True) as ws:
                parquet_export.export(ws.con, Path(parquet), ws.schema_version(), replace=True)
        _engine, con, _scope = spark_driver(parquet, scope, master, resolve_force=False)
        try:
            yield con
        finally:
            con.close()
