"""``svduty ingest population``: ONS population by LSOA and the LSOA 2011/2021 → district lookup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from svduty.cli.common import WorkspaceOption, console, err_console, user_errors
from svduty.cli.ingest import ingest_app
from svduty.data import population
from svduty.data.workspace import Workspace


@ingest_app.command(
    "population",
    epilog=(
        "Examples:\n\n"
        "  svduty ingest population --sample\n\n"
        "  svduty ingest population census21_pop_lsoa21_by_age.csv 'LSOA_(2011)_to_LSOA_(2021)_..._Lookup.csv'\n\n"
        "  svduty ingest population sape22dt2-mid-2019-lsoa-syoa.xlsx --year 2019\n\n"
        "Reads the ONS Census 2021 LSOA × age CSV (or its .rda), ONS mid-year estimates (single-year ages, one "
        "sheet per sex), the mid-year density workbook, and the ONS LSOA (2011) → LSOA (2021) → LAD best-fit "
        "lookup. Rows for an area, year, age band and sex already held are replaced by the newer file's."
    ),
)
def population_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="ONS .csv, .csv.gz, .xlsx or .rda files, or folders of them.")
    ] = None,
    sample: Annotated[
        bool,
        typer.Option("--sample", help="Ingest the Census 2021 population and LSOA lookup bundled with svduty."),
    ] = False,
    year: Annotated[
        int | None, typer.Option("--year", help="Year of a mid-year estimate whose file does not say it.")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest ONS population by LSOA (for rates per 1,000 residents) and the LSOA → district lookup."""
    inputs = list(paths or [])
    if sample:
        inputs = population.sample_paths() + inputs
    if not inputs:
        err_console.print("[bold red]error:[/] give ONS population or lookup files, or --sample")
        raise typer.Exit(2)
    with user_errors(), Workspace.create(workspace) as ws:
        results = population.ingest(ws, inputs, year=year)
    table = Table(title="Population ingest", title_justify="left")
    for col in ("file", "holds", "read", "stored", "rejected", "result"):
        table.add_column(col, justify="right" if col in ("read", "stored", "rejected") else "left")
    for r in results:
        if r.month is None:
            holds = "LSOA → district lookup"
        elif r.month == population.CENSUS_2021_MONTH:
            holds = "Census 2021"
        else:
            holds = f"mid-{r.month.year} estimate"
        table.add_row(
            r.file_name,
            holds,
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            r.status + (f" ({r.message})" if r.message else ""),
        )
    console.print(table)
