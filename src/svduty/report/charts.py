"""Charts for reports: Vega-Lite via altair, rendered offline to SVG with vl-convert (no CDN, no network).

Colours are the Okabe–Ito palette (Okabe and Ito 2008, "Color Universal Design"), distinguishable with the common
colour-vision deficiencies; sequential scales use viridis. Text uses the system font stack the HTML uses.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor

import altair as alt
import pandas as pd
import vl_convert as vlc

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 620

alt.data_transformers.disable_max_rows()


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_range(category=OKABE_ITO)
        .configure_axis(labelFontSize=11, titleFontSize=11, labelColor="#0b0c0c", titleColor="#0b0c0c")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom", labelLimit=320)
        .configure_title(fontSize=13, anchor="start")
        .configure_view(strokeWidth=0)
    )


def to_svg(chart: alt.TopLevelMixin, title: str) -> str:
    """Render to an inline SVG element with a <title> (accessible name) and no fixed pixel size."""
    return _accessible(vlc.vegalite_to_svg(_config(chart).to_dict(validate=False)), title)


def _accessible(svg: str, title: str) -> str:
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    safe = title.replace("&", "&amp;").replace("<", "&lt;")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="' + safe.replace('"', "&quot;") + '" ', 1)
    svg = re.sub(r"(<svg[^>]*>)", r"\1<title>" + safe + "</title>", svg, count=1)
    return svg


_POOL: ThreadPoolExecutor | None = None


PRINT_SCALE = 2.0  # 620 px charts printed about 16 cm wide: 2 × 96 px/in ≈ 190 dpi on paper


class PendingSvg:
    """An SVG being rendered on a worker thread (vl-convert runs outside the GIL); ``str()`` waits for it.

    The report builds every chart first and lets them render concurrently: on two cores this takes the chart
    stage from about 1.3 s to under 1 s. The same worker rasterises the finished SVG (``png``) for the PDF:
    WeasyPrint lays out a Vega SVG text node by text node (about 0.15 s a chart), a PNG it only embeds.
    """

    def __init__(self, future: Future[tuple[str, str]]) -> None:
        self._future = future

    def __str__(self) -> str:
        return self._future.result()[0]

    def __html__(self) -> str:  # Jinja's |safe / Markup protocol
        return str(self)

    def __bool__(self) -> bool:
        return True

    @property
    def png(self) -> PendingPng:
        return PendingPng(self._future)


class PendingPng:
    """The ``data:`` URI of a chart's print PNG, rendered from the same SVG as the screen (``PendingSvg.png``)."""

    def __init__(self, future: Future[tuple[str, str]]) -> None:
        self._future = future

    def __str__(self) -> str:
        return self._future.result()[1]

    def __html__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return True


def to_svg_async(chart: alt.TopLevelMixin, title: str) -> PendingSvg:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="svduty-chart")
    spec = _config(chart).to_dict(validate=False)  # build the spec on this thread: altair is not thread-safe
    return PendingSvg(_POOL.submit(_spec_to_svg, spec, title))


def _spec_to_svg(spec: dict, title: str) -> tuple[str, str]:
    import base64

    svg = vlc.vegalite_to_svg(spec)
    png = vlc.svg_to_png(svg, scale=PRINT_SCALE)
    return _accessible(svg, title), "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def monthly_sv(
    monthly: pd.DataFrame, types: tuple[str, ...], period_start: str, bands: pd.DataFrame | None = None
) -> alt.Chart:
    """Monthly SV by type with total and rolling mean; ``bands`` (start, end, label) shade dated periods such as
    COVID-19 restrictions, labelled in a legend of their own."""
    long = monthly.melt(id_vars="month", value_vars=list(types), var_name="Crime type", value_name="Crimes")
    long["date"] = pd.to_datetime(long["month"])
    lines = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("date:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-40)),
            y=alt.Y("Crimes:Q", title="Crimes per month"),
            color=alt.Color("Crime type:N", sort=list(types)),
            strokeDash=alt.StrokeDash("Crime type:N", sort=list(types), legend=None),
        )
    )
    total = monthly.assign(date=pd.to_datetime(monthly["month"]))
    rolling = (
        alt.Chart(total)
        .mark_line(color="#000000", strokeWidth=2.5)
        .encode(x="date:T", y=alt.Y("rolling_12m_mean:Q", title="Crimes per month"))
    )
    sv_total = (
        alt.Chart(total)
        .mark_line(color="#555555", strokeDash=[2, 2])
        .encode(x="date:T", y=alt.Y("serious_violence:Q", title="Crimes per month"))
    )
    rule = alt.Chart(pd.DataFrame({"date": [pd.Timestamp(period_start)]})).mark_rule(color="#6f777b").encode(x="date:T")
    layers = [lines, sv_total, rolling, rule]
    if bands is not None and len(bands):
        shade = (
            alt.Chart(bands.assign(start=pd.to_datetime(bands["start"]), end=pd.to_datetime(bands["end"])))
            .mark_rect(opacity=0.18)
            .encode(
                x="start:T",
                x2="end:T",
                fill=alt.Fill(
                    "label:N",
                    title="COVID-19 restrictions",
                    scale=alt.Scale(range=["#6f777b", "#b1b4b6", "#CC79A7", "#F0E442", "#56B4E9"]),
                    legend=alt.Legend(orient="top", columns=2, labelLimit=300),
                ),
            )
        )
        layers.insert(0, shade)
    return alt.layer(*layers).resolve_scale(color="independent").properties(width=WIDTH, height=260)


def bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    value_title: str,
    category_title: str = "",
    color: str = OKABE_ITO[0],
    fmt: str = ",.0f",
    height_per_bar: int = 22,
    sort: list[str] | None = None,
) -> alt.Chart:
    """Horizontal bars with value labels: the most legible chart for ranked categories."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", title=category_title, sort=sort or "-x", axis=alt.Axis(labelLimit=300)),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format="%") if "%" in fmt else alt.Axis()),
    )
    chart = base.mark_bar(color=color) + base.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text(f"{value}:Q", format=fmt)
    )
    return chart.properties(width=WIDTH - 260, height=max(60, height_per_bar * len(frame)))


def grouped_bars(
    frame: pd.DataFrame,
    category: str,
    series: str,
    value: str,
    *,
    value_title: str,
    sort: list[str] | None = None,
    series_order: list[str] | None = None,
) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title="", sort=sort, axis=alt.Axis(labelLimit=300)),
            yOffset=alt.YOffset(f"{series}:N", sort=series_order),
            x=alt.X(f"{value}:Q", title=value_title),
            color=alt.Color(f"{series}:N", title="", sort=series_order),
        )
        .properties(width=WIDTH - 260, height=max(80, 34 * frame[category].nunique()))
    )


def seasonal(profile: pd.DataFrame) -> alt.Chart:
    order = profile["month_name"].tolist()
    base = alt.Chart(profile).encode(
        x=alt.X("month_name:N", sort=order, title="Calendar month", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("index:Q", title="Index (100 = average month)"),
    )
    rule = alt.Chart(pd.DataFrame({"y": [100]})).mark_rule(color="#6f777b").encode(y="y:Q")
    return (base.mark_bar(color=OKABE_ITO[4]) + rule).properties(width=WIDTH, height=200)


def heatmap(frame: pd.DataFrame) -> alt.Chart:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour of day"),
            y=alt.Y("weekday:N", sort=days, title=""),
            color=alt.Color("count:Q", title="Crimes", scale=alt.Scale(scheme="viridis")),
        )
        .properties(width=WIDTH - 60, height=190)
    )


def lorenz(curves: pd.DataFrame) -> alt.Chart:
    """``curves``: columns unit (LSOAs / grid cells), share_of_places, share_of_crime; the legend names each curve
    and the diagonal (an even spread), so the chart reads without its caption."""
    even = "Even spread (no concentration)"
    frame = pd.concat(
        [
            curves[["unit", "share_of_places", "share_of_crime"]],
            pd.DataFrame({"unit": [even, even], "share_of_places": [0.0, 1.0], "share_of_crime": [0.0, 1.0]}),
        ],
        ignore_index=True,
    )
    units = [*dict.fromkeys(curves["unit"]), even]
    palette = [*OKABE_ITO[: len(units) - 1], "#6f777b"]
    dashes = [[1, 0]] * (len(units) - 1) + [[4, 4]]
    line = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("share_of_places:Q", title="Share of places (most affected first)", axis=alt.Axis(format="%")),
            y=alt.Y("share_of_crime:Q", title="Share of serious violence", axis=alt.Axis(format="%")),
            color=alt.Color("unit:N", title="Places", sort=units, scale=alt.Scale(domain=units, range=palette)),
            strokeDash=alt.StrokeDash("unit:N", sort=units, scale=alt.Scale(domain=units, range=dashes), legend=None),
        )
    )
    return line.properties(width=360, height=300)


def yearly_line(frame: pd.DataFrame, value_title: str) -> alt.Chart:
    base = alt.Chart(frame).encode(
        x=alt.X("year:N", title="12 months", sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=value_title),
    )
    return (base.mark_line(point=True, color=OKABE_ITO[5]) + base.mark_text(dy=-10).encode(text="count:Q")).properties(
        width=WIDTH - 160, height=180
    )


def range_bars(frame: pd.DataFrame) -> alt.Chart:
    """Cost by crime type: central bar, low–high rule."""
    base = alt.Chart(frame).encode(y=alt.Y("crime_type:N", title="", sort="-x", axis=alt.Axis(labelLimit=300)))
    bar = base.mark_bar(color=OKABE_ITO[1]).encode(x=alt.X("cost_central_m:Q", title="£ million (central)"))
    rule = base.mark_rule(strokeWidth=2).encode(x="cost_low_m:Q", x2="cost_high_m:Q")
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x="cost_high_m:Q", text=alt.Text("cost_central_m:Q", format=",.1f")
    )
    return (bar + rule + text).properties(width=WIDTH - 280, height=max(60, 30 * len(frame)))


def interval_bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    low: str,
    high: str,
    *,
    value_title: str,
    sort: list[str] | None = None,
    highlight: str | None = None,
    group: str | None = None,
) -> alt.Chart:
    """Horizontal bars with a 95% interval rule each (rates by decile, ranked forces); ``highlight`` names a
    boolean column drawn in the accent colour (the area itself among forces), ``group`` a second colour."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", title="", sort=sort or "-x", axis=alt.Axis(labelLimit=300)),
    )
    colour: alt.Color | alt.value
    if highlight:
        colour = alt.Color(
            f"{group or highlight}:N",
            title="",
            scale=alt.Scale(
                domain=["This area", "Similar force area", "Other force area"],
                range=[OKABE_ITO[5], OKABE_ITO[0], "#b1b4b6"],
            )
            if group
            else alt.Scale(domain=[True, False], range=[OKABE_ITO[5], OKABE_ITO[0]]),
            legend=alt.Legend(orient="bottom") if group else None,
        )
    else:
        colour = alt.value(OKABE_ITO[0])
    bar = base.mark_bar().encode(x=alt.X(f"{value}:Q", title=value_title), color=colour)
    rule = base.mark_rule(strokeWidth=1.5, color="#0b0c0c").encode(x=f"{low}:Q", x2=f"{high}:Q")
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x=f"{high}:Q", text=alt.Text(f"{value}:Q", format=",.1f")
    )
    per_bar = 20 if len(frame) <= 15 else 13  # 40 forces fit half a page
    return (bar + rule + text).properties(width=WIDTH - 260, height=max(60, per_bar * len(frame)))
