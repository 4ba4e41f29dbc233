"""LSOA boundaries: read a GeoPackage or GeoJSON without GDAL, and the generalised copy bundled for the sample.

A GeoPackage is an SQLite database whose geometry column holds "GeoPackage binary": a short header (magic ``GP``,
version, flags, SRS id, optional envelope) followed by standard WKB (OGC GeoPackage 1.3, §2.1.3). So ``sqlite3`` from
the standard library and ``shapely.from_wkb`` read it with no GDAL, fiona or pyogrio. GeoJSON is read with ``json``.

The code column is found by name (``lsoa21_code``, ``LSOA21CD``, ``lsoa11cd``, ``code``, …) and so is the name
column; ``code_field``/``name_field`` pick others. Geometries stay in the file's coordinate system, recorded as
``epsg`` (4326 or 27700 — the two ONS publishes); the analysis layer projects them to British National Grid.

The package ships ``sample/lsoa-boundaries-city-of-london.geojson``: the City of London's LSOAs and their neighbours
within 1 km, 2011 and 2021 vintages, from ONS boundaries (``../shared/data/real/geo``, MANIFEST §8) simplified to
3 m (``sample/build_lsoa_boundaries.py`` rebuilds it). Other areas use the user's own boundary file.
"""

from __future__ import annotations

import json
import re
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from svduty.data import IngestError

BUNDLED = Path(__file__).parent / "sample" / "lsoa-boundaries-city-of-london.geojson"
BUNDLED_SOURCE = (
    "ONS LSOA boundaries 2011 and 2021 (generalised), Office for National Statistics licensed under the Open "
    "Government Licence v3.0; contains OS data © Crown copyright and database right 2021"
)
CODE_FIELDS = re.compile(r"^(lsoa\d{2}_?cd|lsoa\d{2}_code|lsoa_code|code|geography code|areacode|area_code)$", re.I)
NAME_FIELDS = re.compile(r"^(lsoa\d{2}_?nm|lsoa\d{2}_name|lsoa_name|name|geography|areaname|area_name)$", re.I)
LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


@dataclass(frozen=True)
class Boundaries:
    """Polygons with a code and name each, in coordinate system ``epsg``; ``vintage`` per row when known."""

    codes: np.ndarray
    names: np.ndarray
    geoms: np.ndarray
    epsg: int
    source: str
    vintage: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.codes.size)

    def select(self, codes) -> Boundaries:
        """The rows whose code is in ``codes`` (in this file's order)."""
        keep = np.isin(self.codes, np.asarray(list(codes), dtype=object).astype(str))
        return Boundaries(
            self.codes[keep],
            self.names[keep],
            self.geoms[keep],
            self.epsg,
            self.source,
            None if self.vintage is None else self.vintage[keep],
        )

    def coverage(self, codes) -> float:
        """Share of ``codes`` (blanks ignored) that have a polygon here."""
        wanted = {str(c) for c in codes if c is not None and str(c).strip() and c == c}
        return len(wanted & set(self.codes.tolist())) / len(wanted) if wanted else 0.0


def _pick(fields: list[str], pattern: re.Pattern[str], asked: str | None, role: str, path: Path) -> str:
    if asked:
        if asked not in fields:
            raise IngestError(f"no {role} field {asked!r}; fields are {', '.join(fields)}", file=str(path))
        return asked
    hits = [f for f in fields if pattern.match(f.strip())]
    if not hits:
        raise IngestError(
            f"cannot tell which field holds the LSOA {role}; fields are {', '.join(fields)} "
            f"(give --boundaries-{role}-field)",
            file=str(path),
        )
    return hits[0]


def gpkg_wkb(blob: bytes) -> bytes | None:
    """The WKB inside one GeoPackage binary geometry; None for an empty geometry."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage binary geometry (no 'GP' magic)")
    flags = blob[3]
    if flags & 0b10_0000:
        raise ValueError("extended GeoPackage geometry types are not supported")
    if flags & 0b1_0000:
        return None
    envelope = (flags >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise ValueError(f"invalid envelope indicator {envelope}")
    return blob[8 + _ENVELOPE_BYTES[envelope] :]


def gpkg_srs_id(blob: bytes) -> int:
    order = "<" if blob[3] & 1 else ">"
    return int(struct.unpack(order + "i", blob[4:8])[0])


def read_gpkg(
    path: Path, *, layer: str | None = None, code_field: str | None = None, name_field: str | None = None
) -> Boundaries:
    """Read polygons from a GeoPackage (``layer``: default the only or first feature layer)."""
    import shapely

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        layers = con.execute(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features'"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise IngestError(f"not a GeoPackage ({exc})", file=str(path)) from None
    if not layers:
        raise IngestError("no feature layer in this GeoPackage", file=str(path))
    if layer:
        layers = [row for row in layers if row[0] == layer]
        if not layers:
            raise IngestError(f"no feature layer {layer!r}", file=str(path))
    table, geom_col, srs = layers[0]
    fields = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")').fetchall() if r[1] != geom_col]
    code = _pick(fields, CODE_FIELDS, code_field, "code", path)
    name = _pick(fields, NAME_FIELDS, name_field, "name", path) if name_field or _has(fields, NAME_FIELDS) else code
    rows = con.execute(f'SELECT "{code}", "{name}", "{geom_col}" FROM "{table}"').fetchall()
    con.close()
    codes, names, wkbs = [], [], []
    for i, (c, n, blob) in enumerate(rows, start=1):
        if blob is None:
            continue
        try:
            wkb = gpkg_wkb(bytes(blob))
        except ValueError as exc:
            raise IngestError(str(exc), file=str(path), row=i, field=geom_col) from None
        if wkb is None or c is None:
            continue
        codes.append(str(c).strip())
        names.append(str(n).strip() if n is not None else str(c))
        wkbs.append(wkb)
    try:
        geoms = shapely.from_wkb(np.asarray(wkbs, dtype=object))
    except shapely.errors.GEOSException as exc:
        raise IngestError(f"unreadable geometry ({exc})", file=str(path), field=geom_col) from None
    return _finish(path, codes, names, geoms, _epsg(int(srs), path), None)


def _has(fields: list[str], pattern: re.Pattern[str]) -> bool:
    return any(pattern.match(f.strip()) for f in fields)


def _epsg(srs: int, path: Path) -> int:
    if srs in (4326, 27700):
        return srs
    raise IngestError(
        f"coordinate system EPSG:{srs} is not supported; use WGS84 (EPSG:4326) or British National Grid (EPSG:27700)",
        file=str(path),
    )


def read_geojson(path: Path, *, code_field: str | None = None, name_field: str | None = None) -> Boundaries:
    """Read polygons from a GeoJSON FeatureCollection (WGS84, or British National Grid if its ``crs`` says so)."""
    import shapely

    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"not valid GeoJSON ({exc})", file=str(path)) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise IngestError("no features (expected a GeoJSON FeatureCollection)", file=str(path))
    crs = json.dumps(doc.get("crs") or {})
    epsg = 27700 if "27700" in crs else 4326
    fields = list((features[0].get("properties") or {}).keys())
    code = _pick(fields, CODE_FIELDS, code_field, "code", path)
    name = _pick(fields, NAME_FIELDS, name_field, "name", path) if name_field or _has(fields, NAME_FIELDS) else code
    codes, names, geoms, vintage = [], [], [], []
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        if props.get(code) is None or not feature.get("geometry"):
            continue
        try:
            geoms.append(shapely.geometry.shape(feature["geometry"]))
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
            raise IngestError(f"unreadable geometry ({exc})", file=str(path), row=i, field="geometry") from None
        codes.append(str(props[code]).strip())
        names.append(str(props.get(name) or props[code]).strip())
        vintage.append(props.get("vintage"))
    has_vintage = any(v is not None for v in vintage)
    return _finish(path, codes, names, np.asarray(geoms, dtype=object), epsg, vintage if has_vintage else None)


def _finish(path: Path, codes, names, geoms, epsg: int, vintage) -> Boundaries:
    import shapely

    if not len(codes):
        raise IngestError("no polygons with a code", file=str(path))
    geoms = np.asarray(geoms, dtype=object)
    kinds = set(shapely.get_type_id(geoms).tolist())
    if not kinds <= {3, 6}:  # Polygon, MultiPolygon
        raise IngestError("boundaries must be polygons (found points or lines)", file=str(path))
    bad = ~shapely.is_valid(geoms)
    if bad.any():  # ONS's generalised 2011 set has one self-touching polygon: repair rather than fail
        geoms[bad] = shapely.make_valid(geoms[bad])
    if epsg == 4326:
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
            epsg = 27700  # metres although the file does not say so (pre-2016 GeoJSON from ONS)
    return Boundaries(
        np.asarray(codes, dtype=object),
        np.asarray(names, dtype=object),
        geoms,
        epsg,
        str(path),
        None if vintage is None else np.asarray(vintage, dtype=object),
    )


def read_boundaries(
    path: str | Path, *, layer: str | None = None, code_field: str | None = None, name_field: str | None = None
) -> Boundaries:
    """Read an LSOA boundary file: GeoPackage (``.gpkg``) or GeoJSON (``.geojson``/``.json``)."""
    path = Path(path)
    if not path.is_file():
        raise IngestError("no such boundary file", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        return read_gpkg(path, layer=layer, code_field=code_field, name_field=name_field)
    if suffix in (".geojson", ".json"):
        return read_geojson(path, code_field=code_field, name_field=name_field)
    raise IngestError("boundary files must be GeoPackage (.gpkg) or GeoJSON (.geojson)", file=str(path))


def bundled_boundaries() -> Boundaries:
    """The generalised LSOA boundaries shipped for the bundled City of London sample (both vintages)."""
    b = read_geojson(BUNDLED)
    return Boundaries(b.codes, b.names, b.geoms, b.epsg, BUNDLED_SOURCE, b.vintage)


def boundaries_for(codes, path: str | Path | None = None, *, min_coverage: float = 0.9) -> Boundaries | None:
    """Boundaries for ``codes``: from ``path`` when given, else the bundled copy if it covers them; else None.

    A user's file that holds none of the codes is an error (wrong vintage or area), not a silent fallback to points.
    """
    wanted = [c for c in codes if c is not None and str(c).strip() and c == c]
    if path is not None:
        b = read_boundaries(path)
        if wanted and b.coverage(wanted) == 0:
            raise IngestError(
                f"none of the area's {len(set(wanted))} LSOA codes is in this file (wrong area or vintage?)",
                file=str(path),
            )
        return b.select(wanted) if wanted else b
    bundled = bundled_boundaries()
    if wanted and bundled.coverage(wanted) >= min_coverage:
        return bundled.select(wanted)
    return None
