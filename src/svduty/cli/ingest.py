"""``svduty ingest <source>``: bring files into the workspace; every row stored or rejected with a reason."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from svduty.cli.common import WorkspaceOption, console, err_console, user_errors
from svduty.cli.main import app
from svduty.data import IngestError, police_uk
from svduty.data.ingest_common import FileResult
from svduty.data.workspace import Workspace

ingest_app = typer.Typer(
    help="Ingest source files into the workspace (police.uk, population, police record extracts).",
    no_args_is_help=True,
)
app.add_typer(ingest_app, name="ingest")


@ingest_app.command(
    "police-uk",
    epilog=(
        "Examples:\n\n"
        "  svduty ingest police-uk --sample\n\n"
        "  svduty ingest police-uk ~/Downloads/8f3c-police-data.zip\n\n"
        "  svduty ingest police-uk data/2021-08/2021-08-durham-street.csv data/2021-09/\n\n"
        "Only '*-street.csv' files are read from folders and archives (outcomes and stop-and-search files are "
        "skipped). Re-ingesting the same content does nothing; a changed file for the same force and month "
        "replaces the old one."
    ),
)
def police_uk_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="CSV files, folders, or .zip archives from data.police.uk's custom download."),
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Ingest the real police.uk sample bundled with svduty.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest police.uk street-level crime files (CSV, folders, .zip)."""
    inputs = list(paths or [])
    if sample:
        inputs.extend(police_uk.iter_sample_paths())
    if not inputs:
        err_console.print("[bold red]error:[/] give CSV files, folders or .zip archives, or --sample")
        raise typer.Exit(2)
    with user_errors(), Workspace.create(workspace) as ws:
        sources = police_uk.discover(inputs)
        results = _ingest_with_progress(ws, sources)
    _print_results(results)


def _ingest_with_progress(ws: Workspace, sources: list[police_uk.Source]) -> list[FileResult]:
    results: list[FileResult] = []
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
    )
    with Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal) as progress:
        task = progress.add_task("ingesting", total=sum(s.size for s in sources), current="")
        for source in sources:
            progress.update(task, current=source.file_name)
            started = time.monotonic()
            try:
                results.append(police_uk.ingest_source(ws, source))
                if not err_console.is_terminal:  # a log gets a line per file instead of the bar
                    err_console.print(
                        f"  ✓ {source.file_name}: {results[-1].status}, {results[-1].rows_stored:,} rows stored "
                        f"({time.monotonic() - started:.1f} s)",
                        highlight=False,
                        soft_wrap=True,
                    )
            except IngestError:
                if results:
                    _print_results(results)
                    err_console.print(f"{len(results)} file(s) above were ingested before the error.")
                raise
            progress.advance(task, source.size)
    return results


def _print_results(results: list[FileResult]) -> None:
    table = Table(title="Ingest summary", title_justify="left")
    for col in ("file", "force", "month", "read", "stored", "rejected", "result"):
        table.add_column(col, justify="right" if col in ("read", "stored", "rejected") else "left")
    for r in results:
        table.add_row(
            r.file_name,
            r.force or "",
            r.month.strftime("%Y-%m") if r.month else "",
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            r.status + (f" ({r.message})" if r.message else ""),
        )
    console.print(table)
    for r in results:
        for warning in r.warnings:
            err_console.print(f"[yellow]warning:[/] {r.path}: {warning}", highlight=False, soft_wrap=True)
    new = [r for r in results if r.status != "unchanged"]
    console.print(
        f"{len(results)} files: {len(new)} ingested or replaced, {len(results) - len(new)} unchanged; "
        f"{sum(r.rows_stored for r in new):,} rows stored, {sum(r.rows_rejected for r in new):,} rejected "
        "(see `svduty status`)."
    )
