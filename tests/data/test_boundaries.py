"""LSOA boundary reading (GeoPackage without GDAL, GeoJSON) and the generalised copy bundled for the sample."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from svduty.data import IngestError
from svduty.data.boundaries import (
    BUNDLED,
    boundaries_for,
    bundled_boundaries,
    gpkg_wkb,
    read_boundaries,
)

TO_BNG = Transformer.from_crs(4326, 27700, always_xy=True).transform


def bng(geoms):
    return shapely.transform(geoms, lambda xy: np.column_stack(TO_BNG(xy[:, 0], xy[:, 1])))


@pytest.fixture(scope="module")
def lsoa11(real_data):
    return read_boundaries(real_data / "geo" / "lsoa11_boundaries.gpkg")


def test_gpkg_reads_every_lsoa_as_the_manifest_says(lsoa11, real_data):
    # MANIFEST §8: 34,753 LSOA 2011 rows, EPSG:4326; one invalid polygon, repaired on reading
    assert len(lsoa11) == 34_753 and lsoa11.epsg == 4326
    assert len(set(lsoa11.codes)) == 34_753
    assert shapely.is_valid(lsoa11.geoms).all()
    con = sqlite3.connect(real_data / "geo" / "lsoa11_boundaries.gpkg")
    # independent count of the features of one local authority straight from the SQLite table
    n_city = con.execute("SELECT count(*) FROM lsoa11 WHERE lsoa11_name LIKE 'City of London %'").fetchone()[0]
    assert sum(str(n).startswith("City of London ") for n in lsoa11.names) == n_city == 6
    # the City of London is 2.9 km² (ONS Standard Area Measurements: 290 ha incl. the Thames foreshore it holds)
    city = lsoa11.select([c for c, n in zip(lsoa11.codes, lsoa11.names, strict=True) if n.startswith("City of L")])
    area_km2 = shapely.union_all(bng(city.geoms)).area / 1e6
    assert 2.7 < area_km2 < 3.1


def test_gpkg_header_parsing_matches_the_spec():
    wkb = shapely.to_wkb(shapely.box(0, 0, 1, 1))
    envelope = np.array([0, 1, 0, 1], dtype="<f8").tobytes()
    blob = b"GP\x00" + bytes([0b0000_0011]) + (4326).to_bytes(4, "little") + envelope + wkb
    assert gpkg_wkb(blob) == wkb
    assert gpkg_wkb(b"GP\x00" + bytes([0b0001_0001]) + (4326).to_bytes(4, "little")) is None  # empty flag
    with pytest.raises(ValueError):
        gpkg_wkb(b"XX\x00\x01" + bytes(4) + wkb)


def test_bundled_copy_is_the_city_and_neighbours_close_to_ons(real_data, lsoa11):
    b = bundled_boundaries()
    assert BUNDLED.stat().st_size < 150_000  # small enough to ship
    assert set(b.vintage) == {"2011", "2021"}
    v11 = b.vintage == "2011"
    b11 = type(b)(b.codes[v11], b.names[v11], b.geoms[v11], b.epsg, b.source, b.vintage[v11])
    city11 = {c for c, n in zip(lsoa11.codes, lsoa11.names, strict=True) if n.startswith("City of London ")}
    assert city11 <= set(b11.codes)
    lsoa21 = read_boundaries(real_data / "geo" / "lsoa21_boundaries.gpkg")
    city21 = {c for c, n in zip(lsoa21.codes, lsoa21.names, strict=True) if n.startswith("City of London ")}
    assert city21 <= set(b.codes)
    # every bundled polygon stays within a few metres of the ONS polygon it generalises
    original = lsoa11.select(b11.codes)
    order = {c: i for i, c in enumerate(original.codes)}
    ours = bng(b11.geoms)
    theirs = bng(original.geoms[[order[c] for c in b11.codes]])
    assert shapely.hausdorff_distance(ours, theirs).max() < 6.0
    assert (np.abs(shapely.area(ours) - shapely.area(theirs)) / shapely.area(theirs)).max() < 0.02


def test_bundled_copy_covers_the_sample_incidents(real_data):
    import pandas as pd

    frames = [pd.read_csv(f) for f in sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))]
    df = pd.concat(frames)
    df = df[df["LSOA code"].notna()]
    b = bundled_boundaries()
    city = df[df["LSOA name"].str.startswith("City of London")]
    assert b.coverage(city["LSOA code"]) == 1.0
    held = df["LSOA code"].isin(set(b.codes)).mean()
    assert held > 0.97  # nearly every located crime of the sample falls in a bundled LSOA
    assert boundaries_for(city["LSOA code"].unique()) is not None
    assert boundaries_for(["E01020000"]) is None  # a Durham LSOA: not bundled, so points instead


def test_geojson_reader_and_clear_errors(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"LSOA21CD": "E01000001", "LSOA21NM": "City of London 001A"},
                "geometry": json.loads(shapely.to_geojson(shapely.box(-0.1, 51.5, -0.09, 51.51))),
            }
        ],
    }
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(doc))
    b = read_boundaries(path)
    assert list(b.codes) == ["E01000001"] and list(b.names) == ["City of London 001A"] and b.epsg == 4326
    doc["features"][0]["properties"] = {"zone": "x"}
    path.write_text(json.dumps(doc))
    with pytest.raises(IngestError, match="which field holds the LSOA code"):
        read_boundaries(path)
    doc["features"][0]["properties"] = {"code": "E01000001"}
    doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [0, 51]}
    path.write_text(json.dumps(doc))
    with pytest.raises(IngestError, match="must be polygons"):
        read_boundaries(path)
    (tmp_path / "b.shp").write_text("")
    with pytest.raises(IngestError, match="GeoPackage"):
        read_boundaries(tmp_path / "b.shp")
    (tmp_path / "bad.gpkg").write_text("not sqlite")
    with pytest.raises(IngestError, match="not a GeoPackage"):
        read_boundaries(tmp_path / "bad.gpkg")
    good = tmp_path / "g.geojson"
    doc["features"][0]["geometry"] = json.loads(shapely.to_geojson(shapely.box(-0.1, 51.5, -0.09, 51.51)))
    good.write_text(json.dumps(doc))
    with pytest.raises(IngestError, match="none of the area's"):
        boundaries_for(["E01020000"], good)
