"""The study area as the area's LSOAs, for hot spot maps and the SNA alike.

The area's LSOAs are chosen exactly as the SNA chooses them — ``sna.prepare_scope``, ``sna.resolve_period`` and
``sna.lsoa_table`` (its ``in_area`` column) — so ``svduty hotspots --area`` and ``svduty sna --area`` always cover
the same places. With LSOA boundaries (a user's GeoPackage/GeoJSON or the bundled City of London copy) the study
area is the union of those LSOAs' polygons; without them it falls back to the concave hull of the incidents in
those LSOAs, and the map says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import AnalysisError, sna
from svduty.analysis.hotspots.grid import to_bng


@dataclass
class StudyArea:
    """``codes``: the area's LSOA codes; ``lsoas``: the SNA's LSOA table; ``notes``: scope and area notes."""

    codes: list[str]
    lsoas: pd.DataFrame
    notes: dict[str, object] = field(default_factory=dict)
    period: sna.Period | None = None


def area_lsoas(con: duckdb.DuckDBPyConnection, scope: sna.Scope) -> StudyArea:
    """The area's LSOAs for ``scope`` (force, ``--area``, period), chosen by the SNA's own functions.

    Leaves the temp view ``sna_inc`` (incidents in scope) on ``con``, as ``sna.prepare_scope`` does.
    """
    notes = sna.prepare_scope(con, scope)
    period = sna.resolve_period(con, scope)
    lsoas, lsoa_notes = sna.lsoa_table(
        con,
        period,
        area_lad=notes.get("area_lad"),  # type: ignore[arg-type]
        lsoa_filter=notes.get("area_kind") in ("LSOA code prefix", "LSOA name prefix"),
        area_prefix=notes.get("area_prefix"),  # type: ignore[arg-type]
    )
    notes.update(lsoa_notes)
    codes = sorted(str(c) for c in lsoas.loc[lsoas["in_area"], "code"].dropna())
    if not codes:
        raise AnalysisError("the area has no LSOAs (check --area and --force)")
    return StudyArea(codes, lsoas, notes, period)


def boundaries_bng(boundaries) -> np.ndarray:
    """The boundaries' polygons in British National Grid metres (shapely array, same order)."""
    import shapely

    if boundaries.epsg == 27700:
        return boundaries.geoms
    return shapely.transform(boundaries.geoms, lambda xy: np.column_stack(to_bng(xy[:, 0], xy[:, 1])))


def area_polygon(boundaries, codes):
    """Union (BNG) of the polygons of ``codes`` in ``boundaries``; None when none of them has a polygon.

    LSOA codes of both vintages may be mixed (police.uk publishes mostly 2011 codes, some 2021): a 2011 and a 2021
    polygon of the same place overlap and the union absorbs them.
    """
    import shapely

    chosen = boundaries.select(codes)
    if not len(chosen):
        return None
    return shapely.union_all(shapely.make_valid(boundaries_bng(chosen)))


def one_vintage(boundaries, codes):
    """The boundaries of ``codes`` in the vintage that holds most of them (for outlines and choropleths)."""
    chosen = boundaries.select(codes)
    if chosen.vintage is None or not len(chosen):
        return chosen
    vintages, n = np.unique(chosen.vintage.astype(str), return_counts=True)
    best = vintages[np.argmax(n)]
    keep = chosen.vintage.astype(str) == best
    return type(chosen)(
        chosen.codes[keep], chosen.names[keep], chosen.geoms[keep], chosen.epsg, chosen.source, chosen.vintage[keep]
    )
