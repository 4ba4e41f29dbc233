"""``svduty sna``: build the Strategic Needs Assessment (HTML, PDF, tables, summary.json) from the workspace."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from svduty.cli.common import WorkspaceOption, month_option, user_errors
from svduty.cli.main import app
from svduty.report import ReportError


@app.command("sna")
def sna_command(
    workspace: WorkspaceOption = None,
    force: str | None = typer.Option(None, "--force", help="police.uk force slug or name, e.g. city-of-london."),
    area: str | None = typer.Option(
        None,
        "--area",
        help="LSOA code prefix (E01000), LSOA-name prefix, or local authority / CSP (E22…) / police force area (E23…) "
        "codes, comma-separated (default: the force's whole police force area).",
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
    from svduty.analysis.sna import Scope
    from svduty.data.workspace import Workspace
    from svduty.report.sna import render, synthetic_columns_of

    console = Console(stderr=True)
    scope = Scope(force=force, area=area, start=month_option(from_month, "--from"), end=month_option(to_month, "--to"))
    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        with console.status("computing the assessment"):
            assessment = assess(ws.con, scope)
            synthetic_columns = synthetic_columns_of(ws.con)
        with console.status("writing the report"):
            try:
                result = render(assessment, out, pdf=pdf, synthetic_columns=synthetic_columns)
            except OSError as exc:
                raise ReportError(f"cannot write to {out}: {exc.strerror or exc}") from exc
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
