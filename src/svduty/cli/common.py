"""What every command shares: the consoles, the ``--workspace`` option, and one-line errors instead of tracebacks."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except FileNotFoundError as exc:
        err_console.print(f"[bold red]error:[/] {exc.filename}: no such file", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err_console.print("[bold red]interrupted[/]: the file being ingested was rolled back; finished files stay.")
        raise typer.Exit(130) from None
