"""Charts of the evaluation report (Vega-Lite via altair, rendered offline by ``svduty.report.charts``)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from svduty.report.charts import OKABE_ITO, WIDTH

DATE_AXIS = alt.Axis(format="%b %Y", labelAngle=-40)


def _rule(when: pd.Timestamp, color: str = "#6f777b") -> alt.Chart:
    return alt.Chart(pd.DataFrame({"date": [when]})).mark_rule(color=color, strokeDash=[4, 3]).encode(x="date:T")


def its_chart(table: pd.DataFrame, interruption: pd.Timestamp, value_title: str, end: pd.Timestamp | None) -> alt.Chart:
    """Observed (points), fitted model (line) and counterfactual with its interval (dashed line, band)."""
    t = table.assign(date=pd.to_datetime(table["period"]))
    post = t[t["date"] >= interruption]
    band = (
        alt.Chart(post)
        .mark_area(opacity=0.25, color=OKABE_ITO[1])
        .encode(x=alt.X("date:T", title="", axis=DATE_AXIS), y="counterfactual_low:Q", y2="counterfactual_high:Q")
    )
    cf = (
        alt.Chart(post)
        .mark_line(color=OKABE_ITO[5], strokeDash=[6, 4], strokeWidth=2)
        .encode(x="date:T", y="counterfactual:Q")
    )
    fit = alt.Chart(t).mark_line(color=OKABE_ITO[0], strokeWidth=2).encode(x="date:T", y="fitted:Q")
    obs = (
        alt.Chart(t)
        .mark_circle(color="#0b0c0c", size=28)
        .encode(x="date:T", y=alt.Y("observed:Q", title=value_title), tooltip=["label:N", "observed:Q"])
    )
    layers = [band, cf, fit, obs, _rule(interruption)]
    if end is not None:
        layers.append(_rule(end, OKABE_ITO[2]))
    return alt.layer(*layers).properties(width=WIDTH, height=280)


def effect_chart(table: pd.DataFrame, interruption: pd.Timestamp) -> alt.Chart:
    t = table.assign(date=pd.to_datetime(table["period"]))
    t = t[t["date"] >= interruption]
    base = alt.Chart(t).encode(x=alt.X("date:T", title="", axis=DATE_AXIS))
    band = base.mark_area(opacity=0.25, color=OKABE_ITO[0]).encode(y="effect_low:Q", y2="effect_high:Q")
    line = base.mark_line(color=OKABE_ITO[0], point=True).encode(y=alt.Y("effect:Q", title="Effect per period"))
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#6f777b").encode(y="y:Q")
    return (band + line + zero).properties(width=WIDTH, height=200)


def two_lines(
    frame: pd.DataFrame, first: str, second: str, names: tuple[str, str], value_title: str, interruption: pd.Timestamp
) -> alt.Chart:
    long = frame.assign(date=pd.to_datetime(frame["period"])).melt(
        id_vars="date", value_vars=[first, second], var_name="series", value_name="value"
    )
    long["series"] = long["series"].map({first: names[0], second: names[1]})
    lines = (
        alt.Chart(long)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("date:T", title="", axis=DATE_AXIS),
            y=alt.Y("value:Q", title=value_title),
            color=alt.Color("series:N", title="", sort=list(names)),
            strokeDash=alt.StrokeDash("series:N", sort=list(names), legend=None),
        )
    )
    return (lines + _rule(interruption)).properties(width=WIDTH, height=260)


def event_chart(event: pd.DataFrame, freq_word: str) -> alt.Chart:
    """Event-study coefficients with intervals; the reference period (−1) is zero by construction."""
    base = alt.Chart(event).encode(x=alt.X("event_time:Q", title=f"{freq_word.capitalize()}s since adoption"))
    bars = base.mark_rule(color=OKABE_ITO[0]).encode(y=alt.Y("ci_low:Q", title="Effect"), y2="ci_high:Q")
    pts = base.mark_circle(color=OKABE_ITO[0], size=40).encode(y="estimate:Q")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#6f777b").encode(y="y:Q")
    start = alt.Chart(pd.DataFrame({"x": [-0.5]})).mark_rule(color="#6f777b", strokeDash=[4, 3]).encode(x="x:Q")
    return (zero + start + bars + pts).properties(width=WIDTH, height=240)


def gap_chart(table: pd.DataFrame, placebo_gaps: pd.DataFrame, interruption: pd.Timestamp) -> alt.Chart:
    """The treated unit's gap (black) over every placebo's gap (grey): the picture of the permutation test."""
    pg = placebo_gaps.copy()
    pg.index.name = "date"
    long = pg.reset_index().melt(id_vars="date", var_name="unit", value_name="gap")
    grey = (
        alt.Chart(long)
        .mark_line(color="#b1b4b6", strokeWidth=0.8, opacity=0.7)
        .encode(
            x=alt.X("date:T", title="", axis=DATE_AXIS),
            y=alt.Y("gap:Q", title="Gap (actual − synthetic)"),
            detail="unit:N",
        )
    )
    t = table.assign(date=pd.to_datetime(table["period"]))
    black = alt.Chart(t).mark_line(color="#0b0c0c", strokeWidth=2.5).encode(x="date:T", y="gap:Q")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#6f777b").encode(y="y:Q")
    return (grey + zero + black + _rule(interruption)).properties(width=WIDTH, height=260)


def ratio_chart(placebos: pd.DataFrame, treated_ratio: float, treated_name: str) -> alt.Chart:
    frame = pd.concat(
        [
            placebos[["unit", "ratio"]].assign(kind="placebo"),
            pd.DataFrame({"unit": [treated_name], "ratio": [treated_ratio], "kind": ["treated"]}),
        ]
    )
    frame["ratio"] = frame["ratio"].replace([np.inf], np.nan)
    frame = frame.dropna().sort_values("ratio", ascending=False)
    if len(frame) > 30:  # the 30 largest ratios, and the treated unit wherever it ranks
        frame = pd.concat([frame.head(30), frame[frame["kind"] == "treated"]]).drop_duplicates("unit")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", sort="-x", title="", axis=alt.Axis(labelLimit=220)),
            x=alt.X("ratio:Q", title="Post/pre RMSPE ratio (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "kind:N", title="", scale=alt.Scale(domain=["treated", "placebo"], range=[OKABE_ITO[5], "#b1b4b6"])
            ),
        )
        .properties(width=WIDTH - 240, height=max(80, 14 * len(frame)))
    )


def power_curve(curve: pd.DataFrame, x: str, x_title: str) -> alt.Chart:
    base = alt.Chart(curve).encode(x=alt.X(f"{x}:Q", title=x_title))
    return (
        base.mark_line(point=True, color=OKABE_ITO[0])
        .encode(y=alt.Y("mde:Q", title="Minimum detectable effect"))
        .properties(width=WIDTH, height=240)
    )
