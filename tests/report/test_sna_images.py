"""The SNA's images: a map rasterised in a forked child is the same PNG as one drawn in-process, opaque RGB (no
alpha channel for WeasyPrint to split off), and a Vega chart's print PNG is a raster of its own screen SVG."""

from __future__ import annotations

import base64
import io

import pandas as pd
from matplotlib.figure import Figure
from PIL import Image

from svduty.report import charts
from svduty.report.sna.common import Figure as ReportFigure
from svduty.report.sna.common import Table, png_data_uri, png_data_uri_async


def _figure() -> Figure:
    fig = Figure(figsize=(4, 3), dpi=100)
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("A map stand-in")
    return fig


def _image(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_forked_map_png_equals_the_in_process_one():
    pending = png_data_uri_async(_figure())
    here = png_data_uri(_figure())
    assert str(pending) == here
    image = _image(here)
    assert image.mode == "RGB" and image.size == (600, 450)  # 4 × 3 in at 150 dpi


def test_chart_prints_the_png_of_its_own_svg():
    chart = charts.bars(pd.DataFrame({"label": ["a", "b"], "count": [3, 5]}), "label", "count", value_title="n")
    svg = charts.to_svg_async(chart, "Two bars")
    table = Table("t", "tables/t.csv", [], [], 0)
    fig = ReportFigure(id="f", title="Two bars", summary="", table=table, source="", period="", svg=svg)
    assert 'aria-label="Two bars"' in str(fig.svg)
    assert fig.alt.startswith("Chart: Two bars")
    image = _image(str(fig.img))
    assert image.width >= 2 * 300  # rasterised at PRINT_SCALE
