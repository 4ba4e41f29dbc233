"""``svduty ingest rms``: a police record extract through a mapping file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from svduty.cli.common import (
    AgreementOption,
    WorkspaceOption,
    check_agreement,
    console,
    err_console,
    user_errors,
    warn_agreement,
)
from svduty.cli.ingest import ingest_app
from svduty.data import rms
from svduty.data.mapping import load_mapping
from svduty.data.workspace import Workspace


@ingest_app.command(
    "rms",
    epilog=(
        "Examples:\n\n"
        "  svduty ingest rms crimes-2023.csv --mapping athena-mapping.toml\n\n"
        "  svduty ingest rms --example\n\n"
        "  svduty ingest rms crimes-2023.csv --mapping athena-mapping.toml --agreement DSA-2024-001\n\n"
        "The mapping file (TOML, YAML or JSON) names the extract's columns, date and time formats, markers, "
        "victim/suspect columns and the Home Office offence-code lookup; see "
        "src/svduty/data/examples/example-mapping.toml. Person identifiers are pseudonymised with the "
        "workspace's key and never stored."
    ),
)
def rms_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Record extract CSV file(s).")] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping file (.toml, .yaml or .json).")
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Ingest the SYNTHETIC example extract with the example mapping.")
    ] = False,
    agreement: AgreementOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest a police record extract (offence codes, times, ages, markers) through a mapping file."""
    inputs = list(paths or [])
    if example:
        example_mapping, example_extract = rms.example_paths()
        inputs.append(example_extract)
        mapping = mapping or example_mapping
    if not inputs or mapping is None:
        err_console.print("[bold red]error:[/] give an extract and --mapping FILE, or --example")
        raise typer.Exit(2)
    with user_errors():
        chosen = load_mapping(mapping)
        with Workspace.create(workspace) as ws:
            check = check_agreement(ws, "rms", agreement, inputs, warn=False)
            results = [rms.ingest(ws, p, chosen, check) for p in inputs]
    warn_agreement(check)  # after the files were read: a file that cannot be read is one line of error
    table = Table(title=f"RMS ingest ({chosen.name})", title_justify="left")
    for col in ("file", "read", "stored", "rejected", "result"):
        table.add_column(col, justify="right" if col in ("read", "stored", "rejected") else "left")
    for r in results:
        table.add_row(
            r.file_name,
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            r.status + (f" ({r.message})" if r.message else ""),
        )
    console.print(table)
    if chosen.synthetic:
        console.print("the mapping says synthetic = true: every row from it is labelled SYNTHETIC")
    if any(r.rows_rejected for r in results):
        console.print("rejected rows, with line, field and reason: `svduty status` or the workspace's rejects table")
