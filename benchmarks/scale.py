"""Scale: Gi* with 999 permutations on a national 250 m grid of England and Wales from the real national month.

Grid: every 250 m cell whose centre lies in an LSOA 2021 polygon (``../shared/data/real/geo``; ~2.4M land cells),
counts from the 40-force police.uk national month (``../shared/data/real/police-uk/national``). Each engine runs in
its own process so its wall time and peak RSS are its own:

* ``whole``  — :func:`svduty.analysis.hotspots.gistar` over the whole-grid queen weights (one sparse matrix), 2 threads;
* ``tiled``  — :func:`svduty.analysis.hotspots.tiled.gistar_tiled`, 512-cell tiles with a 1-cell halo, 2 threads;
* ``spark``  — :func:`svduty.analysis.hotspots.spark.gistar_spark` on Spark ``local[2]`` (skipped without PySpark).

Goal (issue "Scale-out" item 6): ≤ 60 s on 2 cores, memory bounded, z identical to the whole-grid analytic formula.
The table prints each engine's seconds and peak RSS and whether its z and p_sim equal the whole-grid run's.
Not yet here: the national-decade ingest and summary on DuckDB vs Spark (item 5), which need the Ibis layer.
"""

from __future__ import annotations

import argparse
import glob
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "data" / "real"
PERMUTATIONS = 999


def _gpkg_geometries(path: Path, table: str):
    """Shapely geometries of a GeoPackage table (SQLite + a small header before standard WKB; no GDAL needed)."""
    import shapely

    envelope_bytes = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        column = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", [table]).fetchone()[
            0
        ]
        blobs = [row[0] for row in con.execute(f'SELECT "{column}" FROM "{table}"')]
    wkb = [b[8 + envelope_bytes[(b[3] >> 1) & 0b111] :] for b in blobs]
    return shapely.from_wkb(wkb)


def build_inputs(out: Path) -> Path:
    """Land cells of the national 250 m grid and their counts, saved as .npz (cached in ``out``)."""
    import pandas as pd
    import shapely

    from svduty.analysis.hotspots import from_bng, grid_counts, make_grid, to_bng

    target = out / "national_250m.npz"
    if target.exists():
        return target
    t0 = time.perf_counter()
    files = sorted(glob.glob(str(REAL / "police-uk/national/2021-08/*.csv")))
    df = pd.concat([pd.read_csv(f, usecols=["Longitude", "Latitude"]) for f in files]).dropna()
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    full = make_grid(x, y, 250)
    cx, cy = full.centres()
    lon, lat = from_bng(cx, cy)
    polygons = _gpkg_geometries(REAL / "geo/lsoa21_boundaries.gpkg", "lsoa21")
    tree = shapely.STRtree(polygons)
    hits = tree.query(shapely.points(lon, lat), predicate="within")[0]
    land = np.zeros(full.n_cells, dtype=bool)
    land[hits] = True
    cells = full.cells[land]
    from svduty.analysis.hotspots.grid import Grid

    grid = Grid(full.x0, full.y0, full.cell_size, full.nrows, full.ncols, cells)
    counts = grid_counts(grid, x, y).astype(float)
    np.savez(target, rows=grid.rows, cols=grid.cols, cells=cells, counts=counts, nrows=full.nrows, ncols=full.ncols)
    print(
        f"grid: {full.n_cells:,} cells in the national box, {cells.size:,} on land, {len(x):,} located crimes "
        f"({int(counts.sum()):,} on land cells); built in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    return target


def run_engine(engine: str, inputs: Path, out: Path) -> None:
    """Child process: one engine, result arrays to ``out/<engine>.npz``, then its own timing on stdout."""
    data = np.load(inputs)
    rows, cols, counts = data["rows"], data["cols"], data["counts"]
    t0 = time.perf_counter()
    if engine == "whole":
        from svduty.analysis.hotspots import contiguity_weights, gistar
        from svduty.analysis.hotspots.grid import Grid

        grid = Grid(0.0, 0.0, 250.0, int(data["nrows"]), int(data["ncols"]), data["cells"])
        res = gistar(counts, contiguity_weights(grid), permutations=PERMUTATIONS, seed=1, n_jobs=2)
    elif engine == "tiled":
        from svduty.analysis.hotspots.tiled import gistar_tiled, lattice_offsets

        res = gistar_tiled(
            rows, cols, counts, lattice_offsets(), tile_size=512, permutations=PERMUTATIONS, seed=1, n_jobs=2
        )
    else:
        import pandas as pd

        from svduty.analysis.hotspots.spark import gistar_spark, local_session
        from svduty.analysis.hotspots.tiled import lattice_offsets

        spark = local_session("local[2]", "svduty-bench")
        frame = spark.createDataFrame(pd.DataFrame({"row": rows, "col": cols, "y": counts}))
        res = gistar_spark(spark, frame, lattice_offsets(), tile_size=256, permutations=PERMUTATIONS, seed=1)
        spark.stop()
    seconds = time.perf_counter() - t0
    np.savez(out / f"{engine}.npz", z=res.z, p_sim=res.p_sim)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child would report its parent's peak
    status = Path("/proc/self/status").read_text()
    peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    print(f"{seconds:.3f} {peak}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="whole,tiled,spark")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "svduty-bench-scale"))
    args, _ = parser.parse_known_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        run_engine(args.child, Path(args.inputs), out)
        return 0
    if not (REAL / "MANIFEST.md").exists():
        print("../shared/data/real is not beside this checkout: nothing to measure")
        return 0
    inputs = build_inputs(out)
    n = int(np.load(inputs)["counts"].size)
    rows = []
    for engine in args.engines.split(","):
        if engine == "spark":
            try:
                import pyspark  # noqa: F401
            except ImportError:
                rows.append((engine, "skipped: PySpark not installed (pip install 'svduty[spark]')"))
                continue
        proc = subprocess.run(
            [sys.executable, __file__, "--child", engine, "--inputs", str(inputs), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            rows.append((engine, f"failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}"))
            continue
        seconds, peak_kib = proc.stdout.strip().splitlines()[-1].split()
        rows.append((engine, f"{float(seconds):8.1f} s   peak RSS {int(peak_kib) / 1024 / 1024:.2f} GiB"))
    whole = out / "whole.npz"
    print(f"\nGi* with {PERMUTATIONS} permutations, national 250 m land grid, {n:,} cells, 2 cores")
    print(f"{'engine':8} result")
    for engine, text in rows:
        same = ""
        if whole.exists() and (out / f"{engine}.npz").exists() and engine != "whole":
            a, b = np.load(whole), np.load(out / f"{engine}.npz")
            z_same = np.array_equal(a["z"], b["z"], equal_nan=True)
            p_same = np.array_equal(a["p_sim"], b["p_sim"], equal_nan=True)
            same = f"   z identical: {z_same}, p_sim identical: {p_same}"
        print(f"{engine:8} {text}{same}")
    print("(peak RSS: the engine's Python process; for Spark the JVM and its Python workers run apart and are not")
    print(" counted — the driver holds the collected per-cell results only.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
