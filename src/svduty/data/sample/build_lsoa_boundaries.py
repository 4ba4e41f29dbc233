"""Rebuild ``lsoa-boundaries-city-of-london.geojson`` from the ONS LSOA boundaries in ``../shared/data/real/geo``.

Keeps, for both the 2011 and 2021 vintages, the City of London's LSOAs and every LSOA within ``NEIGHBOUR_M`` metres
of the City (context for maps of the bundled sample, whose rows also fall in Camden, Islington, Tower Hamlets, …),
simplified in British National Grid with a ``TOLERANCE_M`` tolerance (Douglas–Peucker, topology kept) and written
as RFC 7946 GeoJSON (WGS84, 6 decimals ≈ 0.1 m). Run from the repository root::

    .venv/bin/python src/svduty/data/sample/build_lsoa_boundaries.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from svduty.data.boundaries import BUNDLED, read_gpkg

NEIGHBOUR_M = 1000.0
TOLERANCE_M = 3.0
CITY = "City of London"


def build(geo: Path, out: Path = BUNDLED) -> dict[str, int]:
    to_bng = Transformer.from_crs(4326, 27700, always_xy=True).transform
    to_wgs = Transformer.from_crs(27700, 4326, always_xy=True).transform
    features, counts = [], {}
    for vintage in ("2011", "2021"):
        b = read_gpkg(geo / f"lsoa{vintage[2:]}_boundaries.gpkg")
        bng = shapely.transform(b.geoms, lambda xy: np.column_stack(to_bng(xy[:, 0], xy[:, 1])))
        city = np.array([str(n).startswith(CITY + " ") for n in b.names])
        near = shapely.dwithin(bng, shapely.union_all(bng[city]), NEIGHBOUR_M)
        keep = np.nonzero(near)[0]
        counts[vintage] = int(keep.size)
        for i in keep:
            simple = shapely.make_valid(shapely.simplify(bng[i], TOLERANCE_M, preserve_topology=True))
            wgs = shapely.transform(simple, lambda xy: np.column_stack(to_wgs(xy[:, 0], xy[:, 1])))
            geometry = json.loads(shapely.to_geojson(shapely.set_precision(wgs, 1e-6)))
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": b.codes[i], "name": b.names[i], "vintage": vintage},
                    "geometry": geometry,
                }
            )
    doc = {
        "type": "FeatureCollection",
        "name": "LSOA boundaries 2011 and 2021, City of London and neighbours within 1 km, generalised to 3 m",
        "attribution": "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
        "Contains OS data © Crown copyright and database right 2021.",
        "features": features,
    }
    out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    return counts


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[4]
    print(build(root / ".." / "shared" / "data" / "real" / "geo"), file=sys.stderr)
