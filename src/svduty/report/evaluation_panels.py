"""Wording, figures and checks of the panel evaluation reports (DiD, synthetic control) and of power."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from svduty.report import charts
from svduty.report import evaluation_charts as ec
from svduty.report.evaluation import (
    EvaluationReport,
    _check,
    _figure,
    _num,
    _period_word,
    chance_words,
    fmt_p,
    fmt_pct_signed,
)
from svduty.report.sna import Column


def _proportion(d: dict[str, Any], est: float, ci: tuple[float, float] | None) -> str:
    """On a log(1 + y) outcome an effect b is a proportional change of about exp(b) − 1."""
    if not d.get("log"):
        return ""
    words = f" — about {math.expm1(est):+.0%} in proportion"
    if ci is not None:
        words += f" (95% CI {math.expm1(ci[0]):+.0%} to {math.expm1(ci[1]):+.0%})"
    return words


# -- DiD -----------------------------------------------------------------------------------------------------------
def _did_checks(r: Any):
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
    return checks


def _did_figures(
    r: Any, d: dict[str, Any], word: str, means: pd.DataFrame, event: pd.DataFrame, interruption: pd.Timestamp
):
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
    return figures


def did_context(report: EvaluationReport) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    r, d = report.result, report.data
    word = _period_word(d)
    summary = (
        f"Compared with {r.n_control} comparison {d.get('unit_word', 'unit')}s, the {r.n_treated} treated "
        f"{d.get('unit_word', 'unit')}{'s' if r.n_treated != 1 else ''} changed by {r.att:+,.2f} "
        f"{d['value_label']} per {d.get('unit_word', 'unit')} and {word} after adoption (95% CI {r.ci[0]:,.2f} to "
        f"{r.ci[1]:,.2f}; {fmt_p(r.p)}){_proportion(d, r.att, r.ci)}; {chance_words(*r.ci)}."
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
    figures = _did_figures(r, d, word, means, event, interruption)
    checks = _did_checks(r)
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
def _synth_figures(r: Any, d: dict[str, Any], name: str, word: str, interruption: pd.Timestamp):
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
    return figures


def _synth_checks(r: Any):
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
    return checks


def synth_context(report: EvaluationReport) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    r, d = report.result, report.data
    word = _period_word(d)
    name = d.get("treated_name") or ", ".join(r.treated)
    ranks = 1 + int(np.sum(r.placebos["ratio"].to_numpy() >= r.ratio - 1e-12))
    relative = _proportion(d, r.att, None) if d.get("log") else f" ({fmt_pct_signed(r.relative)})"
    summary = (
        f"After {r.periods[r.t0]:%B %Y}, {name} was {abs(r.att):,.2f} {d['value_label']} per {word} "
        f"{'below' if r.att < 0 else 'above'} its synthetic control{relative}, over {len(r.periods) - r.t0} "
        f"{word}s. Among {len(r.placebos) + 1} units it ranks {ranks} by post/pre RMSPE ratio: placebo p = "
        f"{r.p_value:.3f} (smallest possible {1 / (len(r.placebos) + 1):.3f})."
    )
    kpis = [
        {"value": f"{r.att:+,.1f}", "label": f"mean gap per {word} after the intervention"},
        {
            "value": f"{math.expm1(r.att):+.0%}" if d.get("log") else fmt_pct_signed(r.relative),
            "label": "in proportion (exp(gap) − 1)" if d.get("log") else "relative to the synthetic control",
        },
        {"value": f"{r.p_value:.3f}", "label": "placebo-in-space p-value"},
        {"value": f"{r.pre_rmspe:,.2f}", "label": "pre-period RMSPE"},
        {"value": f"{r.ratio:.2f}", "label": "post/pre RMSPE ratio"},
        {"value": str(int((r.weights["weight"] > 1e-6).sum())), "label": f"donors with weight (of {len(r.weights)})"},
    ]
    interruption = r.periods[r.t0]
    figures = _synth_figures(r, d, name, word, interruption)
    checks = _synth_checks(r)
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
