"""Hot spot engine against its references, side by side: KDE vs scikit-learn, Gi* vs PySAL esda.

Data: every located crime of the national police.uk month 2021-08 (40 forces, ~355k points), projected to BNG;
10k and 100k points are random subsets, 1M is the set resampled with replacement (police.uk points are snapped to a
finite set of map points: the 354,913 located crimes sit on 161,557 distinct points, and the 1M set on ~156k, which
our KDE merges into weighted points); "1M distinct" jitters every point by up to ±100 m so no two coincide, the
worst case for the exact methods. Grids cover England and Wales' extent of the points with square cells sized to
give ~1k, ~10k, ~50k and 250k (500 × 500) cells.

* KDE: ``svduty`` (``auto``: the exact row-polynomial method for the Epanechnikov and quartic kernels) vs
  ``sklearn.neighbors.KernelDensity(kernel="epanechnikov", rtol=0, atol=0)`` — the same kernel and bandwidth (the
  documented default rule, MASS::bandwidth.nrd), evaluated at cell centres. scikit-learn is timed on a random
  sample of cells (``--sk-cells``, default 2,000) and its time scaled to the whole grid (it evaluates one cell at a
  time, so the scaling is linear); the accuracy column is our max relative error against it on those cells where the
  density exceeds 1% of the maximum. Our quartic time is shown too (sklearn has no quartic kernel).
* Gi*: ``svduty.gistar`` vs ``esda.G_Local`` with 999 permutations, queen contiguity, binary weights, star, on the
  counts of all points per cell; single-threaded and with n_jobs=2 for both. First-call (numba JIT) times are
  reported separately. ``max |Δz|`` compares the analytic z-scores.

Run: ``.venv/bin/python benchmarks/hotspots.py`` (about 3 minutes on 2 cores, most of it esda and its JIT), or
``--quick`` (skips esda at 50k cells and sklearn on 1M points).
"""

from __future__ import annotations

import argparse
import glob
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "police-uk" / "national" / "2021-08"


def load_points() -> tuple[np.ndarray, np.ndarray]:
    from svduty.analysis.hotspots import core_points, to_bng

    frames = [pd.read_csv(f, usecols=["Longitude", "Latitude"]) for f in sorted(glob.glob(str(DATA / "*.csv")))]
    df = pd.concat(frames).dropna()
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    ok = (x > 0) & (x < 700_000) & (y > 0) & (y < 1_300_000)  # BNG's own extent
    x, y = x[ok], y[ok]
    core = core_points(x, y, radius=15_000.0, min_neighbours=3)
    return x[core], y[core]


def grid_with_cells(x, y, target: int):
    from svduty.analysis.hotspots import make_grid

    area = (x.max() - x.min()) * (y.max() - y.min())
    cell = float(np.ceil(np.sqrt(area / target)))
    return make_grid(x, y, cell)


def timed(fn, repeat: int = 1):
    best = np.inf
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def kde_rows(x_all, y_all, rng, args) -> list[dict]:
    from sklearn.neighbors import KernelDensity

    from svduty.analysis.hotspots import default_bandwidth, kde

    rows = []
    sizes = [("10k", 10_000, 0.0), ("100k", 100_000, 0.0), ("1M", 1_000_000, 0.0), ("1M distinct", 1_000_000, 100.0)]
    for label, n, jitter in sizes:
        pick = rng.choice(x_all.size, n, replace=False) if n <= x_all.size else rng.choice(x_all.size, n, replace=True)
        x, y = x_all[pick], y_all[pick]
        if jitter:  # every point at its own location: no merging of identical map points
            x = x + rng.uniform(-jitter, jitter, n)
            y = y + rng.uniform(-jitter, jitter, n)
        h = default_bandwidth(x, y)
        for target in (1_000, 10_000, 50_000, 250_000) if not jitter else (250_000,):
            from svduty.analysis.hotspots import make_grid

            if target == 250_000:  # exactly 500 × 500 over the points' extent
                side = max(x.max() - x.min(), y.max() - y.min()) / 499.0
                grid = make_grid(x, y, float(np.ceil(side)))
                grid = make_grid(
                    x,
                    y,
                    grid.cell_size,
                    extent=(grid.x0, grid.y0, grid.x0 + 499.5 * grid.cell_size, grid.y0 + 499.5 * grid.cell_size),
                )
            else:
                grid = grid_with_cells(x, y, target)
            t_epa, dens = timed(lambda: kde(grid, x, y, bandwidth=h, kernel="epanechnikov"), repeat=2)  # noqa: B023
            t_q, _ = timed(lambda: kde(grid, x, y, bandwidth=h, kernel="quartic"), repeat=2)  # noqa: B023
            row = {
                "task": "KDE",
                "cells": f"{grid.n_cells:,} ({grid.nrows}×{grid.ncols}, {grid.cell_size:,.0f} m)",
                "points": label,
                "ours_s": t_epa,
                "ours_note": f"quartic {t_q:.3f}s; h={h / 1000:.1f} km",
                "reference": "sklearn KernelDensity epanechnikov",
            }
            if label.startswith("1M") and args.quick:
                row.update(ref_s=np.nan, speedup=np.nan, accuracy="skipped (--quick)")
                rows.append(row)
                continue
            cx, cy = grid.centres()
            m = min(args.sk_cells, grid.n_cells)
            sample = rng.choice(grid.n_cells, m, replace=False)
            t_fit, fit = timed(
                lambda: KernelDensity(kernel="epanechnikov", bandwidth=h, rtol=0, atol=0).fit(  # noqa: B023
                    np.column_stack([x, y])  # noqa: B023
                )
            )
            t_eval, logd = timed(lambda: fit.score_samples(np.column_stack([cx[sample], cy[sample]])))  # noqa: B023
            ref = np.exp(logd) * x.size * 1e6
            t_ref = t_fit + t_eval * grid.n_cells / m
            ours = dens[sample]
            big = ref > 0.01 * ref.max()
            err = float(np.max(np.abs(ours[big] - ref[big]) / ref[big])) if big.any() else np.nan
            row.update(
                ref_s=t_ref,
                speedup=t_ref / t_epa,
                accuracy=f"max rel err {err:.1e} ({m:,} cells{' , scaled' if m < grid.n_cells else ''})",
            )
            rows.append(row)
            print(f"  KDE {label} points, {grid.n_cells:,} cells: ours {t_epa:.3f}s, sklearn {t_ref:.1f}s", flush=True)
    return rows


def hex_kde_rows(x, y, rng, args) -> list[dict]:
    """Kernel density on hexagons (``--grid hex``) at the national month's points, against scikit-learn."""
    from sklearn.neighbors import KernelDensity

    from svduty.analysis.hotspots import kde, make_grid

    rows = []
    for cell in (2000.0, 1000.0):
        grid = make_grid(x, y, cell, shape="hex")
        h = 3000.0
        kde(grid, x[:10], y[:10], bandwidth=h, kernel="epanechnikov")  # JIT outside the timing
        t_ours, dens = timed(lambda: kde(grid, x, y, bandwidth=h, kernel="epanechnikov"), repeat=2)  # noqa: B023
        cx, cy = grid.centres()
        m = min(args.sk_cells, grid.n_cells)
        sample = rng.choice(grid.n_cells, m, replace=False)
        t_fit, fit = timed(
            lambda: KernelDensity(kernel="epanechnikov", bandwidth=h, rtol=0, atol=0).fit(np.column_stack([x, y]))  # noqa: B023
        )
        t_eval, logd = timed(lambda: fit.score_samples(np.column_stack([cx[sample], cy[sample]])))  # noqa: B023
        ref = np.exp(logd) * x.size * 1e6
        t_ref = t_fit + t_eval * grid.n_cells / m
        big = ref > 0.01 * ref.max()
        err = float(np.max(np.abs(dens[sample][big] - ref[big]) / ref[big])) if big.any() else np.nan
        rows.append(
            {
                "task": "KDE (hex)",
                "cells": f"{grid.n_cells:,} hexagons, {cell:,.0f} m across flats",
                "points": f"{x.size:,}",
                "ours_s": t_ours,
                "ours_note": f"h={h / 1000:.1f} km",
                "reference": "sklearn KernelDensity epanechnikov",
                "ref_s": t_ref,
                "speedup": t_ref / t_ours,
                "accuracy": f"max rel err {err:.1e} ({m:,} cells, scaled)",
            }
        )
        print(f"  hex KDE {grid.n_cells:,} hexagons: ours {t_ours:.3f}s, sklearn {t_ref:.1f}s", flush=True)
    return rows


def gistar_rows(x, y, args) -> tuple[list[dict], dict]:
    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    from svduty.analysis.hotspots import contiguity_weights, gistar, grid_counts, make_grid

    jit = {}
    # first calls: numba compilation (ours is cached on disk after the first run ever; esda's is not cached)
    small = make_grid(x, y, 50_000.0)
    ys = grid_counts(small, x, y).astype(float)
    jit["ours"], _ = timed(lambda: gistar(ys, contiguity_weights(small), permutations=99, seed=1))
    jit["esda"], _ = timed(
        lambda: G_Local(
            ys, lat2W(small.nrows, small.ncols, rook=False), transform="B", star=True, permutations=99, seed=1, n_jobs=1
        )
    )
    jit["esda n_jobs=2"], _ = timed(
        lambda: G_Local(
            ys, lat2W(small.nrows, small.ncols, rook=False), transform="B", star=True, permutations=99, seed=1, n_jobs=2
        )
    )
    rows = []
    for target in (1_000, 10_000, 50_000):
        grid = grid_with_cells(x, y, target)
        counts = grid_counts(grid, x, y).astype(float)
        w = contiguity_weights(grid)
        for jobs in (1, 2):
            t_ours, res = timed(lambda: gistar(counts, w, permutations=999, seed=1, n_jobs=jobs), repeat=2)  # noqa: B023
            row = {
                "task": f"Gi* 999 perms, n_jobs={jobs}",
                "cells": f"{grid.n_cells:,} ({grid.nrows}×{grid.ncols}, {grid.cell_size:,.0f} m)",
                "points": f"{int(counts.sum()):,}",
                "ours_s": t_ours,
                "ours_note": "",
                "reference": "esda G_Local",
            }
            if target == 50_000 and args.quick:
                row.update(ref_s=np.nan, speedup=np.nan, accuracy="skipped (--quick)")
            else:
                wl = lat2W(grid.nrows, grid.ncols, rook=False)
                t_ref, ref = timed(
                    lambda c=counts, w_=wl, j=jobs: G_Local(
                        c, w_, transform="B", star=True, permutations=999, seed=1, n_jobs=j
                    )
                )
                dz = float(np.nanmax(np.abs(res.z - ref.Zs)))
                dp = float(np.nanmean(np.abs(res.p_sim - ref.p_sim)))
                row.update(ref_s=t_ref, speedup=t_ref / t_ours, accuracy=f"max |Δz| {dz:.1e}; mean |Δp_sim| {dp:.4f}")
            rows.append(row)
            print(
                f"  Gi* {grid.n_cells:,} cells n_jobs={jobs}: ours {t_ours:.3f}s, esda {row['ref_s']:.1f}s", flush=True
            )
    return rows, jit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip esda at 50k cells and sklearn on 1M points")
    parser.add_argument("--sk-cells", type=int, default=2_000, help="cells scikit-learn evaluates (time scaled)")
    parser.add_argument("--only", choices=["kde", "gistar"], default=None)
    args, _ = parser.parse_known_args()  # run_all.py passes its own arguments to every script
    rng = np.random.default_rng(2021)
    t0 = time.perf_counter()
    x, y = load_points()
    print(f"{x.size:,} located police.uk points (2021-08, 40 forces), loaded in {time.perf_counter() - t0:.1f}s")
    rows: list[dict] = []
    jit: dict = {}
    if args.only in (None, "kde"):
        from svduty.analysis.hotspots import kde, make_grid

        g = make_grid(x[:1000], y[:1000], 5000.0)
        t_jit, _ = timed(
            lambda: (
                kde(g, x[:1000], y[:1000], bandwidth=20_000.0, kernel="epanechnikov"),
                kde(g, x[:1000], y[:1000], bandwidth=5_000.0, kernel="quartic", method="exact"),
            )
        )
        jit["ours KDE"] = t_jit
        rows += kde_rows(x, y, rng, args)
        rows += hex_kde_rows(x, y, rng, args)
    if args.only in (None, "gistar"):
        g_rows, g_jit = gistar_rows(x, y, args)
        rows += g_rows
        jit.update(g_jit)
    table = pd.DataFrame(rows)
    table["ours_s"] = table["ours_s"].map(lambda v: f"{v:.3f}")
    table["ref_s"] = table["ref_s"].map(lambda v: "—" if not np.isfinite(v) else f"{v:.2f}")
    table["speedup"] = table["speedup"].map(lambda v: "—" if not np.isfinite(v) else f"{v:,.0f}×")
    table = table.rename(
        columns={"ours_s": "svduty s", "ours_note": "note", "ref_s": "reference s", "speedup": "speed-up"}
    )
    cols = ["task", "cells", "points", "svduty s", "reference", "reference s", "speed-up", "accuracy", "note"]
    print()
    print(_markdown(table[cols]))
    print()
    print(
        "first-call times (numba JIT / cache load), not in the table: "
        + ", ".join(f"{k} {v:.2f}s" for k, v in jit.items())
    )
    print(f"total {time.perf_counter() - t0:.0f}s; machine: {_cpus()} CPUs")


def _markdown(frame: pd.DataFrame) -> str:
    """A Markdown table (pipe format) without the optional ``tabulate`` dependency, ready for an issue comment."""
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
