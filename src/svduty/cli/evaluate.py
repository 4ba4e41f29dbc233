"""``svduty evaluate its|did|synth|power``: run an evaluation design on the workspace and write its report.

Each writes OUT/index.html, OUT/evaluation.pdf, OUT/result.json and OUT/tables/*.csv. Selection is the SNA's
(``--force``, ``--area``, ``--from``, ``--to``) plus ``--crime-type`` (repeatable; ``sv`` = serious violence, ``all`` =
all recorded crime excluding anti-social behaviour).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from svduty.cli.common import (
    EngineOption,
    ParquetOption,
    SparkMasterOption,
    WorkspaceOption,
    analysis_connection,
    month_option,
    user_errors,
)
from svduty.cli.main import app

evaluate_app = typer.Typer(help="Evaluate what was done: ITS, DiD, synthetic control, power.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")
console = Console(stderr=True)

Force = Annotated[str | None, typer.Option("--force", help="police.uk force slug or name, e.g. city-of-london.")]
Area = Annotated[
    str | None, typer.Option("--area", help="LSOA code prefix, local authority code (E09000001) or LSOA-name prefix.")
]
From = Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM (default: first month in the data).")]
To = Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM (default: last month in the data).")]
CrimeType = Annotated[
    list[str] | None,
    typer.Option(
        "--crime-type",
        help="police.uk crime type (repeatable); 'sv' = serious violence, 'all' = all "
        "recorded crime excluding anti-social behaviour. Default: sv.",
    ),
]
Out = Annotated[Path, typer.Option("--out", help="Output folder.")]
Measure = Annotated[str, typer.Option("--measure", help="crimes, ed-assaults, ed-sharp or charged.")]
Rate = Annotated[bool, typer.Option("--rate/--counts", help="Analyse rates per 1,000 residents instead of counts.")]
Frequency = Annotated[str, typer.Option("--frequency", help="month or quarter.")]
Lsoa = Annotated[list[str] | None, typer.Option("--lsoa", help="Restrict to this LSOA code (repeatable).")]
Cells = Annotated[
    Path | None, typer.Option("--cells", help="CSV of hotspot cells (x_bng, y_bng centres) to restrict to.")
]
CellSize = Annotated[float | None, typer.Option("--cell-size", help="Cell size in metres of --cells.")]
Pdf = Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write evaluation.pdf (WeasyPrint).")]
Question = Annotated[
    str | None, typer.Option("--question", help="The evaluation question, in the partnership's words.")
]
Natural = Annotated[
    bool, typer.Option("--natural-experiment", help="The change was set from outside (e.g. a lockdown), not chosen.")
]
Context = Annotated[str | None, typer.Option("--context", help="What happened at the interruption (one sentence).")]
Interruption = Annotated[str, typer.Option("--interruption", help="First month of the intervention, YYYY-MM.")]
Treated = Annotated[
    list[str] | None, typer.Option("--treated", help="Treated unit: code, or code/name prefix (repeatable).")
]
Units = Annotated[str, typer.Option("--units", help="Units of the panel: lsoa, la or force.")]
Log = Annotated[
    bool,
    typer.Option(
        "--log", help="Analyse log(1 + value): units of different size compared in proportion (effect ≈ exp(b) − 1)."
    ),
]


def _selection(
    force, area, from_month, to_month, crime_type, measure, rate, frequency, lsoa, cells, cell_size, log=False
):
    from svduty.analysis.evaluation.series import Selection

    return Selection(
        force=force,
        area=area,
        start=month_option(from_month, "--from"),
        end=month_option(to_month, "--to"),
        crime_types=tuple(crime_type or ("sv",)),
        measure=measure,
        frequency=frequency,
        rate=rate,
        lsoas=tuple(lsoa or ()),
        cells=_read_cells(cells) if cells else (),
        cell_size=cell_size,
        log=log,
    )


def _read_cells(path: Path) -> tuple[tuple[float, float], ...]:
    from svduty.analysis.evaluation import EvaluationError

    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"x_bng", "y_bng"} <= set(reader.fieldnames):
            raise EvaluationError(f"{path}: needs columns x_bng and y_bng (a svduty hotspots CSV)")
        cells = []
        for line, row in enumerate(reader, start=2):
            try:
                cells.append((float(row["x_bng"]), float(row["y_bng"])))
            except (TypeError, ValueError):
                raise EvaluationError(f"{path}, row {line}, field x_bng/y_bng: not a number") from None
    return tuple(cells)


def _data(series_like: Any, sel: Any, *, units: str = "", unit_word: str = "area") -> dict[str, Any]:
    from svduty.analysis.evaluation.series import axis_title

    notes = series_like.notes
    start, end = notes["period_start"], notes["period_end"]
    sources = notes.get("sources") or []
    return {
        "label": series_like.label,
        "value_label": ("log(1 + " if sel.log else "")
        + series_like.label
        + (" per 1,000 residents" if sel.rate else "")
        + (")" if sel.log else ""),
        "log": sel.log,
        "axis": axis_title(sel),
        "area": getattr(series_like, "area", None) or notes.get("area") or "the workspace",
        "period": f"{start:%B %Y} to {end:%B %Y}",
        "frequency": sel.frequency,
        "sources": sources,
        "source": ", ".join(sources)
        + (" (crime records)" if sources else "")
        + (" and A&E (ISTV) attendances" if sel.measure.startswith("ed-") else ""),
        "synthetic": bool(series_like.synthetic),
        "residents": notes.get("residents"),
        "units": units,
        "unit_word": unit_word,
        "crime_types": list(sel.crime_types),
        "measure": sel.measure,
        "rate": sel.rate,
    }


def _definition(con: Any) -> dict[str, Any]:
    """The workspace's local definition of serious violence in force (``svduty definition show``), for result.json."""
    from svduty.data import sv_definition

    return sv_definition.current(con).summary()


def _write(report: Any, out: Path, pdf: bool) -> None:
    from svduty.report import ReportError
    from svduty.report.evaluation import render

    with console.status("writing the report"):
        try:
            done = render(report, out, pdf=pdf)
        except OSError as exc:
            raise ReportError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    for path in (done.html, done.pdf, done.result):
        if path:
            console.print(f"  wrote {path}")
    if report.data.get("synthetic"):
        console.print("[yellow]the evaluation rests on SYNTHETIC data[/yellow]")


def _connection(workspace: Path | None, engine: str, sel: Any, master: str | None, parquet: str | None):
    """The workspace (``--engine duckdb``) or the selection's rows read by Spark from the Parquet export."""
    return analysis_connection(workspace, engine, sel.scope, master=master, parquet=parquet)


def _month(value: str | None, option: str) -> date | None:
    return month_option(value, option)


@evaluate_app.command("its")
def its_command(
    interruption: Interruption,
    workspace: WorkspaceOption = None,
    out: Out = Path("evaluation-its"),
    force: Force = None,
    area: Area = None,
    from_month: From = None,
    to_month: To = None,
    crime_type: CrimeType = None,
    end: Annotated[str | None, typer.Option("--end", help="Last month of the intervention, YYYY-MM.")] = None,
    seasonality: Annotated[str, typer.Option("--seasonality", help="month, fourier or none.")] = "month",
    model: Annotated[str, typer.Option("--model", help="ols, poisson or negbin.")] = "ols",
    hac_lags: Annotated[int | None, typer.Option("--hac-lags", help="Newey–West lags (default: NW 1994 rule).")] = None,
    measure: Measure = "crimes",
    rate: Rate = False,
    frequency: Frequency = "month",
    lsoa: Lsoa = None,
    cells: Cells = None,
    cell_size: CellSize = None,
    question: Question = None,
    natural_experiment: Natural = False,
    context: Context = None,
    pdf: Pdf = True,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    parquet: ParquetOption = None,
) -> None:
    """Interrupted time series: level and slope change at --interruption, with HAC errors and checks."""
    from svduty.analysis.evaluation import its, msms
    from svduty.analysis.evaluation.series import outcome_series
    from svduty.report.evaluation import EvaluationReport

    start = _month(interruption, "--interruption")
    stop = _month(end, "--end")
    with user_errors():
        sel = _selection(
            force, area, from_month, to_month, crime_type, measure, rate, frequency, lsoa, cells, cell_size
        )
        with _connection(workspace, engine, sel, spark_master, parquet) as con, console.status("fitting"):
            series = outcome_series(con, sel)
            definition = _definition(con)
        result = its.fit_its(
            series.frame,
            start,
            end=stop,
            seasonality=seasonality,
            family=model,  # type: ignore[arg-type]
            frequency=frequency,
            hac_lags=hac_lags,
            rate=rate,
            value_label=series.value_label,
        )
        placebo = result.checks.get("placebo", {})
        rating = msms.rate_its(
            n_pre=result.n_pre,
            placebo_passed=placebo.get("passed") if placebo.get("done") else None,
            natural_experiment=natural_experiment,
        )
        data = _data(series, sel)
        report = EvaluationReport(
            "its",
            result,
            rating,
            question
            or f"Did {data['label']} in {data['area']} change from {result.interruption}, beyond its "
            "trend and seasonal pattern?",
            data,
            natural_experiment,
            context or "",
        )
        report.sv_definition = definition
        _write(report, out, pdf)
    j = result.to_json()
    console.print(
        f"ITS {result.interruption}: level change {j['level_change']:+.3g} (95% CI {j['level_change_ci'][0]:.3g} to "
        f"{j['level_change_ci'][1]:.3g}, p = {j['level_change_p']:.3g}); relative change {j['relative_change']:+.1%}; "
        f"Maryland SMS level {rating.level}."
    )


def _match_units(panel_frame, values: list[str]) -> list[str]:
    """Treated units: exact codes first, else every unit whose code or name starts with the value."""
    from svduty.analysis.evaluation import EvaluationError

    units = panel_frame.drop_duplicates("unit")[["unit", "unit_name"]]
    chosen: list[str] = []
    for value in values:
        v = value.strip().lower()
        exact = units[units["unit"].str.lower() == v]
        hit = (
            exact
            if len(exact)
            else units[
                units["unit"].str.lower().str.startswith(v)
                | units["unit_name"].astype(str).str.lower().str.startswith(v)
            ]
        )
        if hit.empty:
            raise EvaluationError(f"--treated {value!r} matches no unit of the panel")
        chosen += [u for u in hit["unit"] if u not in chosen]
    return chosen


def _read_adoption(path: Path) -> dict[str, date]:
    from svduty.analysis.evaluation import EvaluationError

    out: dict[str, date] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"unit", "first_month"} <= set(reader.fieldnames):
            raise EvaluationError(f"{path}: needs columns unit and first_month (YYYY-MM)")
        for line, row in enumerate(reader, start=2):
            try:
                out[row["unit"].strip()] = month_option(row["first_month"], "first_month")  # type: ignore[assignment]
            except typer.BadParameter:
                raise EvaluationError(
                    f"{path}, row {line}, field first_month: {row['first_month']!r} is not YYYY-MM"
                ) from None
    return out


@evaluate_app.command("did")
def did_command(
    workspace: WorkspaceOption = None,
    out: Out = Path("evaluation-did"),
    force: Force = None,
    area: Area = None,
    from_month: From = None,
    to_month: To = None,
    crime_type: CrimeType = None,
    interruption: Annotated[str | None, typer.Option("--interruption", help="First treated month, YYYY-MM.")] = None,
    treated: Treated = None,
    adoption: Annotated[
        Path | None, typer.Option("--adoption", help="CSV unit,first_month for staggered adoption.")
    ] = None,
    units: Units = "lsoa",
    control: Annotated[
        str, typer.Option("--control", help="never (never treated) or notyet (not yet treated).")
    ] = "never",
    measure: Measure = "crimes",
    rate: Rate = False,
    log: Log = False,
    frequency: Frequency = "month",
    question: Question = None,
    natural_experiment: Natural = False,
    context: Context = None,
    pdf: Pdf = True,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    parquet: ParquetOption = None,
) -> None:
    """Difference-in-differences over units: TWFE, event study, Callaway–Sant'Anna when adoption is staggered."""
    from svduty.analysis.evaluation import EvaluationError, did, msms
    from svduty.analysis.evaluation.series import panel_series
    from svduty.report.evaluation import EvaluationReport

    with user_errors():
        sel = _selection(force, area, from_month, to_month, crime_type, measure, rate, frequency, None, None, None, log)
        with _connection(workspace, engine, sel, spark_master, parquet) as con, console.status("building the panel"):
            panel = panel_series(con, sel, units)
            definition = _definition(con)
        if adoption:
            adopt: dict[str, Any] = dict(_read_adoption(adoption))
        elif treated and interruption:
            first = _month(interruption, "--interruption")
            adopt = {u: first for u in _match_units(panel.frame, treated)}
        else:
            raise EvaluationError("give --treated and --interruption, or --adoption FILE")
        if control not in ("never", "notyet"):
            raise EvaluationError("--control is never or notyet")
        result = did.estimate(panel.frame, adopt, control=control)
        rating = msms.rate_did(
            pretrend_p=result.pretrend_p,
            n_treated=result.n_treated,
            n_control=result.n_control,
            natural_experiment=natural_experiment,
            staggered=result.staggered,
        )
        word = {"lsoa": "LSOA", "la": "local authority", "force": "force"}[units]
        data = _data(
            panel, sel, units=f"{result.n_treated} treated and {result.n_control} comparison {word}s", unit_word=word
        )
        report = EvaluationReport(
            "did",
            result,
            rating,
            question or f"Did {data['label']} change more in the treated {word}s than in the others?",
            data,
            natural_experiment,
            context or "",
        )
        report.sv_definition = definition
        _write(report, out, pdf)
    console.print(
        f"DiD ({result.estimator}): {result.att:+.3g} (95% CI {result.ci[0]:.3g} to {result.ci[1]:.3g}, "
        f"p = {result.p:.3g}); Maryland SMS level {rating.level}."
    )


@evaluate_app.command("synth")
def synth_command(
    interruption: Interruption,
    workspace: WorkspaceOption = None,
    out: Out = Path("evaluation-synth"),
    force: Force = None,
    area: Area = None,
    from_month: From = None,
    to_month: To = None,
    crime_type: CrimeType = None,
    treated: Treated = None,
    units: Units = "lsoa",
    predictors: Annotated[str, typer.Option("--predictors", help="outcomes (every pre-period value) or means.")] = (
        "outcomes"
    ),
    measure: Measure = "crimes",
    rate: Rate = False,
    log: Log = False,
    frequency: Frequency = "month",
    question: Question = None,
    natural_experiment: Natural = False,
    context: Context = None,
    pdf: Pdf = True,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    parquet: ParquetOption = None,
) -> None:
    """Synthetic control for the --treated units (summed) with every other unit as donor; placebo inference."""
    from svduty.analysis.evaluation import EvaluationError, msms, synth
    from svduty.analysis.evaluation.series import panel_series
    from svduty.report.evaluation import EvaluationReport

    with user_errors():
        if not treated:
            raise EvaluationError("give --treated (a unit code or a code/name prefix)")
        sel = _selection(force, area, from_month, to_month, crime_type, measure, rate, frequency, None, None, None, log)
        with _connection(workspace, engine, sel, spark_master, parquet) as con, console.status("building the panel"):
            panel = panel_series(con, sel, units)
            definition = _definition(con)
        chosen = _match_units(panel.frame, treated)
        with console.status("fitting the synthetic control and its placebos"):
            result = synth.estimate(panel.frame, chosen, _month(interruption, "--interruption"), predictors=predictors)
        pt = result.placebo_time
        rating = msms.rate_synth(
            pre_fit_good=not any("loose" in n for n in result.notes),
            placebo_time_ok=(pt["rmspe_ratio"] < result.ratio) if pt.get("done") and pt.get("rmspe_ratio") else None,
            donors=len(result.weights),
            natural_experiment=natural_experiment,
        )
        word = {"lsoa": "LSOA", "la": "local authority", "force": "force"}[units]
        names = panel.frame.drop_duplicates("unit").set_index("unit")["unit_name"]
        data = _data(
            panel, sel, units=f"{len(chosen)} treated {word}(s), {len(result.weights)} donor {word}s", unit_word=word
        )
        data["treated_name"] = " + ".join(str(names.get(u, u)) for u in chosen)
        report = EvaluationReport(
            "synth",
            result,
            rating,
            question
            or f"Did {data['label']} in {data['treated_name']} change, compared with a weighted "
            f"combination of other {word}s that tracked it before?",
            data,
            natural_experiment,
            context or "",
        )
        report.sv_definition = definition
        _write(report, out, pdf)
    console.print(
        f"Synthetic control: mean gap {result.att:+.3g} per period, placebo p = {result.p_value:.3f}; "
        f"Maryland SMS level {rating.level}."
    )


@evaluate_app.command("power")
def power_command(
    workspace: WorkspaceOption = None,
    out: Out = Path("evaluation-power"),
    force: Force = None,
    area: Area = None,
    from_month: From = None,
    to_month: To = None,
    crime_type: CrimeType = None,
    design: Annotated[str, typer.Option("--design", help="its or did.")] = "its",
    n_pre: Annotated[int | None, typer.Option("--n-pre", help="Periods before (default: the series' length).")] = None,
    n_post: Annotated[int, typer.Option("--n-post", help="Periods after the start.")] = 12,
    treated_units: Annotated[int, typer.Option("--treated-units", help="DiD: treated units planned.")] = 1,
    control_units: Annotated[
        int | None, typer.Option("--control-units", help="DiD: comparison units (default: the others in the panel).")
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Power wanted.")] = 0.8,
    seasonality: Annotated[str, typer.Option("--seasonality", help="ITS: month, fourier or none.")] = "month",
    units: Units = "lsoa",
    measure: Measure = "crimes",
    rate: Rate = False,
    frequency: Frequency = "month",
    question: Question = None,
    pdf: Pdf = True,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    parquet: ParquetOption = None,
) -> None:
    """Minimum detectable effect for a planned ITS or DiD, from the noise of the partnership's own data.

    The noise is measured on the selected series: restrict it with --from/--to to months without an intervention.
    """
    from svduty.analysis.evaluation import EvaluationError
    from svduty.analysis.evaluation import power as pw
    from svduty.analysis.evaluation.series import outcome_series, panel_series
    from svduty.report.evaluation import EvaluationReport

    with user_errors():
        if design not in ("its", "did"):
            raise EvaluationError("--design is its or did")
        sel = _selection(force, area, from_month, to_month, crime_type, measure, rate, frequency, None, None, None)
        with _connection(workspace, engine, sel, spark_master, parquet) as con:
            definition = _definition(con)
            if design == "its":
                series: Any = outcome_series(con, sel)
                pre = n_pre or len(series.frame)
                result = pw.its_power(
                    series.frame, pre, n_post, alpha=alpha, power=power, seasonality=seasonality, frequency=frequency
                )
            else:
                series = panel_series(con, sel, units)
                n_units = series.frame["unit"].nunique()
                controls = control_units or max(1, n_units - treated_units)
                pre = n_pre or series.frame["period"].nunique()
                result = pw.did_power(series.frame, treated_units, controls, pre, n_post, alpha=alpha, power=power)
        data = _data(series, sel)
        report = EvaluationReport(
            "power",
            result,
            None,
            question or f"Could an evaluation detect a change in {data['label']} in {data['area']}?",
            data,
        )
        report.sv_definition = definition
        _write(report, out, pdf)
    h = result.headline
    console.print(
        f"Power ({result.design}): minimum detectable effect {h['mde']:,.2f}"
        + (f" ({h['mde_pct_of_mean']:.0%} of the mean)" if h.get("mde_pct_of_mean") else "")
        + "."
    )
