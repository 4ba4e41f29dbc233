"""Scale: Gi* with 999 permutations on a national 250 m grid of England and Wales from the real national month.

Grid: every 250 m cell whose centre lies in an LSOA 2021 polygon (``../shared/data/real/geo``; ~2.4M land cells),
counts from the 40-force police.uk national month (``../shared/data/real/police-uk/national``). Each engine runs in
its own process so its wall time and peak RSS are its own:

* ``whole``  — :func:`svduty.analysis.hotspots.gistar` over the whole-grid queen weights (one sparse matrix), 2 threads;
* ``tiled``  — :func:`svduty.analysis.hotspots.tiled.gistar_tiled`, 512-cell tiles with a 1-cell halo, 2 threads;
* ``spark``  — :func:`svduty.analysis.hotspots.spark.gistar_spark` on Spark ``local[2]`` (skipped without PySpark).

Goal (issue "Scale-out" item 6): ≤ 60 s on 2 cores, memory bounded, z identical to the whole-grid analytic formula.
The table prints each engine's seconds and peak RSS and whether its z and p_sim equal the whole-grid run's.

National decade (item 5, ``--part decade``): the real national month ingested by svduty's validated police.uk
adapter, then repeated over 120 months with shifted months (and ingest/incident ids; deterministic) into ~60M rows;
exported with ``svduty export parquet``; the national summary (counts by force × month × crime type, top 100 LSOAs by
SV, SV share per force: ``svduty.analysis.tables.national_summary``) on DuckDB over the workspace and on Spark
local[2] over the Parquet dataset; the two answers compared. Comparators: bare DuckDB ``read_csv`` beside the ingest,
the same summary as hand-written DuckDB SQL beside the Ibis one. Goals: DuckDB summary ≤ 60 s with peak RSS ≤ 8 GiB,
Spark within 5× DuckDB.

    python benchmarks/scale.py                 # both parts
    python benchmarks/scale.py --part decade   # or --part gistar
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
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
    parser.add_argument("--part", default="all", choices=["all", "gistar", "decade"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "svduty-bench-scale"))
    args, _ = parser.parse_known_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.child in DECADE_CHILDREN:
        DECADE_CHILDREN[args.child](out)
        return 0
    if args.child:
        run_engine(args.child, Path(args.inputs), out)
        return 0
    if not (REAL / "MANIFEST.md").exists():
        print("../shared/data/real is not beside this checkout: nothing to measure")
        return 0
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min; 2 cores)")
    if args.part in ("all", "decade"):
        decade(out)
    if args.part in ("all", "gistar"):
        gistar_part(out, args.engines)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def gistar_part(out: Path, engines: str) -> None:
    inputs = build_inputs(out)
    n = int(np.load(inputs)["counts"].size)
    rows = []
    for engine in engines.split(","):
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


# -- national decade ---------------------------------------------------------------------------------------------
DECADE_MONTHS = 120
MONTH_FILES = REAL / "police-uk" / "national" / "2021-08"


def _peak_kib(pid: int | str = "self") -> int:
    """VmHWM of a process (not ru_maxrss: Linux carries ru_maxrss across exec)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), 0))


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(
                    next(x for x in (entry / "status").read_text().splitlines() if x.startswith("PPid:")).split()[1]
                )
            except (OSError, StopIteration, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _report(**figures) -> None:
    print("RESULT " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)


def decade_build(out: Path) -> None:
    """Child: ingest the real month (validated), repeat it over 120 months, export Parquet; bare read_csv beside."""
    import duckdb

    from svduty.data import parquet_export, police_uk
    from svduty.data.workspace import Workspace

    files = sorted(MONTH_FILES.glob("*-street.csv"))
    ws_dir, parquet = out / "decade-ws", out / "decade-parquet"
    for path in (ws_dir, parquet, out / "bare.duckdb"):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    bare = duckdb.connect(str(out / "bare.duckdb"))
    quoted = ", ".join("'" + str(f) + "'" for f in files)
    bare.execute(f"CREATE TABLE t AS SELECT * FROM read_csv([{quoted}], header=true, all_varchar=true)")
    bare_s = time.perf_counter() - t0
    bare.close()
    (out / "bare.duckdb").unlink()
    t0 = time.perf_counter()
    with Workspace.create(ws_dir) as ws:
        police_uk.ingest(ws, [MONTH_FILES])
        ingest_s = time.perf_counter() - t0
        month_rows = ws.con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        t0 = time.perf_counter()
        con = ws.con
        con.execute("BEGIN")
        con.execute(
            f"INSERT INTO ingests SELECT g.* REPLACE (g.ingest_id + r.k * 1000 AS ingest_id, "
            f"(g.month - to_months(r.k::INTEGER))::DATE AS month, g.file_name || '#shift-' || r.k AS file_name) "
            f"FROM ingests g, range(1, {DECADE_MONTHS}) r(k)"
        )
        con.execute(
            f"INSERT INTO incidents SELECT i.* REPLACE (i.incident_id + r.k * 1000 * 4294967296 AS incident_id, "
            f"i.ingest_id + r.k * 1000 AS ingest_id, (i.month - to_months(r.k::INTEGER))::DATE AS month) "
            f"FROM incidents i, range(1, {DECADE_MONTHS}) r(k)"
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        repeat_s = time.perf_counter() - t0
        rows = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        t0 = time.perf_counter()
        parquet_export.export(con, parquet, ws.schema_version())
        export_s = time.perf_counter() - t0
    _report(
        month_rows=month_rows,
        rows=rows,
        bare_s=f"{bare_s:.2f}",
        ingest_s=f"{ingest_s:.2f}",
        repeat_s=f"{repeat_s:.2f}",
        export_s=f"{export_s:.2f}",
        peak_kib=_peak_kib(),
    )


HAND_SQL = {
    "force_month_type": """SELECT i.force, i.month, i.offence_group, count(*) AS n FROM incidents i
        JOIN ingests g USING (ingest_id) WHERE g.status = 'active' AND i.source <> 'synthetic'
        GROUP BY ALL ORDER BY 1, 2, 3""",
    "top_lsoas": """SELECT i.lsoa_code AS code, count(*) AS sv FROM incidents i JOIN ingests g USING (ingest_id)
        WHERE g.status = 'active' AND i.source <> 'synthetic' AND i.sv_category IS NOT NULL AND i.lsoa_code IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 100""",
    "sv_share_by_force": """SELECT i.force, count(*) AS recorded, count(*) FILTER (WHERE sv_category IS NOT NULL) AS sv,
        count(*) FILTER (WHERE sv_category IS NOT NULL) / count(*) AS sv_share FROM incidents i
        JOIN ingests g USING (ingest_id) WHERE g.status = 'active' AND i.source <> 'synthetic'
        AND i.offence_group <> 'Anti-social behaviour' GROUP BY 1 ORDER BY 1""",
}


def _summary(engine, out: Path, label: str) -> float:
    from svduty.analysis import tables

    t0 = time.perf_counter()
    exprs = tables.national_summary(tables.canonical("incidents"), tables.canonical("ingests"))
    for name, expr in exprs.items():
        engine.run(expr).to_parquet(out / f"summary-{label}-{name}.parquet")
    return time.perf_counter() - t0


def decade_duckdb(out: Path) -> None:
    """Child: the national summary on DuckDB (Ibis), then the hand-written SQL comparator."""
    from svduty.analysis.engine import duckdb_engine
    from svduty.data.workspace import Workspace

    with Workspace.open(out / "decade-ws", read_only=True) as ws:
        seconds = _summary(duckdb_engine(ws.con), out, "duckdb")
        peak = _peak_kib()
        t0 = time.perf_counter()
        for sql in HAND_SQL.values():
            ws.con.execute(sql).df()
        hand_s = time.perf_counter() - t0
    _report(summary_s=f"{seconds:.2f}", hand_s=f"{hand_s:.2f}", peak_kib=peak)


def decade_spark(out: Path) -> None:
    """Child: the same Ibis summary on Spark local[2] over the Parquet dataset; RSS = driver + JVM."""
    from svduty.analysis.engine import spark_engine
    from svduty.analysis.hotspots.spark import local_session

    t0 = time.perf_counter()
    session = local_session("local[2]", "svduty-bench-decade")
    start_s = time.perf_counter() - t0
    seconds = _summary(spark_engine(session, str(out / "decade-parquet")), out, "spark")
    peak = _peak_kib() + sum(_peak_kib(p) for p in _descendants(os.getpid()))
    session.stop()
    _report(summary_s=f"{seconds:.2f}", start_s=f"{start_s:.2f}", peak_kib=peak)


DECADE_CHILDREN = {"decade-build": decade_build, "decade-duckdb": decade_duckdb, "decade-spark": decade_spark}


def _child(name: str, out: Path) -> dict[str, str]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, "--out", str(out)], capture_output=True, text=True
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode or line is None:
        tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        return {"error": tail}
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def decade(out: Path) -> None:
    import pandas as pd

    build = _child("decade-build", out)
    if "error" in build:
        print(f"national decade: build failed: {build['error']}")
        return
    duck = _child("decade-duckdb", out)
    try:
        import pyspark  # noqa: F401

        spark = _child("decade-spark", out)
    except ImportError:
        spark = {"error": "PySpark not installed (pip install 'svduty[spark]')"}
    gib = lambda kib: f"{int(kib) / 1024 / 1024:.2f} GiB"  # noqa: E731
    rows, month = int(build["rows"]), int(build["month_rows"])
    print(f"\nNational decade: the real 40-force month ({month:,} rows) repeated over {DECADE_MONTHS} months")
    print(f"{'step':46} {'rows':>12} {'seconds':>9}  peak RSS")
    print(f"{'bare DuckDB read_csv of the month (comparator)':46} {month:>12,} {float(build['bare_s']):9.1f}")
    print(f"{'svduty validated ingest of the month':46} {month:>12,} {float(build['ingest_s']):9.1f}")
    print(f"{'repeat over 120 months (DuckDB INSERT … SELECT)':46} {rows:>12,} {float(build['repeat_s']):9.1f}")
    print(
        f"{'svduty export parquet (force × month)':46} {rows:>12,} {float(build['export_s']):9.1f}  "
        f"{gib(build['peak_kib'])} (build process)"
    )
    if "error" in duck:
        print(f"national summary, DuckDB: failed: {duck['error']}")
    else:
        seconds = float(duck["summary_s"])
        print(f"{'national summary, DuckDB (Ibis)':46} {rows:>12,} {seconds:9.1f}  {gib(duck['peak_kib'])}")
        print(f"{'  same summary, hand-written DuckDB SQL':46} {rows:>12,} {float(duck['hand_s']):9.1f}")
    if "error" in spark:
        print(f"national summary, Spark local[2]: {spark['error']}")
    else:
        print(
            f"{'national summary, Spark local[2] (Ibis, Parquet)':46} {rows:>12,} {float(spark['summary_s']):9.1f}  "
            f"{gib(spark['peak_kib'])} (driver + JVM; session start {float(spark['start_s']):.1f} s apart)"
        )
        if "error" not in duck:
            ratio = float(spark["summary_s"]) / float(duck["summary_s"])
            same = all(
                pd.read_parquet(out / f"summary-duckdb-{n}.parquet").equals(
                    pd.read_parquet(out / f"summary-spark-{n}.parquet")
                )
                for n in HAND_SQL
            )
            print(f"Spark / DuckDB: {ratio:.1f}× (goal ≤ 5×); same answer on both engines: {same}")
    print(f"goals: DuckDB summary ≤ 60 s and ≤ 8 GiB; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
