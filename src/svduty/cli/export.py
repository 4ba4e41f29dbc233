"""``svduty export parquet``: the workspace as a Parquet dataset for Spark (``svduty sna --engine spark``)."""

from __future__ import annotations

from pathlib import Path

import typer

from svduty.cli.common import WorkspaceOption, console, user_errors
from svduty.cli.main import app

export_app = typer.Typer(help="Export the workspace for other engines.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command(
    "parquet",
    epilog=(
        "Examples:\n\n"
        "  svduty export parquet --out out/parquet\n\n"
        "  svduty sna --engine spark --parquet out/parquet --out out/sna-spark"
    ),
)
def export_parquet(
    workspace: WorkspaceOption = None,
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Folder to write (new or empty)."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite an earlier export in DIR."),
) -> None:
    """Write every table as Parquet: incidents partitioned by force and month, the schema version in
    svduty_export.json."""
    from svduty.data import parquet_export
    from svduty.data.workspace import Workspace

    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        manifest = parquet_export.export(ws.con, out, ws.schema_version(), replace=replace)
    tables = manifest["tables"]
    console.print(
        f"exported {len(tables)} tables ({tables.get('incidents', 0):,} incidents, partitioned by force and month) "
        f"at schema version {manifest['schema_version']} to {out}"
    )
