"""The analyses behind ``svduty hotspots --method …``: each returns per-cell columns, metadata and the map's layer.

Kept apart from the Typer command (``cli/hotspots.py``) so each method reads on its own. Every runner takes the grid
and the located incidents (``Points``) and returns a ``MethodOutput``; ``rank`` orders cells for naming (NaN =
never named), highest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from svduty.analysis import AnalysisError
from svduty.analysis import hotspots as hs
from svduty.report.map_layers import CHANGE_COLOURS, CLASSIFY_COLOURS


@dataclass
class Points:
    """Located incidents in BNG with what naming needs (police.uk LSOA, name and ``Location``)."""

    x: np.ndarray
    y: np.ndarray
    month: np.ndarray  # datetime64[M]
    lsoa_code: np.ndarray
    lsoa_name: np.ndarray
    location: np.ndarray

    def subset(self, keep: np.ndarray) -> Points:
        return Points(*(getattr(self, f)[keep] for f in ("x", "y", "month", "lsoa_code", "lsoa_name", "location")))


@dataclass
class MethodOutput:
    columns: dict[str, np.ndarray]
    meta: dict
    values: np.ndarray
    title: str
    subtitle: str
    value_label: str
    rank: np.ndarray
    categories: tuple[str, ...] | None = None
    colours: dict[str, str] | None = None
    lines: list[str] = field(default_factory=list)  # what the command prints


def months_between(start: np.datetime64, end: np.datetime64) -> int:
    return int((end - start).astype(int)) + 1


def parse_span(text: str | None, option: str) -> tuple[np.datetime64, np.datetime64] | None:
    """``YYYY-MM:YYYY-MM`` (or one month ``YYYY-MM``) as a pair of numpy months, inclusive."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(":")]
    try:
        months = [np.datetime64(p, "M") for p in parts]
        if len(months) not in (1, 2) or any(len(p) != 7 for p in parts):
            raise ValueError
    except ValueError:
        raise AnalysisError(f"{option} {text!r}: write a span of months as YYYY-MM:YYYY-MM") from None
    start, end = months[0], months[-1]
    if end < start:
        raise AnalysisError(f"{option} {text!r}: the span ends before it starts")
    return start, end


def run_count(grid, pts: Points, counts: np.ndarray, what: str, period: str) -> MethodOutput:
    """sfhotspot ``hotspot_count``: incidents per cell."""
    shape = "hexagons" if grid.kind == "hex" else "cells"
    return MethodOutput(
        columns={},
        meta={"total": int(counts.sum()), "cells_with_incidents": int((counts > 0).sum())},
        values=counts,
        title=f"Incidents per cell: {what}",
        subtitle=f"{period} · {grid.cell_size:g} m {shape}; {int((counts > 0).sum()):,} of {grid.n_cells:,} "
        f"{shape} hold at least one incident",
        value_label="incidents",
        rank=np.where(counts > 0, counts.astype(float), np.nan),
    )


def run_change(
    grid,
    pts: Points,
    what: str,
    *,
    before: tuple[np.datetime64, np.datetime64] | None,
    after: tuple[np.datetime64, np.datetime64] | None,
    null: str,
) -> MethodOutput:
    """sfhotspot ``hotspot_change`` with each cell's exact conditional test (``hotspots.change``)."""
    first, last = pts.month.min(), pts.month.max()
    if before is None and after is None:
        n = months_between(first, last)
        if n < 2:
            raise AnalysisError("change needs at least two months of data (or give --before and --after)")
        half = n // 2
        before = (first, first + np.timedelta64(half - 1, "M"))
        after = (last - np.timedelta64(half - 1, "M"), last)
    elif before is None or after is None:
        raise AnalysisError("give both --before and --after, or neither (the data's months split in two halves)")
    if not before[1] < after[0]:
        raise AnalysisError("--before must end before --after starts")
    in_b = (pts.month >= before[0]) & (pts.month <= before[1])
    in_a = (pts.month >= after[0]) & (pts.month <= after[1])
    nb, na = months_between(*before), months_between(*after)
    cb = hs.grid_counts(grid, pts.x[in_b], pts.y[in_b])
    ca = hs.grid_counts(grid, pts.x[in_a], pts.y[in_a])
    res = hs.change(cb, ca, before_months=nb, after_months=na, null=null)
    label_b, label_a = f"{before[0]} to {before[1]}", f"{after[0]} to {after[1]}"
    test = (
        "exact conditional test of two Poisson counts per cell (n_after | n ~ Binomial(n, p0)), two-sided as R "
        "binom.test, Benjamini-Hochberg FDR over cells with incidents; p0 = "
        + (
            f"{na}/({nb}+{na}) months (rate unchanged)"
            if null == "rate"
            else f"the area's share after ({res.share_area:.3f}: change no different from the whole area's)"
        )
    )
    up = res.classes == "Significant increase"
    rank = np.where(up, res.change.astype(float), np.nan)
    if not up.any():  # no significant rise: name the biggest rises
        rank = np.where(res.change > 0, res.change.astype(float), np.nan)
    counts = res.counts_by_class()
    return MethodOutput(
        columns={
            "n_before": res.before,
            "n_after": res.after,
            "change": res.change,
            "p_rate": res.p_rate,
            "q_rate": res.q_rate,
            "p_area": res.p_area,
            "q_area": res.q_area,
            "change_class": res.classes,
        },
        meta={
            "before": label_b,
            "after": label_a,
            "before_months": nb,
            "after_months": na,
            "incidents_before": int(cb.sum()),
            "incidents_after": int(ca.sum()),
            "null": null,
            "test": test,
            "alpha": res.alpha,
            "classes": counts,
        },
        values=res.classes,
        categories=hs.CHANGE_CLASSES,
        colours=CHANGE_COLOURS,
        title=f"Change in incidents per cell: {what}",
        subtitle=f"{label_b} ({int(cb.sum()):,}) vs {label_a} ({int(ca.sum()):,}) · {grid.cell_size:g} m cells · "
        f"exact conditional Poisson test per cell, {'rate' if null == 'rate' else 'area-trend'} null, "
        "Benjamini-Hochberg FDR 5% · numbered: "
        + ("the significant rises" if up.any() else "the largest rises (none significant)"),
        value_label="change (cells)",
        rank=rank,
        lines=[f"  before {label_b}: {int(cb.sum()):,}; after {label_a}: {int(ca.sum()):,}"]
        + [f"  {k}: {v:,}" for k, v in counts.items() if v and k != "No incidents"],
    )


def period_starts(first: np.datetime64, last: np.datetime64, months: int) -> list[np.datetime64]:
    n = months_between(first, last)
    return [first + np.timedelta64(i, "M") for i in range(0, n, months)]


def run_classify(grid, pts: Points, w, what: str, *, period_months: int | None) -> MethodOutput:
    """sfhotspot ``hotspot_classify``: Gi* per period, then persistent/emerging/former/intermittent categories."""
    first, last = pts.month.min(), pts.month.max()
    span = months_between(first, last)
    if period_months is None:  # sfhotspot's automatic choice: ~4-week periods up to two years, quarters beyond
        period_months = 1 if span <= 24 else 3
    if period_months < 1:
        raise AnalysisError("--period-months must be at least 1")
    starts = period_starts(first, last, period_months)
    if len(starts) < 2:
        raise AnalysisError(f"{span} months of data make fewer than two {period_months}-month periods")
    counts, labels = [], []
    for s in starts:
        e = min(s + np.timedelta64(period_months - 1, "M"), last)
        keep = (pts.month >= s) & (pts.month <= e)
        counts.append(hs.grid_counts(grid, pts.x[keep], pts.y[keep]))
        labels.append(f"{s}" if s == e else f"{s} to {e}")
    res = hs.classify(counts, w, labels=labels)
    by = res.counts_by_class()
    total = np.sum(counts, axis=0)
    hot_rank = {"persistent hotspot": 4, "emerging hotspot": 3, "intermittent hotspot": 2, "former hotspot": 1}
    level = np.array([hot_rank.get(c, 0) for c in res.classes], dtype=float)
    rank = np.where(level > 0, level * 1e9 + total, np.nan)
    short = f" (last period {months_between(*_last(starts, last))} months)" if span % period_months else ""
    return MethodOutput(
        columns={
            "periods_hot": res.sig_hot.sum(axis=0),
            "periods_cold": res.sig_cold.sum(axis=0),
            "count_all_periods": total,
            "hotspot_category": res.classes,
            "persistence_class": res.persistence.classes,
            "trend_z": res.persistence.trend_z,
            "trend_p": res.persistence.trend_p,
        },
        meta={
            "periods": res.labels,
            "periods_skipped_empty": res.skipped,
            "period_months": period_months,
            "recent_periods": res.recent_periods,
            "params": res.params.__dict__,
            "classes": by,
            "definitions": "sfhotspot hotspot_classify: significant = Gi* (binary queen/hex contiguity with self) "
            "BH-adjusted two-sided p < critical_p; persistent >= persistent_prop of periods; emerging < hotspot_prop "
            "of older and >= recent_prop of recent periods; former >= hotspot_prop of older and < hotspot_prop of "
            "recent; intermittent >= hotspot_prop of all periods",
            "jaccard": [float(v) for v in res.persistence.jaccard],
        },
        values=res.classes,
        categories=hs.CLASSIFY_CLASSES,
        colours=CLASSIFY_COLOURS,
        title=f"Hot spot categories over time: {what}",
        subtitle=f"{len(res.labels)} periods of {period_months} month{'s' if period_months > 1 else ''}{short}, "
        f"{first} to {last}; last {res.recent_periods} recent · Gi* per period, BH FDR 5% · "
        f"{grid.cell_size:g} m cells (sfhotspot categories)",
        value_label="category (cells)",
        rank=rank,
        lines=[f"  {k}: {v:,}" for k, v in by.items() if v and k != "no pattern"],
    )


def run_gistar(
    grid, counts, neighbours, distance, k, permutations, seed, classify_by, what, period, engine="duckdb", master=None
) -> MethodOutput:
    if engine == "spark":
        res = _gistar_on_spark(grid, counts, neighbours, distance, permutations, seed, classify_by, master)
    else:
        w = weights_for(grid, neighbours, distance, k)
        res = hs.gistar(counts, w, permutations=permutations, seed=seed, classify_by=classify_by)
    columns = {"G": res.G, "EG": res.EG, "VG": res.VG, "z": res.z, "p_norm": res.p_norm}
    if res.p_sim is not None:
        columns["p_sim"] = res.p_sim
    columns.update(p_two_sided=res.p_two, q_fdr=res.q, hotspot_class=res.classes)
    hot = np.char.startswith(res.classes.astype(str), "Hot")
    nb = "six hexagon" if grid.kind == "hex" else neighbours
    return MethodOutput(
        columns=columns,
        meta={
            "neighbours": "hex contiguity" if grid.kind == "hex" and neighbours in ("queen", "rook") else nb,
            "permutations": permutations,
            "seed": seed,
            "classes": res.counts_by_class(),
            "classify_by": classify_by,
            "fdr": "Benjamini-Hochberg on two-sided p-values (2 x p_norm, or the tie-aware permutation p)",
        },
        values=res.classes,
        categories=hs.CLASS_LABELS,
        title=f"Hot spots (Getis-Ord Gi*): {what}",
        subtitle=f"{period} · {grid.cell_size:g} m cells, {nb} neighbours, {permutations} permutations; classes "
        f"from {'z-scores' if classify_by == 'norm' else 'permutations'}, Benjamini-Hochberg FDR-adjusted",
        value_label="Gi* class (cells)",
        rank=np.where(hot, res.z, np.nan),
        lines=[f"  {label}: {n:,}" for label, n in res.counts_by_class().items() if n],
    )


def _gistar_on_spark(grid, counts, neighbours, distance, permutations, seed, classify_by, master):
    """Gi* in tiles on Spark (``svduty.analysis.hotspots.spark``): the same z and p_sim as the one-machine run."""
    import pandas as pd

    from svduty.analysis import AnalysisError
    from svduty.analysis.hotspots.spark import gistar_spark, local_session
    from svduty.analysis.hotspots.tiled import lattice_offsets

    if grid.kind == "hex" or neighbours == "knn":
        raise AnalysisError("--engine spark runs Gi* on square cells with queen, rook or distance neighbours")
    band = distance if distance is not None else 1.5 * grid.cell_size
    offsets = lattice_offsets(neighbours, distance=band, cell_size=grid.cell_size)
    spark = local_session(master)
    frame = pd.DataFrame({"row": grid.rows, "col": grid.cols, "y": np.asarray(counts, dtype=float)})
    cells = spark.createDataFrame(frame)
    return gistar_spark(spark, cells, offsets, permutations=permutations, seed=seed, classify_by=classify_by)


def weights_for(grid, neighbours, distance, k):
    cx, cy = grid.centres()
    if neighbours == "distance":
        return hs.distance_band_weights(cx, cy, distance if distance is not None else 1.5 * grid.cell_size)
    if neighbours == "knn":
        return hs.knn_weights(cx, cy, k)
    return hs.contiguity_weights(grid, rook=neighbours == "rook")


def run_kde(grid, pts, bandwidth, kernel, what, period) -> MethodOutput:
    bw = bandwidth if bandwidth is not None else hs.default_bandwidth(pts.x, pts.y, kernel)
    dens = hs.kde(grid, pts.x, pts.y, bandwidth=bw, kernel=kernel)
    return MethodOutput(
        columns={"density_per_km2": dens},
        meta={"kernel": kernel, "bandwidth_m": bw},
        values=dens,
        title=f"Kernel density: {what}",
        subtitle=f"{period} · {kernel} kernel, bandwidth {bw:,.0f} m, {grid.cell_size:g} m "
        f"{'hexagons' if grid.kind == 'hex' else 'cells'}",
        value_label="incidents per km²",
        rank=_local_peaks(grid, dens, bw, floor=float(np.quantile(dens, 0.9))),
    )


def spaced_top(grid, rank, n: int, spacing: float) -> np.ndarray:
    """Positions of the ``n`` best-ranked cells, each at least ``spacing`` metres from a better one, best first.

    Adjacent cells of one hot place would otherwise take every label; this names n places instead.
    """
    ranked = np.nonzero(np.isfinite(rank))[0]
    order = ranked[np.argsort(-rank[ranked], kind="stable")]
    cx, cy = grid.centres()
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= n:
            break
        if chosen:
            d = np.hypot(cx[chosen] - cx[i], cy[chosen] - cy[i])
            if (d < spacing - 1e-6).any():
                continue
        chosen.append(int(i))
    return np.asarray(chosen, dtype=np.int64)


def _local_peaks(grid, values, radius: float, floor: float = 0.0) -> np.ndarray:
    """Rank only cells that are the highest within ``radius`` (so ten labels name ten places, not one blob) and
    above ``floor`` (the top tenth of cells: a bump on the fringe is not a hot place)."""
    from scipy.spatial import cKDTree

    cx, cy = grid.centres()
    tree = cKDTree(np.column_stack([cx, cy]))
    order = np.argsort(-values)
    taken = np.zeros(values.size, dtype=bool)
    rank = np.full(values.size, np.nan)
    for i in order[: min(values.size, 5000)]:
        if values[i] <= max(floor, 0.0):
            break
        if taken[i]:
            continue
        rank[i] = values[i]
        taken[tree.query_ball_point([cx[i], cy[i]], radius)] = True
    return rank


def run_concentration(grid, counts, what, period) -> MethodOutput:
    summary = hs.concentration(counts)
    c = summary
    return MethodOutput(
        columns={},
        meta={"concentration": summary},
        values=counts,
        title=f"Incidents per cell: {what}",
        subtitle=f"{period} · {grid.cell_size:g} m cells · top 5% of cells hold {summary['top_5pct']:.0%} of "
        f"incidents; Gini {summary['gini']:.2f}, generalised Gini {summary['generalised_gini']:.2f}",
        value_label="incidents",
        rank=np.where(counts > 0, counts.astype(float), np.nan),
        lines=[
            f"  top 1/5/10/20% of cells: {c['top_1pct']:.1%} / {c['top_5pct']:.1%} / {c['top_10pct']:.1%} / "
            f"{c['top_20pct']:.1%} of incidents; Gini {c['gini']:.3f}; generalised Gini {c['generalised_gini']:.3f}"
        ],
    )


def _last(starts: list[np.datetime64], last: np.datetime64) -> tuple[np.datetime64, np.datetime64]:
    return starts[-1], last


def month_label(d: date | None) -> str | None:
    return f"{d:%Y-%m}" if d else None
