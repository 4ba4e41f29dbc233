"""``svduty ingest risk-factors``: a partner's risk-factor table (LSOA- or person-level) through a mapping file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from svduty.cli.common import WorkspaceOption, console, user_errors
from svduty.cli.ingest import ingest_app
from svduty.data import risk_factors
from svduty.data.workspace import Workspace


@ingest_app.command(
    "risk-factors",
    epilog=(
        "Example:\n\n"
        "  svduty ingest risk-factors exclusions-2021-22.csv --mapping exclusions.toml\n\n"
        "The mapping file names the table (school_exclusions, children_in_need, neet or youth_justice), the "
        "period, and the columns holding the LSOA code, the count and (optionally) its denominator. A person-level "
        'table (level = "person") names instead the pseudonymised person, LSOA of residence and age band columns '
        "(and optionally a flag and a date): persons are counted into LSOA totals and are not stored."
    ),
)
def risk_factors_command(
    paths: Annotated[list[Path], typer.Argument(help="Partner CSV file(s), one row per LSOA (or per person).")],
    mapping: Annotated[Path, typer.Option("--mapping", "-m", help="Mapping file (.toml, .yaml or .json).")],
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest a partner's risk-factor table (school exclusions, children in need, NEET, youth justice), LSOA- or
    person-level."""
    with user_errors():
        chosen = risk_factors.load_mapping(mapping)
        with Workspace.create(workspace) as ws:
            results = [risk_factors.ingest(ws, p, chosen) for p in paths]
    for r in results:
        console.print(
            f"{r.file_name}: {r.rows_read:,} rows read, {r.rows_stored:,} stored, {r.rows_rejected:,} rejected — "
            f"{r.status}{f' ({r.message})' if r.message else ''}"
        )
    if chosen.level == "person":
        console.print("person-level rows: counted into LSOA totals (distinct persons); no person reference is stored")
    if chosen.synthetic:
        console.print("the mapping says synthetic = true: every row from it is labelled SYNTHETIC")
