"""``svduty sna``: build the Strategic Needs Assessment (HTML, PDF, tables, summary.json) from the workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from svduty.cli.common import Stages, WorkspaceOption, make_console, month_option, user_errors
from svduty.cli.main import app
from svduty.report import ReportError


@app.command(
    "sna",
    epilog=(
        "Examples:\n\n"
        "  svduty sna --out out/sna\n\n"
        "  svduty sna --force 'City of London' --from 2020-12 --to 2021-11 --out out/col\n\n"
        "  svduty sna --area E09000001 --no-pdf --out out/col-area\n\n"
        "  svduty sna --area E09000001 --boundaries lsoa_2021.gpkg --out out/col-area\n\n"
        "  svduty sna --engine spark --parquet out/parquet --force 'City of London' --out out/col-spark"
    ),
)
def sna_command(
    workspace: WorkspaceOption = None,
    force: str | None = typer.Option(
        None,
        "--force",
        metavar="FORCE",
        help="Force slug, name or published name, any case: city-of-london, 'City of London', 'City of London Police'.",
    ),
    area: str | None = typer.Option(
        None,
        "--area",
        metavar="AREA",
        help="LSOA code prefix (E01000), LSOA-name prefix, or local authority / CSP (E22…) / police force area (E23…) "
        "codes, comma-separated (default: the force's whole police force area).",
    ),
    from_month: str | None = typer.Option(
        None, "--from", metavar="MONTH", help="First month, YYYY-MM (default: 11 months before --to)."
    ),
    to_month: str | None = typer.Option(
        None, "--to", metavar="MONTH", help="Last month, YYYY-MM (default: latest month in the data)."
    ),
    out: Path = typer.Option(Path("sna"), "--out", metavar="DIR", help="Output folder."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write sna.pdf (WeasyPrint)."),
    boundaries: Path | None = typer.Option(
        None,
        "--boundaries",
        metavar="FILE",
        exists=True,
        dir_okay=False,
        help="LSOA boundaries (GeoPackage or GeoJSON) for the Where maps (default: the bundled sample boundaries "
        "when they cover the area, else LSOAs are drawn as points).",
    ),
    engine: str = typer.Option(
        "duckdb",
        "--engine",
        metavar="ENGINE",
        help="duckdb (the workspace, default) or spark: the table work runs on Spark over the workspace's Parquet "
        "export (--parquet, else exported to a temporary folder first).",
    ),
    spark_master: str | None = typer.Option(
        None, "--spark-master", metavar="URL", help="Spark master (default: $SPARK_MASTER, else local[2])."
    ),
    parquet: str | None = typer.Option(
        None,
        "--parquet",
        metavar="DIR",
        help="With --engine spark: a dataset written by `svduty export parquet` (a folder or a URI Spark reads).",
    ),
    register: bool = typer.Option(
        False,
        "--register",
        help="Also register the output in the web app as the next SNA version ($SVDUTY_DATABASE_URL or the "
        "workspace's SQLite database, as svduty serve uses).",
    ),
    label: str = typer.Option("", "--label", metavar="TEXT", help="Label of the registered SNA version."),
) -> None:
    """Write OUT/index.html, OUT/sna.pdf, OUT/tables/*.csv and OUT/summary.json."""
    from svduty.data.names import check_area, resolve_force
    from svduty.data.workspace import Workspace

    console = make_console(stderr=True)
    start, end = month_option(from_month, "--from"), month_option(to_month, "--to")
    if engine not in ("duckdb", "spark"):
        with user_errors():
            raise ReportError(f"--engine {engine}: give duckdb or spark")
    if engine == "spark" or parquet:
        _sna_on_spark(workspace, force, area, start, end, out, pdf, boundaries, spark_master, parquet, console)
        if register:
            register_output(out, workspace, label, console)
        return
    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        # Names first, before the analysis and report libraries load (seconds): a typo is answered at once.
        force, area = resolve_force(ws.con, force), check_area(ws.con, area)
        with Stages(console) as stage:
            stage("loading the analysis libraries")
            from svduty.analysis.needs_assessment import assess
            from svduty.analysis.sna import Scope
            from svduty.report.sna import render, synthetic_columns_of

            scope = Scope(
                force=force, area=area, start=start, end=end, boundaries=str(boundaries) if boundaries else None
            )
            assessment = assess(ws.con, scope, progress=stage)
            stage("synthetic-layer labels")
            synthetic_columns = synthetic_columns_of(ws.con)
            stage("writing the report" + (" and PDF" if pdf else ""))
            try:
                result = render(assessment, out, pdf=pdf, synthetic_columns=synthetic_columns)
            except OSError as exc:
                raise ReportError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    _print_result(console, assessment, result, start, end, out)
    if register:
        register_output(out, workspace, label, console)


def _print_result(console, assessment, result, start, end, out) -> None:
    for note in period_notes(assessment.period, start, end):
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
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


def register_output(out: Path, workspace: Path | None, label: str, console) -> None:
    """Register OUT in the web app (the same code as ``manage.py register_sna``); a bad folder is one red line."""
    from svduty.cli.web import _migrate, _setup

    _setup(None, workspace, console)
    _migrate(console)
    from svduty.web.strategy.sna_versions import RegisterError, register_path

    try:
        version = register_path(out, label=label)
    except RegisterError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    console.print(f"  registered in the web app as {version}", highlight=False)


def _sna_on_spark(workspace, force, area, start, end, out, pdf, boundaries, master, parquet, console) -> None:
    """The SNA with its table work on Spark: the dataset is read by Spark, the scope's rows come to the driver."""
    import tempfile

    from svduty.analysis.engine import require_pyspark

    with user_errors():
        require_pyspark()
        with Stages(console) as stage:
            tmp = None
            if parquet is None:
                from svduty.data import parquet_export
                from svduty.data.workspace import Workspace

                stage("exporting the workspace to Parquet")
                tmp = tempfile.TemporaryDirectory(prefix="svduty-parquet-")
                parquet = tmp.name
                with Workspace.open(workspace, read_only=True) as ws:
                    parquet_export.export(ws.con, Path(parquet), ws.schema_version(), replace=True)
            stage("starting Spark")
            from svduty.analysis.engine import spark_assess
            from svduty.analysis.sna import Scope
            from svduty.report.sna import render, synthetic_columns_of

            scope = Scope(
                force=force, area=area, start=start, end=end, boundaries=str(boundaries) if boundaries else None
            )
            try:
                assessment, con = spark_assess(parquet, scope, master, stage)
                stage("writing the report" + (" and PDF" if pdf else ""))
                result = render(assessment, out, pdf=pdf, synthetic_columns=synthetic_columns_of(con))
            except OSError as exc:
                raise ReportError(f"cannot write to {out}: {exc.strerror or exc}") from exc
            finally:
                if tmp is not None:
                    tmp.cleanup()
    _print_result(console, assessment, result, start, end, out)


def period_notes(period, start, end) -> list[str]:
    """Say when the period the user asked for (or the default 12 months) was narrowed to the months the data hold."""
    notes = []
    span = f"{period.start:%Y-%m} to {period.end:%Y-%m}"
    held = f"the data in scope cover {period.data_start:%Y-%m} to {period.data_end:%Y-%m}"
    if start and period.start > start:
        notes.append(f"--from {start:%Y-%m} is before the data start: {held}, so the period is {span}")
    if end and period.end < end:
        notes.append(f"--to {end:%Y-%m} is after the data end: {held}, so the period is {span}")
    if not start and period.months < 12 and period.start == period.data_start:
        notes.append(f"{held}, so the period is {span} ({period.months} months, not the usual 12)")
    return notes
