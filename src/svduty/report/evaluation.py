"""Render an evaluation (ITS, DiD, synthetic control or power) as ``index.html``, ``evaluation.pdf``, ``result.json``
and ``tables/*.csv``.

The report answers, in order, what a board asks: the question, the design, the data, how strong the evidence is
(Maryland Scientific Methods Scale, with the reason), the estimate with its interval, the checks, the limitations,
and a plain-language summary. Numbers come from ``svduty.analysis.evaluation``; this module words and draws them,
with the SNA report's formatting, table, figure and PDF helpers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from svduty.analysis.evaluation.msms import Rating
from svduty.report import charts
from svduty.report import evaluation_charts as ec
from svduty.report.sna import OGL, TEMPLATES, Column, Figure, _version, fmt_num, make_table, write_pdf


@dataclass
class EvaluationReport:
    """What the report needs: the design's result, its rating and a description of the data."""

    kind: str  # its | did | synth | power
    result: Any
    rating: Rating | None
    question: str
    data: dict[str, Any]  # label, value_label, area, period, frequency, sources, synthetic, units …
    natural_experiment: bool = False
    context: str = ""  # what happened at the interruption, in the user's words
    extra_limitations: list[str] = field(default_factory=list)


@dataclass
class Rendered:
    html: Path
    pdf: Path | None
    result: Path
    tables: list[Path]


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf → null, numpy scalars → Python, dates → ISO text."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def result_json(report: EvaluationReport) -> dict[str, Any]:
    out = {
        **report.result.to_json(),
        "question": report.question,
        "natural_experiment": report.natural_experiment,
        "synthetic": bool(report.data.get("synthetic")),
        "data": report.data,
        "maryland_sms": report.rating.to_json() if report.rating else None,
        "svduty_version": _version(),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return _clean(out)


def render(report: EvaluationReport, out_dir: Path, *, pdf: bool = True) -> Rendered:
    out_dir.mkdir(parents=True, exist_ok=True)
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(exist_ok=True)
    for stale in tables_dir.glob("*.csv"):
        stale.unlink()
    context, tables = CONTEXTS[report.kind](report)
    written = []
    for name, frame in tables.items():
        path = tables_dir / f"{name}.csv"
        (frame.assign(synthetic=True) if report.data.get("synthetic") else frame).to_csv(path, index=False)
        written.append(path)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape())
    template = env.get_template("evaluation.html.j2")
    base = {
        "css": (TEMPLATES / "sna.css").read_text(encoding="utf-8")
        + (TEMPLATES / "evaluation.css").read_text(encoding="utf-8"),
        "generated": datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        "version": _version(),
        "report": report,
        "data": report.data,
        "rating": report.rating,
        "attribution": OGL,
    }
    html_path = out_dir / "index.html"
    html_path.write_text(template.render(**base, **context, for_print=False), encoding="utf-8")
    result_path = out_dir / "result.json"
    result_path.write_text(json.dumps(result_json(report), indent=2), encoding="utf-8")
    pdf_path = None
    if pdf:
        pdf_path = out_dir / "evaluation.pdf"
        write_pdf(template.render(**base, **context, for_print=True), pdf_path, out_dir)
    return Rendered(html_path, pdf_path, result_path, written)


# -- wording -------------------------------------------------------------------------------------------------------
def fmt_p(p: Any) -> str:
    if p is None or (isinstance(p, float) and not math.isfinite(p)):
        return "n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_signed(value: float, digits: int = 1) -> str:
    return f"{value:+,.{digits}f}"


def fmt_pct_signed(value: Any) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value * 100:+.1f}%"


def chance_words(low: float, high: float, null: float = 0.0) -> str:
    if low > null or high < null:
        return "the interval excludes no change, so chance alone is an unlikely explanation"
    return "the interval includes no change, so the data cannot rule out chance"


def _was(data: dict[str, Any]) -> str:
    return "was" if data.get("label", "").startswith(("all recorded crime", "serious violence")) else "were"


def _period_word(data: dict[str, Any]) -> str:
    return "quarter" if data.get("frequency") == "quarter" else "month"


def _check(name: str, result: str, ok: bool | None) -> dict[str, Any]:
    return {"name": name, "result": result, "ok": ok}


def _figure(
    fig_id: str,
    title: str,
    chart: Any,
    summary: str,
    frame: pd.DataFrame,
    columns: list[Column],
    csv: str,
    data: dict[str, Any],
    open_table: bool = False,
) -> Figure:
    return Figure(
        id=fig_id,
        title=title,
        summary=summary,
        table=make_table(frame, columns, title, csv, limit=40),
        source=data.get("source", "svduty workspace"),
        period=data.get("period", ""),
        svg=charts.to_svg_async(chart, title),
        synthetic=bool(data.get("synthetic")),
        open=open_table,
    )


def _num(digits: int = 1):
    return lambda v: fmt_num(v, digits)


# -- ITS -----------------------------------------------------------------------------------------------------------
def its_context(report: EvaluationReport) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    r, d = report.result, report.data
    j = r.to_json()
    word = _period_word(d)
    level, eff = r.coef("post"), r.effect
    log = r.scale == "log"
    step = (
        f"{(math.exp(level['estimate']) - 1) * 100:+.1f}% (rate ratio {math.exp(level['estimate']):.2f}, 95% CI "
        f"{math.exp(level['ci_low']):.2f} to {math.exp(level['ci_high']):.2f}; {fmt_p(level['p'])})"
        if log
        else f"{fmt_signed(level['estimate'])} per {word} (95% CI {level['ci_low']:,.1f} to {level['ci_high']:,.1f}; "
        f"{fmt_p(level['p'])})"
    )
    rel, rel_ci = eff["relative"], eff["relative_ci"]
    direction = "lower" if rel < 0 else "higher"
    summary = (
        f"From {r.interruption}{' to ' + r.end if r.end else ''}, {d['label']} in {d['area']} {_was(d)} "
        f"{abs(rel) * 100:.0f}% {direction} than the pre-existing trend and seasonality predict (95% interval "
        f"{rel_ci[0] * 100:+.0f}% to {rel_ci[1] * 100:+.0f}%): about {abs(eff['cumulative']):,.0f} "
        f"{'fewer' if eff['cumulative'] < 0 else 'more'} over {eff['periods']} {word}s "
        f"({eff['observed_total']:,.0f} observed against {eff['counterfactual_total']:,.0f} expected). "
        f"The immediate step was {step}; {chance_words(level['ci_low'], level['ci_high'])}."
    )
    slope = r.coef("time_since")
    kpis = [
        {"value": fmt_pct_signed(rel), "label": f"change against the counterfactual, {eff['window']}"},
        {"value": f"{rel_ci[0] * 100:+.0f}% to {rel_ci[1] * 100:+.0f}%", "label": "95% interval"},
        {"value": f"{eff['cumulative']:+,.0f}", "label": f"cumulative effect ({d['value_label']})"},
        {
            "value": f"level {level['estimate']:+.3g}" if log else f"{level['estimate']:+,.1f}",
            "label": "level change" + (" (log rate ratio)" if log else f" per {word}") + f", {fmt_p(level['p'])}",
        },
        {"value": f"{slope['estimate']:+.3g}", "label": f"slope change per {word}, {fmt_p(slope['p'])}"},
        {"value": f"{r.n_pre} + {r.n_post}", "label": f"{word}s before + after"},
    ]
    c = r.checks
    placebo = c.get("placebo", {})
    checks = [
        _check(
            "Residual autocorrelation (Ljung–Box)",
            f"lag {c['ljung_box_lag']}: {fmt_p(c['ljung_box_p'])}; Durbin–Watson {c['durbin_watson']:.2f}; "
            f"lag-1 autocorrelation {c['residual_lag1_autocorrelation']:.2f}. Standard errors are Newey–West "
            f"HAC with {r.hac_lags} lag{'s' if r.hac_lags != 1 else ''}.",
            c["ljung_box_p"] >= 0.05,
        ),
        _check(
            "Placebo interruption in the pre-period",
            f"fake interruption at {placebo['interruption']} ({placebo['seasonality']} seasonality): level change "
            f"{placebo['level_change']:+.3g} (95% CI {placebo['level_change_ci'][0]:.3g} to "
            f"{placebo['level_change_ci'][1]:.3g}; {fmt_p(placebo['level_change_p'])})"
            if placebo.get("done")
            else placebo.get("reason", "not run"),
            placebo.get("passed") if placebo.get("done") else None,
        ),
    ]
    if "pearson_dispersion" in c:
        checks.append(
            _check(
                "Over-dispersion (Pearson χ²/df)",
                f"{c['pearson_dispersion']:.2f}",
                c["pearson_dispersion"] < 1.5 or r.family.startswith("negative"),
            )
        )
    table = r.table
    interruption = pd.Timestamp(r.interruption + "-01")
    end = pd.Timestamp(r.end + "-01") if r.end else None
    cols = [
        Column("label", word.capitalize()),
        Column("observed", "Observed", _num(), True),
        Column("fitted", "Model", _num(), True),
        Column("counterfactual", "Counterfactual", _num(), True),
        Column("counterfactual_low", "CF low", _num(), True),
        Column("counterfactual_high", "CF high", _num(), True),
        Column("effect", "Effect", _num(), True),
    ]
    figures = [
        _figure(
            "its",
            f"{d['value_label'].capitalize()}: observed (dots), model (blue) and counterfactual without the "
            "intervention (dashed, with its 95% interval)",
            ec.its_chart(table, interruption, d.get("axis", ""), end),
            summary,
            table,
            cols,
            "tables/series.csv",
            d,
        ),
        _figure(
            "effect",
            f"Estimated effect per {word} with its 95% interval",
            ec.effect_chart(table, interruption),
            f"The effect is the model with the intervention minus the "
            f"model without it; summed over {eff['window']} it is {eff['cumulative']:+,.0f} (95% CI "
            f"{eff['cumulative_ci'][0]:,.0f} to {eff['cumulative_ci'][1]:,.0f}).",
            table[table["phase"] != "before"],
            cols[:1] + cols[-1:],
            "tables/series.csv",
            d,
        ),
    ]
    coef_cols = [
        Column("term", "Term"),
        Column("estimate", "Estimate", _num(4), True),
        Column("se", "HAC SE", _num(4), True),
        Column("ci_low", "95% low", _num(4), True),
        Column("ci_high", "95% high", _num(4), True),
        Column("p", "p", lambda v: fmt_p(v).removeprefix("p = ").removeprefix("p "), True),
    ]
    design = (
        f"Interrupted time series (segmented regression) of {d['value_label']}, {r.family}, "
        f"{SEASONALITY_WORDS[r.seasonality]}"
        f", {r.n_pre} {word}s before and {r.n_post} from the interruption ({r.interruption})"
        + (f", intervention ending {r.end}" if r.end else "")
        + "."
    )
    context = {
        "title": f"Evaluation: {d['label']} in {d['area']} from {pd.Timestamp(r.interruption + '-01'):%B %Y}",
        "design_name": "Interrupted time series",
        "design": design,
        "model_text": j["model"],
        "kpis": kpis,
        "summary": summary,
        "estimate_lines": [
            f"Level change at {r.interruption}: {step}.",
            f"Slope change: {slope['estimate']:+.3g} per {word} (95% CI {slope['ci_low']:.3g} to "
            f"{slope['ci_high']:.3g}; {fmt_p(slope['p'])}).",
            f"Cumulative effect {eff['window']}: {eff['cumulative']:+,.0f} (95% CI {eff['cumulative_ci'][0]:,.0f} to "
            f"{eff['cumulative_ci'][1]:,.0f}); relative change {fmt_pct_signed(rel)} (95% CI "
            f"{fmt_pct_signed(rel_ci[0])} to {fmt_pct_signed(rel_ci[1])}).",
        ]
        + (
            [
                f"After the intervention ended ({r.end}): level {j['after_end']:+.3g} "
                f"(95% CI {j['after_end_ci'][0]:.3g} to {j['after_end_ci'][1]:.3g}; {fmt_p(j['after_end_p'])}), "
                f"slope {j['time_since_end']:+.3g} "
                f"({fmt_p(j['time_since_end_p'])}) — relative to the level and slope during the intervention."
            ]
            if r.end
            else []
        ),
        "figures": figures,
        "checks": checks,
        "coefficients": make_table(
            r.coefficients, coef_cols, "Model coefficients (HAC standard errors)", "tables/coefficients.csv", limit=40
        ),
        "limitations": its_limitations(report),
        "method": ITS_METHOD,
    }
    return context, {"series": table, "coefficients": r.coefficients}


SEASONALITY_WORDS = {"month": "month-of-year indicators", "fourier": "Fourier seasonality", "none": "no seasonality"}
ITS_METHOD = (
    "Segmented regression (Wagner et al. 2002; Bernal, Cummins & Gasparrini 2017): the outcome is modelled with a "
    "linear trend, seasonality and, from the interruption, a change of level and a change of slope. The "
    "counterfactual is the same model with the intervention terms removed. Standard errors are Newey–West "
    "heteroskedasticity-and-autocorrelation consistent (Bartlett kernel, lag from the Newey–West 1994 rule "
    "unless given); Poisson and negative-binomial models use a log link with log(residents/1,000) as offset for "
    "rates. Fitted with statsmodels."
)


def its_limitations(report: EvaluationReport) -> list[str]:
    r, d = report.result, report.data
    out = [
        "No comparison group: anything else that changed at the interruption — locally or nationally — is part "
        "of the estimate (history threat).",
        "The counterfactual extends the pre-period trend; the further from the interruption, the more it rests on "
        "that trend continuing.",
    ]
    if "police.uk" in (d.get("sources") or []):
        out.append(
            "police.uk counts recorded crime by month of record and a broad category; changes in reporting or "
            "recording move the series as much as changes in offending."
        )
    return out + list(r.notes) + report.extra_limitations


# -- DiD -----------------------------------------------------------------------------------------------------------
def did_context(report: EvaluationReport) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    r, d = report.result, report.data
    word = _period_word(d)
    summary = (
        f"Compared with {r.n_control} comparison {d.get('unit_word', 'unit')}s, the {r.n_treated} treated "
        f"{d.get('unit_word', 'unit')}{'s' if r.n_treated != 1 else ''} changed by {r.att:+,.2f} "
        f"{d['value_label']} per {d.get('unit_word', 'unit')} and {word} after adoption (95% CI {r.ci[0]:,.2f} to "
        f"{r.ci[1]:,.2f}; {fmt_p(r.p)}); {chance_words(*r.ci)}."
        + (f" The pre-trend test gives {fmt_p(r.pretrend_p)}." if r.pretrend_p is not None else "")
    )
    kpis = [
        {"value": f"{r.att:+,.2f}", "label": f"average effect per {d.get('unit_word', 'unit')} and {word}"},
        {"value": f"{r.ci[0]:,.2f} to {r.ci[1]:,.2f}", "label": "95% interval"},
        {"value": fmt_p(r.p), "label": r.estimator},
        {"value": f"{r.n_treated} / {r.n_control}", "label": "treated / comparison units"},
        {"value": fmt_p(r.pretrend_p), "label": "pre-trend test"},
        {"value": f"{r.twfe['att']:+,.2f}", "label": "two-way fixed effects estimate"},
    ]
    means = r.means
    interruption = pd.Timestamp(means.loc[means["post"], "period"].iloc[0])
    event = r.event
    ev_cols = [
        Column("event_time", f"{word.capitalize()}s since adoption"),
        Column("estimate", "Estimate", _num(3), True),
        Column("ci_low", "95% low", _num(3), True),
        Column("ci_high", "95% high", _num(3), True),
    ]
    m_cols = [
        Column("period", word.capitalize(), lambda v: f"{pd.Timestamp(v):%Y-%m}"),
        Column("treated", "Treated mean", _num(2), True),
        Column("comparison", "Comparison mean", _num(2), True),
    ]
    figures = [
        _figure(
            "means",
            f"{d['value_label']}: mean of treated and comparison units",
            ec.two_lines(means, "treated", "comparison", ("Treated", "Comparison"), d.get("axis", ""), interruption),
            "Parallel lines before adoption are what the design assumes; the gap after it is the effect.",
            means,
            m_cols,
            "tables/means.csv",
            d,
        ),
        _figure(
            "event",
            "Event study: effect by time since adoption (reference: the period before)",
            ec.event_chart(event, word),
            "Leads (before 0) near zero support parallel trends; lags show how the effect builds or fades.",
            event,
            ev_cols,
            "tables/event_study.csv",
            d,
            open_table=False,
        ),
    ]
    checks = [
        _check(
            "Pre-trend test (leads jointly zero)",
            f"{fmt_p(r.pretrend_p)} ({r.pretrend_test}; statistic {r.pretrend_f:.2f}, df {r.pretrend_df})"
            if r.pretrend_p is not None
            else "no pre-periods to test",
            None if r.pretrend_p is None else r.pretrend_p >= 0.05,
        ),
        _check(
            "Staggered adoption",
            "yes: Callaway–Sant'Anna is the headline"
            if r.staggered
            else "no: one adoption date, two-way fixed effects is valid",
            True,
        ),
        _check("Clusters", f"{r.clusters} units", r.clusters >= 30),
    ]
    limitations = [
        "Parallel trends: the comparison units must have moved as the treated ones would have without the "
        "intervention; the pre-trend test can find a violation but cannot prove its absence.",
        "Spill-over: if the intervention displaced or diffused crime to comparison units, the estimate is biased.",
        *r.notes,
        *report.extra_limitations,
    ]
    context = {
        "title": f"Evaluation: {d['label']}, treated {d.get('unit_word', 'unit')}s against comparison "
        f"{d.get('unit_word', 'unit')}s",
        "design_name": "Difference-in-differences",
        "design": f"Difference-in-differences over {r.clusters} {d.get('unit_word', 'unit')}s × {r.n_periods} "
        f"{word}s: {r.estimator}.",
        "model_text": "value_it = unit_i + period_t + ATT·treated_it + e_it (standard errors clustered by unit)",
        "kpis": kpis,
        "summary": summary,
        "estimate_lines": [
            f"{r.estimator}: {r.att:+,.3f} (95% CI {r.ci[0]:,.3f} to {r.ci[1]:,.3f}; {fmt_p(r.p)}).",
            f"Two-way fixed effects: {r.twfe['att']:+,.3f} (SE {r.twfe['se']:.3f}); "
            f"Callaway–Sant'Anna: {r.twfe['callaway_santanna_att']:+,.3f} "
            f"(SE {r.twfe['callaway_santanna_se']:.3f}).",
        ],
        "figures": figures,
        "checks": checks,
        "coefficients": None,
        "limitations": limitations,
        "method": DID_METHOD,
    }
    tables = {"means": means, "event_study": event}
    if r.group_time is not None:
        tables["group_time"] = r.group_time
    return context, tables


DID_METHOD = (
    "Two-way fixed effects regression (unit and period effects absorbed by demeaning) with CR1 standard errors "
    "clustered by unit and t(G−1) reference; event study with leads and lags and a cluster-robust Wald pre-trend "
    "test; Callaway & Sant'Anna (2021) group-time effects with never-treated comparison units and "
    "influence-function standard errors, reported as the headline when adoption is staggered."
)


# -- synthetic control ---------------------------------------------------------------------------------------------
def synth_context(report: EvaluationReport) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    r, d = report.result, report.data
    word = _period_word(d)
    name = d.get("treated_name") or ", ".join(r.treated)
    ranks = 1 + int(np.sum(r.placebos["ratio"].to_numpy() >= r.ratio - 1e-12))
    summary = (
        f"After {r.periods[r.t0]:%B %Y}, {name} was {abs(r.att):,.1f} {d['value_label']} per {word} "
        f"{'below' if r.att < 0 else 'above'} its synthetic control ({fmt_pct_signed(r.relative)} over "
        f"{len(r.periods) - r.t0} {word}s). Among {len(r.placebos) + 1} units it ranks {ranks} by post/pre RMSPE "
        f"ratio: placebo p = {r.p_value:.3f} (smallest possible {1 / (len(r.placebos) + 1):.3f})."
    )
    kpis = [
        {"value": f"{r.att:+,.1f}", "label": f"mean gap per {word} after the intervention"},
        {"value": fmt_pct_signed(r.relative), "label": "relative to the synthetic control"},
        {"value": f"{r.p_value:.3f}", "label": "placebo-in-space p-value"},
        {"value": f"{r.pre_rmspe:,.2f}", "label": "pre-period RMSPE"},
        {"value": f"{r.ratio:.2f}", "label": "post/pre RMSPE ratio"},
        {"value": str(int((r.weights["weight"] > 1e-6).sum())), "label": f"donors with weight (of {len(r.weights)})"},
    ]
    interruption = r.periods[r.t0]
    w = r.weights[r.weights["weight"] > 1e-6].head(20).assign(label=lambda f: f["unit_name"])
    t_cols = [
        Column("period", word.capitalize(), lambda v: f"{pd.Timestamp(v):%Y-%m}"),
        Column("treated", "Treated", _num(2), True),
        Column("synthetic", "Synthetic", _num(2), True),
        Column("gap", "Gap", _num(2), True),
    ]
    figures = [
        _figure(
            "paths",
            f"{name} and its synthetic control",
            ec.two_lines(
                r.table, "treated", "synthetic", ("Treated", "Synthetic control"), d.get("axis", ""), interruption
            ),
            f"Pre-period RMSPE {r.pre_rmspe:,.2f}: how closely the weighted donors track the treated unit before "
            "the intervention.",
            r.table,
            t_cols,
            "tables/synthetic.csv",
            d,
        ),
        _figure(
            "gaps",
            "Gap between actual and synthetic, treated unit (black) and every placebo (grey)",
            ec.gap_chart(r.table, r.placebo_gaps, interruption),
            "If the treated unit's gap after the "
            "intervention stands out from the placebos', the effect is unlikely to be chance.",
            r.table,
            t_cols,
            "tables/synthetic.csv",
            d,
        ),
        _figure(
            "weights",
            "Donor weights",
            charts.bars(w, "label", "weight", value_title="Weight", fmt=".2f"),
            "Non-negative weights summing to one, fitted on the pre-period.",
            w,
            [Column("unit_name", "Donor"), Column("weight", "Weight", _num(3), True)],
            "tables/weights.csv",
            d,
            open_table=True,
        ),
        _figure(
            "ratios",
            "Post/pre RMSPE ratio: treated unit and placebos",
            ec.ratio_chart(r.placebos, r.ratio, name),
            f"p = {r.p_value:.3f}: the treated unit's rank among all units.",
            r.placebos,
            [Column("unit", "Unit"), Column("ratio", "Ratio", _num(2), True)],
            "tables/placebos.csv",
            d,
        ),
    ]
    pt = r.placebo_time
    checks = [
        _check("Pre-period fit", f"RMSPE {r.pre_rmspe:,.2f}", not any("loose" in n for n in r.notes)),
        _check(
            "Placebo in space",
            f"p = {r.p_value:.3f} over {len(r.placebos)} placebos; without placebos fitting 5× "
            f"worse: p = {r.p_value_filtered:.3f} ({r.filtered_n} kept)"
            if r.p_value_filtered is not None
            else f"p = {r.p_value:.3f}",
            None,
        ),
        _check(
            "Placebo in time",
            f"fake date {pt['fake_interruption']}: post/pre RMSPE ratio "
            f"{pt['rmspe_ratio']:.2f} (treated at the real date: {r.ratio:.2f}), mean gap {pt['mean_gap']:+,.2f}"
            if pt.get("done")
            else pt.get("reason", "not run"),
            (pt["rmspe_ratio"] < r.ratio) if pt.get("done") and pt.get("rmspe_ratio") is not None else None,
        ),
    ]
    context = {
        "title": f"Evaluation: {d['label']} in {name} against a synthetic control",
        "design_name": "Synthetic control",
        "design": f"Synthetic control (Abadie et al. 2010): {name} against a weighted combination of "
        f"{len(r.weights)} donor {d.get('unit_word', 'unit')}s, predictors: {r.predictors}, "
        f"{r.t0} {word}s before {interruption:%Y-%m} and {len(r.periods) - r.t0} from it.",
        "model_text": "W* = argmin (X1 − X0·W)' V (X1 − X0·W), W ≥ 0, ΣW = 1",
        "kpis": kpis,
        "summary": summary,
        "estimate_lines": [
            f"Mean gap after the intervention: {r.att:+,.2f} per {word}; cumulative {r.cumulative:+,.1f};"
            f" relative {fmt_pct_signed(r.relative)}.",
            f"Placebo-in-space p-value {r.p_value:.3f} (rank {ranks} of {len(r.placebos) + 1}).",
        ],
        "figures": figures,
        "checks": checks,
        "coefficients": None,
        "limitations": [
            "The donors must not have been affected by the intervention (or by its displacement of crime).",
            "A synthetic control has no sampling-based interval: the placebo rank is the inference.",
            *r.notes,
            *report.extra_limitations,
        ],
        "method": SYNTH_METHOD,
    }
    return context, {"synthetic": r.table, "weights": r.weights, "placebos": r.placebos}


SYNTH_METHOD = (
    "Abadie, Diamond & Hainmueller (2010): weights over donor units, non-negative and summing to one, chosen to "
    "match the treated unit's predictors over the pre-period (scaled by their standard deviation across units). "
    "Inference by placebo in space — each donor in turn treated as if it had been, the p-value the treated unit's "
    "rank of post/pre RMSPE ratio — and by placebo in time, a fake date inside the pre-period."
)


# -- power ---------------------------------------------------------------------------------------------------------
def power_context(report: EvaluationReport) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    r, d = report.result, report.data
    h, n = r.headline, r.noise
    word = _period_word(d)
    pct = h.get("mde_pct_of_mean")
    its = r.design.startswith("interrupted")
    setting = (
        f"{h['n_pre']} {word}s before and {h['n_post']} after"
        if its
        else f"{h['n_treated']} treated and {h['n_control']} comparison units, {h['m_pre']} {word}s before and "
        f"{h['r_post']} after"
    )
    summary = (
        f"With {setting}, the smallest {h['effect']} that an evaluation of {d['label']} in {d['area']} would detect "
        f"with {r.power:.0%} power at the {r.alpha:.0%} level is {h['mde']:,.1f} {d['value_label']}"
        + (f" ({pct:.0%} of the average {word})" if pct else "")
        + ". A programme expected to change the outcome by less than that would probably show 'no significant effect' "
        "even if it works."
    )
    kpis = [
        {"value": f"{h['mde']:,.1f}", "label": "minimum detectable effect"},
        {"value": f"{pct:.0%}" if pct else "–", "label": f"of the average {word}"},
        {"value": f"{n['sigma']:,.2f}", "label": "noise (residual SD)"},
        {"value": f"{n['rho']:.2f}", "label": "lag-1 autocorrelation" if its else "intra-unit correlation"},
    ]
    x, x_title = ("n_post", f"{word.capitalize()}s after the start") if its else ("n_treated", "Treated units")
    cols = [
        Column(x, x_title),
        Column("mde", "MDE", _num(2), True),
        Column("mde_pct_of_mean", "% of mean", lambda v: "–" if v is None or v != v else f"{v:.0%}", True),
    ]
    figures = [
        _figure(
            "curve",
            "Minimum detectable effect as the evaluation grows",
            ec.power_curve(r.curve, x, x_title),
            "Longer follow-up (or more treated units) lowers the effect that can be seen.",
            r.curve,
            cols,
            "tables/power_curve.csv",
            d,
            open_table=True,
        )
    ]
    context = {
        "title": f"Power: could an evaluation of {d['label']} in {d['area']} see an effect?",
        "design_name": f"Power analysis ({r.design})",
        "design": f"Minimum detectable effect for {r.design}: {setting}; α = {r.alpha}, power = {r.power}.",
        "model_text": "MDE = (t(1−α/2) + t(power)) × SE"
        + (" of the ITS level change under AR(1) errors" if its else " of DiD (McKenzie 2012)"),
        "kpis": kpis,
        "summary": summary,
        "estimate_lines": [summary],
        "figures": figures,
        "checks": [],
        "coefficients": None,
        "limitations": [
            "The noise is estimated from the partnership's own past series; a different period may be noisier.",
            "The MDE is for one outcome at one significance level; testing several outcomes needs larger effects.",
            *report.extra_limitations,
        ],
        "method": "Bloom (1995) minimum detectable effect with the design's own standard error: for ITS the exact "
        "sampling variance of the OLS level change under AR(1) errors; for DiD McKenzie (2012, eq. 3).",
    }
    return context, {"power_curve": r.curve}


CONTEXTS = {"its": its_context, "did": did_context, "synth": synth_context, "power": power_context}
