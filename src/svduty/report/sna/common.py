"""What every SNA section shares: number formats, table and figure records, sources and licence wording."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

POLICE_SOURCE = "police.uk street-level crime (Home Office / forces, OGL v3.0)"
OGL = (
    "Contains public sector information licensed under the Open Government Licence v3.0. Population: Source: Office "
    "for National Statistics licensed under the Open Government Licence v3.0."
)


# -- formatting ----------------------------------------------------------------------------------------------------
def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fmt_int(value: Any) -> str:
    return "–" if missing(value) else f"{round(float(value)):,}"


def fmt_prev(value: Any) -> str:
    """A previous-period figure: "n/a" when the data do not cover the previous period."""
    return "n/a" if missing(value) else f"{round(float(value)):,}"


def fmt_pct(value: Any, digits: int = 0) -> str:
    return "–" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def fmt_change(value: Any) -> str:
    """A ratio as a signed % change: 1.218 -> '+21.8%'."""
    return "–" if missing(value) else f"{(float(value) - 1) * 100:+.1f}%"


def fmt_gbp(value: Any) -> str:
    if missing(value):
        return "–"
    value = float(value)
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.1f}m"
    return f"£{value:,.0f}"


def fmt_num(value: Any, digits: int = 1) -> str:
    return "–" if missing(value) else f"{float(value):,.{digits}f}"


@dataclass
class Column:
    key: str
    label: str
    fmt: Callable[[Any], str] = str
    num: bool = False


@dataclass
class Table:
    caption: str
    csv: str
    columns: list[dict[str, Any]]
    rows: list[list[str]]
    total_rows: int
    truncated: bool = False


def make_table(frame: pd.DataFrame, columns: list[Column], caption: str, csv: str, limit: int = 25) -> Table:
    shown = frame.head(limit)
    rows = [[c.fmt(row[c.key]) for c in columns] for _, row in shown.iterrows()]
    return Table(
        caption=caption,
        csv=csv,
        columns=[{"label": c.label, "num": c.num} for c in columns],
        rows=rows,
        total_rows=len(frame),
        truncated=len(frame) > limit,
    )


@dataclass
class Figure:
    id: str
    title: str
    summary: str
    table: Table
    source: str
    period: str
    svg: Any = ""  # str, or charts.PendingSvg while it renders
    img: Any = ""  # a data: URI, or a pending one (PendingPng, charts.PendingPng) while it renders
    alt: str = ""
    synthetic: bool = False
    open: bool = False

    def __post_init__(self) -> None:
        # A Vega chart prints as the PNG of its own SVG (rendered beside it on the chart thread); the screen keeps
        # the SVG. The alt text is the figure's title unless a section wrote a fuller one.
        png = getattr(self.svg, "png", None)
        if png is not None and not self.img:
            self.img = png
            self.alt = self.alt or f"Chart: {self.title}. The data table and the text summary give its figures."


@dataclass
class RenderResult:
    html: Path
    pdf: Path | None
    summary: Path
    tables: list[Path]
    timings: dict[str, float] = field(default_factory=dict)


def png_data_uri(fig: Any, dpi: int = 150) -> str:
    """The figure drawn once, as an opaque RGB PNG ``data:`` URI: the one image both the HTML and the PDF show.

    One format per map (no SVG beside it): matplotlib lays the figure out and rasterises it once. RGB, not RGBA,
    because WeasyPrint splits an alpha channel into a second re-encoded image; fast zlib level, as WeasyPrint
    re-compresses the pixels into the PDF anyway.
    """
    import base64
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    rgb = Image.new("RGB", rgba.size, "white")
    rgb.paste(rgba, mask=rgba.getchannel("A"))
    buf = io.BytesIO()
    rgb.save(buf, format="PNG", compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class PendingPng:
    """A map being rasterised in a forked child process while the report goes on; ``str()`` waits for its URI.

    matplotlib draws under the GIL, so threads would not overlap the maps with the rest of the report; a fork
    shares the finished figure without pickling it. The child only rasterises and writes a file, then leaves with
    ``os._exit`` (no atexit handlers, no DuckDB or chart-thread state touched). Where ``os.fork`` is missing or the
    child fails, the figure is drawn here instead (same bytes).
    """

    def __init__(self, fig: Any, dpi: int) -> None:
        import os
        import tempfile

        self._fig, self._dpi, self._uri = fig, dpi, None
        fd, self._path = tempfile.mkstemp(prefix="svduty-map-", suffix=".txt")
        os.close(fd)
        self._pid = 0
        if hasattr(os, "fork"):
            pid = os.fork()
            if pid == 0:  # the child
                code = 1
                try:
                    Path(self._path).write_text(png_data_uri(fig, dpi), encoding="ascii")
                    code = 0
                finally:
                    os._exit(code)
            self._pid = pid

    def __str__(self) -> str:
        import os

        if self._uri is None:
            ok = False
            if self._pid:
                _, status = os.waitpid(self._pid, 0)
                ok = os.waitstatus_to_exitcode(status) == 0
            self._uri = Path(self._path).read_text(encoding="ascii") if ok else png_data_uri(self._fig, self._dpi)
            Path(self._path).unlink(missing_ok=True)
            self._fig = None
        return self._uri

    def __html__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return True

    def __del__(self) -> None:  # never shown: reap the child and remove its file
        import contextlib
        import os

        if self._uri is None:
            with contextlib.suppress(OSError):
                if self._pid:
                    os.waitpid(self._pid, 0)
                Path(self._path).unlink(missing_ok=True)


def png_data_uri_async(fig: Any, dpi: int = 150) -> PendingPng:
    return PendingPng(fig, dpi)


def fmt_p(value: Any) -> str:
    return "–" if missing(value) else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def significance(p_value: Any) -> str:
    """Plain words for the Poisson change test (see ``sna.change_p_value``)."""
    if missing(p_value):
        return ""
    if p_value < 0.05:
        return (
            f" (a change this large is unlikely to be chance: p {'< 0.001' if p_value < 0.001 else f'= {p_value:.3f}'})"
        )
    return f" (a change this size could be chance: p = {p_value:.2f})"


def package_version() -> str:
    try:
        return version("svduty")
    except PackageNotFoundError:
        return "dev"


@dataclass
class Section:
    """One part of the report: its heading, its template (``templates/sna/<id>.html.j2``) and what that needs.

    ``findings`` are the sentences the executive summary may quote; ``files`` the tables it links to.
    """

    id: str
    title: str
    ctx: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    in_contents: bool = True

    @property
    def template(self) -> str:
        return f"sna/{self.id}.html.j2"


@dataclass
class ReportInput:
    """What a section builder reads: the assessment, how the area is named, and the sections built before it."""

    a: Any  # svduty.analysis.needs_assessment.Assessment
    area: str
    synthetic_columns: list[dict[str, Any]] = field(default_factory=list)
    built: dict[str, Section] = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        return self.a.period.label

    @property
    def categories(self) -> list[str]:
        from svduty.data.schema import SV_PROXY_CRIME_TYPES

        return list(self.a.notes.get("sv_categories") or SV_PROXY_CRIME_TYPES)


def templates_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "templates"
