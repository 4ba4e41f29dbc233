"""``svduty init`` and ``svduty status``: make a workspace and show what it holds, file by file."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from svduty.cli.common import WorkspaceOption, console, user_errors
from svduty.cli.main import app
from svduty.data.status import workspace_status
from svduty.data.workspace import Workspace


@app.command(
    epilog="Examples:\n\n  svduty init\n\n  svduty init --workspace /data/durham-sna",
)
def init(workspace: WorkspaceOption = None) -> None:
    """Create a workspace (an embedded DuckDB file with the canonical tables), or migrate an existing one."""
    with user_errors(), Workspace.create(workspace) as ws:
        console.print(f"workspace ready: [bold]{ws.path}[/] (schema version {ws.schema_version()})")


@app.command(
    epilog="Examples:\n\n  svduty status\n\n  svduty status --json | jq .rejects_by_reason",
)
def status(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Per-file accounting (read = stored + rejected), counts by force × month × crime type, rejects by reason."""
    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        report = workspace_status(ws.con)
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    _print_status(report)


def _print_status(report: dict) -> None:
    files = Table(title="Files ingested (active)", title_justify="left")
    for col in ("file", "source", "force", "month", "read", "stored", "rejected", "sha256"):
        files.add_column(col, justify="right" if col in ("read", "stored", "rejected") else "left")
    for f in report["ingests"]:
        files.add_row(
            f["file"],
            f["source"],
            f["force"] or "",
            f["month"] or "",
            f"{f['rows_read']:,}",
            f"{f['rows_stored']:,}",
            f"{f['rows_rejected']:,}",
            f["sha256"][:12],
        )
    console.print(files)
    counts = Table(title="Incidents by force × month × crime type", title_justify="left")
    for col in ("force", "month", "crime type", "incidents"):
        counts.add_column(col, justify="right" if col == "incidents" else "left")
    for row in report["counts"]:
        counts.add_row(row["force"] or "", row["month"], row["crime_type"], f"{row['incidents']:,}")
    console.print(counts)
    if report["rejects_by_reason"]:
        rejects = Table(title="Rejected rows by reason", title_justify="left")
        rejects.add_column("reason")
        rejects.add_column("rows", justify="right")
        for reason, n in report["rejects_by_reason"].items():
            rejects.add_row(reason, f"{n:,}")
        console.print(rejects)
    kinds = report.get("totals_by_kind", {})
    for kind, label in (("incident", "incident rows"), ("population", "population rows")):
        t = kinds.get(kind)
        if t:
            console.print(
                f"{label}: {t['files']:,} files, read {t['rows_read']:,} = stored {t['rows_stored']:,} + "
                f"rejected {t['rows_rejected']:,}",
                highlight=False,
            )
    for kind, t in kinds.items():
        if kind not in ("incident", "population"):
            console.print(f"{kind} rows: {t['files']:,} files, read {t['rows_read']:,}", highlight=False)
    console.print(
        f"{report['incidents']:,} incidents in the workspace; "
        f"{report['superseded_files']} superseded file versions kept as history.",
        highlight=False,
    )
