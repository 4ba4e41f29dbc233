"""``svduty sna``: build the Strategic Needs Assessment (HTML, PDF, tables, summary.json) from the workspace."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.main import app
from svduty.data import WorkspaceError

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise typer.BadParameter(f"{value!r} is not a month written YYYY-MM", param_hint=option)
    return date(int(match.group(1)), int(match.group(2)), 1)


@app.command("sna")
def sna_command(
    workspace: Path | None = typer.Option(
        None, "--workspace", help="Workspace folder (default $SVDUTY_WORKSPACE or ./workspace)."
    ),
    force: str | None = typer.Option(None, "--force", help="police.uk force slug or name, e.g. city-of-london."),
    area: str | None = typer.Option(
        None, "--area", help="LSOA code prefix (E01000), local authority code (E09000001) or LSOA-name prefix."
    ),
    from_month: str | None = typer.Option(
        None, "--from", help="First month, YYYY-MM (default: 11 months before --to)."
    ),
    to_month: str | None = typer.Option(None, "--to", help="Last month, YYYY-MM (default: latest month in the data)."),
    out: Path = typer.Option(Path("sna"), "--out", help="Output folder."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write sna.pdf (WeasyPrint)."),
) -> None:
    """Write OUT/index.html, OUT/sna.pdf, OUT/tables/*.csv and OUT/summary.json."""
    from svduty.analysis.needs_assessment import assess
    from svduty.analysis.sna import Scope, SnaError
    from svduty.data.workspace import Workspace
    from svduty.report.sna import render, synthetic_columns_of

    console = Console(stderr=True)
    scope = Scope(force=force, area=area, start=_month(from_month, "--from"), end=_month(to_month, "--to"))
    try:
        ws = Workspace.open(workspace, read_only=True)
    except WorkspaceError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    try:
        with console.status("computing the assessment"):
            assessment = assess(ws.con, scope)
            synthetic_columns = synthetic_columns_of(ws.con)
        with console.status("writing the report"):
            result = render(assessment, out, pdf=pdf, synthetic_columns=synthetic_columns)
    except SnaError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    except OSError as exc:
        console.print(f"[red]error:[/red] cannot write to {out}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    finally:
        ws.close()
    h = assessment.headline
    console.print(
        f"SNA {assessment.period.label}: {h['serious_violence']:,} serious violence crimes "
        f"({(h['sv_share'] or 0):.1%} of recorded crime)."
    )
    for path in (result.html, result.pdf, result.summary):
        if path:
            console.print(f"  wrote {path}")
    console.print(f"  wrote {len(result.tables)} tables in {out / 'tables'}")
    if assessment.synthetic_sections:
        console.print(f"[yellow]synthetic sections:[/yellow] {', '.join(assessment.synthetic_sections)}")
