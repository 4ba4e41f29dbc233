"""Maps that name places: hexagons drawn as polygons, numbered labels with a key, LSOA outlines and choropleths,
and labelled points (said so in the caption) when no boundary file is at hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from svduty.analysis import hotspots as hs
from svduty.analysis.named_places import name_cells, name_lsoas
from svduty.analysis.study_area import area_polygon, boundaries_bng, one_vintage
from svduty.data.boundaries import bundled_boundaries
from svduty.report.maps import grid_map, to_svg
from svduty.report.place_maps import NO_BOUNDARIES, lsoa_figure


@pytest.fixture(scope="module")
def city(real_data):
    frames = [pd.read_csv(f) for f in sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))]
    df = pd.concat(frames)
    df = df[df["LSOA name"].fillna("").str.startswith("City of London") & df["Longitude"].notna()]
    x, y = hs.to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    return df, x, y


def test_hex_map_with_named_places_lsoa_outlines_and_area_outline(city):
    df, x, y = city
    b = bundled_boundaries()
    codes = sorted(df["LSOA code"].unique())
    outline = area_polygon(b, codes)
    grid = hs.restrict_grid(hs.make_grid(x, y, 120, shape="hex"), outline, points=(x, y))
    counts = hs.grid_counts(grid, x, y)
    top = np.argsort(-counts)[:3]
    named = name_cells(grid, top, x, y, df["LSOA code"], df["LSOA name"], df["Location"])
    fig = grid_map(
        grid,
        counts,
        title="Crime per hexagon",
        value_label="crimes",
        outline=outline,
        lsoa_outlines=boundaries_bng(one_vintage(b, codes)),
        place_labels=named,
        source="police.uk",
    )
    svg = to_svg(fig, "Crime per hexagon")
    assert "Places:" in svg and "On or near" in svg and "City of London 001F" in svg
    for i in ("1", "2", "3"):
        assert f">{i}<" in svg  # the numbered markers
    # hexagons are drawn as polygons (a path per hexagon with crime), not a raster image
    assert svg.count("<path") > (counts > 0).sum()
    assert 0.97 < outline.area / 2.9e6 < 1.08  # the City's LSOAs, about 2.9 km²


def test_lsoa_choropleth_and_points_fallback_say_which(city):
    df, x, y = city
    codes = sorted(df["LSOA code"].unique())
    counts = df.groupby("LSOA code").size()
    lsoas = pd.DataFrame({"code": codes, "name": [f"n{i}" for i in range(len(codes))], "count": counts[codes].values})
    lsoas["in_area"] = True
    names = name_lsoas(df["LSOA code"], df["LSOA name"], df["Location"])
    ac = hs.area_counts(df["LSOA code"].to_numpy(), x, y)
    points = pd.DataFrame({"code": ac.codes, "x_bng": ac.x, "y_bng": ac.y})
    fig, used = lsoa_figure(
        lsoas,
        "count",
        title="Crime by LSOA",
        value_label="crimes",
        names=names,
        boundaries=bundled_boundaries(),
        points=points,
        source="police.uk",
    )
    svg = to_svg(fig, "Crime by LSOA")
    assert used and "LSOA boundaries: ONS" in svg and NO_BOUNDARIES[:30] not in svg
    # the polygons filled are the bundled ONS ones, which cover the LSOAs' real extent
    assert shapely.total_bounds(boundaries_bng(bundled_boundaries().select(codes)))[0] < x.min() + 50
    fig, used = lsoa_figure(
        lsoas, "count", title="Crime by LSOA", value_label="crimes", names=names, boundaries=None, points=points
    )
    svg = to_svg(fig, "Crime by LSOA")
    assert not used and "No LSOA boundary file for this area" in svg and "On or near" in svg
