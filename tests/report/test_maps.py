"""The offline map renderer: SVG/PNG with legend, scale bar, north arrow, outline, source and synthetic badge."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from svduty.analysis.hotspots import (
    CLASS_LABELS,
    area_counts,
    contiguity_weights,
    core_points,
    gistar,
    grid_counts,
    kde,
    make_grid,
    to_bng,
)
from svduty.report import ReportError
from svduty.report.maps import _nice_length, data_outline, grid_map, point_map, save, to_svg


@pytest.fixture(scope="module")
def durham(real_data):
    df = pd.read_csv(real_data / "police-uk/national/2021-08/2021-08-durham-street.csv")
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    core = core_points(x, y, radius=15_000.0, min_neighbours=3)
    return df[core], x[core], y[core]


def test_kde_map_svg_has_title_scale_bar_north_arrow_and_badge(durham, tmp_path):
    _, x, y = durham
    grid = make_grid(x, y, 500)
    dens = kde(grid, x, y, bandwidth=1500)

    def draw():
        return grid_map(
            grid,
            dens,
            title="Kernel density of crime",
            subtitle="Durham, August 2021",
            value_label="incidents per km²",
            outline_points=(x, y),
            source="police.uk (OGL v3.0)",
            synthetic=True,
        )

    svg = to_svg(draw(), "Kernel density of crime")
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Kernel density of crime</title>" in svg
    for text in ("SYNTHETIC DATA", "incidents per km²", "Source: police.uk", "EPSG:27700", ">N<", " km<"):
        assert text in svg, text
    assert not re.search(r"(href|src)=\"https?:|url\(https?:|@import", svg)  # nothing fetched from the network
    png = save(draw(), tmp_path / "kde.png")
    img = imread(png)
    assert img.shape[0] > 500 and img.shape[1] > 500
    # the same map drawn twice gives the same SVG (no dates or random ids)
    assert to_svg(draw(), "Kernel density of crime") == svg


def test_gistar_class_map_legend_lists_present_classes(durham):
    _, x, y = durham
    grid = make_grid(x, y, 1000)
    res = gistar(grid_counts(grid, x, y), contiguity_weights(grid), permutations=0)
    svg = to_svg(grid_map(grid, res.classes, categories=CLASS_LABELS, title="Gi*", value_label="class"), "Gi*")
    assert "Hot spot, 99% confidence (" in svg and "SYNTHETIC" not in svg
    absent = [c for c in CLASS_LABELS if c not in set(res.classes)]
    for label in absent:
        assert label + " (" not in svg


def test_point_map_and_outline(durham):
    df, x, y = durham
    ac = area_counts(df["LSOA code"].to_numpy(), x, y)
    svg = to_svg(point_map(ac.x, ac.y, ac.counts, title="Crimes per LSOA", labels=ac.codes, label_top=2), "LSOAs")
    top = ac.codes[np.argsort(-ac.counts)[:2]]
    assert all(code in svg for code in top)
    outline = data_outline(x, y)
    import shapely

    inside = shapely.contains_xy(outline.buffer(1.0), x, y)
    assert inside.mean() > 0.99


def test_scale_bar_lengths_and_errors(durham, tmp_path):
    assert [_nice_length(v) for v in (7300, 1999, 450, 12)] == [5000, 1000, 200, 10]
    _, x, y = durham
    grid = make_grid(x, y, 1000)
    with pytest.raises(ReportError, match="values for a grid"):
        grid_map(grid, np.ones(3), title="x")
    fig = grid_map(grid, np.ones(grid.n_cells), title="x")
    with pytest.raises(ReportError, match=re.escape(".svg, .png or .pdf")):
        save(fig, tmp_path / "map.gif")
