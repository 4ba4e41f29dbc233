"""Names a board member recognises for hot cells and LSOAs: the LSOA name and the most frequent police.uk street.

police.uk snaps every crime to an anonymous map point and publishes that point's name as ``Location``: a street
("On or near Cheapside") or, for a point of interest, only its kind ("On or near Supermarket"). A street is the
name people recognise, so a place is named after the most frequent *street* among its incidents, falling back to
the most frequent point-of-interest kind when it has no street; "No Location" and blank names never count. Ties go
to the alphabetically first name, so labels are reproducible. A cell is also named after the LSOA holding most of
its incidents (or, without incidents, the LSOA under its centre when boundaries are given).

Pure functions: arrays/tables in, tables out.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# police.uk's point-of-interest kinds (in 25+ of the 40 forces of the 2021-08 national month, never a street)
POI_KINDS = frozenset(
    {
        "Parking Area",
        "Supermarket",
        "Shopping Area",
        "Sports/Recreation Area",
        "Petrol Station",
        "Nightclub",
        "Pedestrian Subway",
        "Park/Open Space",
        "Hospital",
        "Police Station",
        "Further/Higher Educational Building",
        "Bus/Coach Station",
        "Theatre/Concert Hall",
        "Prison",
        "Conference/Exhibition Centre",
        "Airport/Airfield",
        "Theme/Adventure Park",
        "Motorway Service Area",
    }
)
PREFIX = "On or near "
_APOSTROPHE_S = re.compile(r"'S\b")


def place_of(location: str | None) -> str | None:
    """The place named in a police.uk ``Location`` ("On or near X" → "X"); None for none."""
    if location is None or location != location:
        return None
    text = str(location).strip()
    if text.lower() == "no location":
        return None
    if text.startswith(PREFIX.strip()):
        text = text[len(PREFIX.strip()) :].strip()
    return text or None


def display_location(place: str) -> str:
    """ "On or near X" for a label, with police.uk's title-casing of "'s" undone ("Alderman'S" → "Alderman's")."""
    return PREFIX + _APOSTROPHE_S.sub("'s", place)


def top_locations(groups, locations) -> pd.DataFrame:
    """Per group: the most frequent street (else point-of-interest kind) of its incidents, with counts.

    Columns: ``group``, ``street`` (the label text "On or near …", or None), ``street_incidents``, ``is_street``,
    ``located`` (incidents with a named location).
    """
    frame = pd.DataFrame({"group": np.asarray(groups), "place": [place_of(v) for v in np.asarray(locations)]})
    frame = frame[frame["group"].notna()]
    located = frame.dropna(subset=["place"])
    counts = located.groupby(["group", "place"]).size().rename("n").reset_index()
    counts["is_street"] = ~counts["place"].isin(POI_KINDS)
    counts = counts.sort_values(["group", "is_street", "n", "place"], ascending=[True, False, False, True])
    best = counts.drop_duplicates("group").set_index("group")
    out = pd.DataFrame({"group": pd.unique(frame["group"])})
    out["street"] = out["group"].map(best["place"].map(display_location))
    out["street_incidents"] = out["group"].map(best["n"]).fillna(0).astype(int)
    out["is_street"] = out["group"].map(best["is_street"]).eq(True)
    out["located"] = out["group"].map(located.groupby("group").size()).fillna(0).astype(int)
    return out


def name_lsoas(codes, names, locations) -> pd.DataFrame:
    """One row per LSOA code of the incidents: ``code``, ``name``, ``street``, ``street_incidents``, ``incidents``."""
    codes = np.asarray(codes, dtype=object)
    frame = pd.DataFrame({"code": codes, "name": np.asarray(names, dtype=object)})
    frame = frame[frame["code"].notna() & (frame["code"].astype(str).str.strip() != "")]
    top = top_locations(codes, locations).rename(columns={"group": "code"})
    out = (
        frame.groupby("code")
        .agg(
            name=("name", lambda s: s.dropna().mode().iloc[0] if s.notna().any() else None), incidents=("name", "size")
        )
        .reset_index()
    )
    out = out.merge(top[["code", "street", "street_incidents", "is_street"]], on="code", how="left")
    out["name"] = out["name"].fillna(out["code"])
    return out.sort_values(["incidents", "code"], ascending=[False, True]).reset_index(drop=True)


def name_cells(
    grid,
    cell_positions,
    x,
    y,
    lsoa_codes,
    lsoa_names,
    locations,
    *,
    lsoa_polygons=None,
    fallback_radius: float | None = None,
) -> pd.DataFrame:
    """Names for the cells at ``cell_positions`` (positions in ``grid.cells``, e.g. the top 10 by density).

    ``x, y`` (BNG), ``lsoa_codes``, ``lsoa_names`` and ``locations`` describe the incidents (police.uk rows).
    ``lsoa_polygons`` — optional (codes, names, BNG shapely geometries) — names a cell without incidents after the
    LSOA under its centre. A cell without incidents (a density peak can fall between them) is named after the
    incidents within ``fallback_radius`` metres of its centre (default two cells). Returns ``position``, ``cell``,
    ``x_bng``, ``y_bng``, ``lsoa_code``, ``lsoa_name``, ``street``, ``street_incidents``, ``incidents`` (the cell's
    own) and ``label`` ("LSOA name · On or near Street"), in the order asked.
    """
    pos = np.asarray(cell_positions, dtype=np.int64).ravel()
    idx = np.asarray(grid.cell_index(x, y)).copy()
    counted = np.bincount(idx[idx >= 0], minlength=grid.n_cells)
    empty = pos[counted[pos] == 0]
    if empty.size and np.asarray(x).size:
        from scipy.spatial import cKDTree

        radius = 2.0 * grid.cell_size if fallback_radius is None else fallback_radius
        ex, ey = grid.centres()
        near = cKDTree(np.column_stack([x, y])).query_ball_point(np.column_stack([ex[empty], ey[empty]]), radius)
        extra_pts = np.concatenate([np.asarray(n, dtype=np.int64) for n in near]) if len(near) else np.array([], int)
        extra_cell = np.repeat(empty, [len(n) for n in near])
        x = np.concatenate([np.asarray(x, dtype=float), np.asarray(x, dtype=float)[extra_pts]])
        y = np.concatenate([np.asarray(y, dtype=float), np.asarray(y, dtype=float)[extra_pts]])
        lsoa_codes = np.concatenate(
            [np.asarray(lsoa_codes, dtype=object), np.asarray(lsoa_codes, dtype=object)[extra_pts]]
        )
        lsoa_names = np.concatenate(
            [np.asarray(lsoa_names, dtype=object), np.asarray(lsoa_names, dtype=object)[extra_pts]]
        )
        locations = np.concatenate(
            [np.asarray(locations, dtype=object), np.asarray(locations, dtype=object)[extra_pts]]
        )
        idx = np.concatenate([idx, extra_cell])  # borrowed incidents name the empty cell, not its count
    wanted = np.isin(idx, pos)
    codes = np.asarray(lsoa_codes, dtype=object)[wanted]
    names = np.asarray(lsoa_names, dtype=object)[wanted]
    cells_of = idx[wanted]
    lsoa = pd.DataFrame({"position": cells_of, "code": codes, "name": names}).dropna(subset=["code"])
    lsoa = lsoa.groupby(["position", "code"]).agg(n=("name", "size"), name=("name", "first")).reset_index()
    lsoa = lsoa.sort_values(["position", "n", "code"], ascending=[True, False, True]).drop_duplicates("position")
    lsoa = lsoa.set_index("position")
    top = top_locations(cells_of, np.asarray(locations, dtype=object)[wanted]).set_index("group")
    cx, cy = grid.centres()
    out = pd.DataFrame({"position": pos, "cell": grid.cells[pos], "x_bng": cx[pos], "y_bng": cy[pos]})
    out["lsoa_code"] = out["position"].map(lsoa["code"])
    out["lsoa_name"] = out["position"].map(lsoa["name"])
    if lsoa_polygons is not None and out["lsoa_code"].isna().any():
        import shapely

        p_codes, p_names, geoms = lsoa_polygons
        tree = shapely.STRtree(geoms)
        missing = out["lsoa_code"].isna().to_numpy()
        pts = shapely.points(out.loc[missing, "x_bng"], out.loc[missing, "y_bng"])
        hit_pt, hit_geom = tree.query(pts, predicate="within")
        first = pd.Series(hit_geom, index=hit_pt).groupby(level=0).first()
        rows = np.nonzero(missing)[0][first.index.to_numpy()]
        out.loc[rows, "lsoa_code"] = np.asarray(p_codes, dtype=object)[first.to_numpy()]
        out.loc[rows, "lsoa_name"] = np.asarray(p_names, dtype=object)[first.to_numpy()]
    out["street"] = out["position"].map(top["street"])
    out["street_incidents"] = out["position"].map(top["street_incidents"]).fillna(0).astype(int)
    out["incidents"] = counted[pos]
    out["label"] = [label(n, s) for n, s in zip(out["lsoa_name"], out["street"], strict=True)]
    return out


def label(lsoa_name, street) -> str:
    """ "City of London 001F · On or near Cheapside", with whichever part exists."""
    parts = [str(p) for p in (lsoa_name, street) if p is not None and p == p and str(p).strip()]
    return " · ".join(parts) if parts else "unnamed place"
