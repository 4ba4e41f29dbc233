"""Wording, figures and checks of the interrupted-time-series evaluation report."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from svduty.report import evaluation_charts as ec
from svduty.report.evaluation import (
    EvaluationReport,
    _check,
    _figure,
    _num,
    _period_word,
    _was,
    chance_words,
    fmt_p,
    fmt_pct_signed,
    fmt_signed,
)
from svduty.report.sna import Column, make_table


# -- ITS -----------------------------------------------------------------------------------------------------------
def _its_checks(r: Any):
    c = r.checks
    placebo = c.get("placebo", {})
    checks = [
        _check(
            "Residual autocorrelation (Ljung–Box)",
            f"lag {c['ljung_box_lag']}: {fmt_p(c['ljung_box_p'])}; Durbin–Watson {c['durbin_watson']:.2f}; "
            f"lag-1 autocorrelation {c['residual_lag1_autocorrelation']:.2f}. Standard errors are Newey–West "
            f"HAC with {r.hac_lags} lag{'s' if r.hac_lags != 1 else ''}" + _small_sample_words(c) + ".",
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
    return checks


def _its_figures(r: Any, d: dict[str, Any], word: str, summary: str, eff: dict[str, Any], table: pd.DataFrame):
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
    return figures


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
    checks = _its_checks(r)
    table = r.table
    figures = _its_figures(r, d, word, summary, eff, table)
    coef_cols = [
        Column("term", "Term"),
        Column("estimate", "Estimate", _num(4), True),
        Column("se", "SE (corrected HAC)", _num(4), True),
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
            r.coefficients,
            coef_cols,
            "Model coefficients (Newey–West standard errors, small-sample corrected for OLS)",
            "tables/coefficients.csv",
            limit=40,
        ),
        "limitations": its_limitations(report),
        "method": ITS_METHOD,
    }
    return context, {"series": table, "coefficients": r.coefficients}


SEASONALITY_WORDS = {"month": "month-of-year indicators", "fourier": "Fourier seasonality", "none": "no seasonality"}


def _small_sample_words(checks: dict[str, Any]) -> str:
    ss = checks.get("hac_small_sample")
    if not ss:
        return ""
    return (
        f", corrected for the short series (working AR(1) ρ = {ss['working_rho']:.2f}: level-change variance × "
        f"{ss['level_change_variance_factor']:.2f}, t with {ss['level_change_df']:.1f} df)"
    )


ITS_METHOD = (
    "Segmented regression (Wagner et al. 2002; Bernal, Cummins & Gasparrini 2017): the outcome is modelled with a "
    "linear trend, seasonality and, from the interruption, a change of level and a change of slope. The "
    "counterfactual is the same model with the intervention terms removed. Standard errors are Newey–West "
    "heteroskedasticity-and-autocorrelation consistent (Bartlett kernel, lag from the Newey–West 1994 rule "
    "unless given), with a small-sample correction for OLS (the variance rescaled to be unbiased and a t reference "
    "with Satterthwaite degrees of freedom, under a working AR(1) model; Bell & McCaffrey 2002, Imbens & Kolesár "
    "2016), without which Newey–West on a few years of months finds effects that are not there; Poisson and "
    "negative-binomial models use a log link with log(residents/1,000) as offset for rates. Fitted with statsmodels."
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
