"""Place names (LSOA name, most frequent police.uk street) against an independent DuckDB count of the raw files."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import hotspots as hs
from svduty.analysis.named_places import POI_KINDS, name_cells, name_lsoas, place_of


def raw(real_data):
    return str(real_data / "police-uk" / "city-of-london" / "*" / "*.csv")


def test_lsoa_streets_equal_an_independent_count(real_data):
    df = duckdb.sql(f"SELECT * FROM read_csv('{raw(real_data)}', union_by_name=true)").df()
    named = name_lsoas(df["LSOA code"], df["LSOA name"], df["Location"]).set_index("code")
    pois = ", ".join("'On or near " + p.replace("'", "''") + "'" for p in POI_KINDS)
    ref = duckdb.sql(
        f"""
        WITH c AS (
            SELECT "LSOA code" AS code, Location AS loc, count(*) AS n,
                   Location NOT IN ({pois}) AS street
            FROM read_csv('{raw(real_data)}', union_by_name=true)
            WHERE "LSOA code" IS NOT NULL AND Location NOT IN ('No Location', 'On or near ')
            GROUP BY ALL)
        SELECT code, loc AS top, n_street FROM (
            SELECT code, loc, row_number() OVER (PARTITION BY code ORDER BY street DESC, n DESC, loc) AS r,
                   max(n) FILTER (WHERE street) OVER (PARTITION BY code) AS n_street
            FROM c) WHERE r = 1"""
    ).df()
    assert len(ref) == df["LSOA code"].nunique()
    for r in ref.itertuples():
        ours = named.loc[r.code]
        assert ours["street"].replace("'s", "'S") == r.top.replace("'s", "'S")
        if pd.notna(r.n_street):
            assert ours["street_incidents"] == r.n_street
    # the City's busiest LSOA and its street, as a board member would read them
    top = named.sort_values("incidents", ascending=False).iloc[0]
    assert top["name"] == "City of London 001F" and top["street"] == "On or near Alderman's Walk"


def test_cells_are_named_after_their_own_incidents(real_data):
    df = duckdb.sql(f"SELECT * FROM read_csv('{raw(real_data)}', union_by_name=true)").df()
    df = df.dropna(subset=["Longitude"])
    x, y = hs.to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    keep = hs.core_points(x, y, radius=15_000.0, min_neighbours=3)
    df, x, y = df[keep], x[keep], y[keep]
    grid = hs.make_grid(x, y, 200, shape="hex")
    counts = hs.grid_counts(grid, x, y)
    top = np.argsort(-counts)[:5]
    named = name_cells(grid, top, x, y, df["LSOA code"], df["LSOA name"], df["Location"])
    cell = grid.cell_index(x, y)
    for r in named.itertuples():
        inside = df[cell == r.position]
        assert r.incidents == len(inside) == counts[r.position]
        assert r.lsoa_code == inside["LSOA code"].value_counts().index[0]
        streets = inside["Location"].map(place_of)
        streets = streets[~streets.isin(POI_KINDS)].value_counts()
        assert r.street_incidents == streets.iloc[0]
        assert r.label.startswith(r.lsoa_name + " · On or near ")
