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
adapter (bare DuckDB ``read_csv`` beside it), then repeated over 120 months with shifted months and ids
(deterministic), one transaction a month in a memory-limited DuckDB (120 × 362,296 = 43.5M rows); exported with
``svduty export parquet`` (a batch of months at a time); the national summary (counts by force × month × crime type,
top 100 LSOAs by SV, SV share per force: ``svduty.analysis.tables.national_summary``) and the Gi* grid counts
(``tables.point_counts``) on DuckDB over the workspace and on Spark local[2] over the Parquet dataset, the answers
compared; then Gi* (whole grid, tiled, Spark) on the decade's counts. Each step is its own process; the parent
samples the RSS of its whole process tree (JVM included) and stops it past ``--max-rss-gib`` or the slot deadline
``SVDUTY_BENCH_DEADLINE`` (epoch seconds). Goals: DuckDB summary ≤ 60 s with peak RSS ≤ 8 GiB, Spark within 5×
DuckDB, tiled Gi* equal to the whole-grid one.

    python benchmarks/scale.py                 # both parts
    python benchmarks/scale.py --part decade   # or --part gistar
    python benchmarks/scale.py --part decade --months 12 --max-rss-gib 6   # a small run on a shared machine
"""

from __future__ import annotations

import argparse
import contextlib
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
    if target.exists() and "x0" in np.load(target):
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
    np.savez(
        target,
        rows=grid.rows,
        cols=grid.cols,
        cells=cells,
        counts=counts,
        nrows=full.nrows,
        ncols=full.ncols,
        x0=full.x0,
        y0=full.y0,
    )
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
    parser.add_argument("--months", type=int, default=DECADE_MONTHS, help="months in the decade (120)")
    parser.add_argument(
        "--max-rss-gib", type=float, default=16.0, help="stop a step whose processes pass this RSS (16 GiB)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "svduty-bench-scale"))
    args, _ = parser.parse_known_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.child in DECADE_CHILDREN:
        DECADE_CHILDREN[args.child](out, args.months)
        return 0
    if args.child:
        run_engine(args.child, Path(args.inputs), out)
        return 0
    if not (REAL / "MANIFEST.md").exists():
        print("../shared/data/real is not beside this checkout: nothing to measure")
        return 0
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min; 2 cores)")
    if args.part in ("all", "gistar"):
        gistar_part(out, args.engines, build_inputs(out), "the real national month", args.max_rss_gib)
    if args.part in ("all", "decade"):
        decade(out, args.months, args.max_rss_gib, args.engines)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def gistar_part(out: Path, engines: str, inputs: Path, label: str, max_rss_gib: float) -> None:
    """Whole-grid, tiled and Spark Gi* on the counts in ``inputs``, each in its own watched process."""
    n = int(np.load(inputs)["counts"].size)
    tag = inputs.stem
    whole = out / f"{tag}-whole.npz"
    whole.unlink(missing_ok=True)
    print(f"\nGi* with {PERMUTATIONS} permutations, national 250 m land grid, {n:,} cells, counts of {label}, 2 cores")
    print(f"{'engine':8} result", flush=True)
    for engine in engines.split(","):
        if engine == "spark":
            try:
                import pyspark  # noqa: F401
            except ImportError:
                print(f"{engine:8} skipped: PySpark not installed (pip install 'svduty[spark]')")
                continue
        (out / f"{engine}.npz").unlink(missing_ok=True)
        cmd = [sys.executable, __file__, "--child", engine, "--inputs", str(inputs), "--out", str(out)]
        proc, tree_kib, killed = _watched(cmd, max_rss_gib)
        if killed:
            print(f"{engine:8} stopped: past {max_rss_gib:g} GiB RSS or the step's time limit", flush=True)
            continue
        if proc.returncode:
            tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode
            print(f"{engine:8} failed: {tail}", flush=True)
            continue
        seconds, _peak = proc.stdout.strip().splitlines()[-1].split()
        mine = out / f"{tag}-{engine}.npz"
        (out / f"{engine}.npz").rename(mine)
        same = ""
        if whole.exists() and engine != "whole":
            a, b = np.load(whole), np.load(mine)
            z_same = np.array_equal(a["z"], b["z"], equal_nan=True)
            p_same = np.array_equal(a["p_sim"], b["p_sim"], equal_nan=True)
            same = f"   z identical: {z_same}, p_sim identical: {p_same}"
        print(f"{engine:8} {float(seconds):8.1f} s   peak RSS {tree_kib / 1024 / 1024:5.2f} GiB{same}", flush=True)
    print("(peak RSS: the engine's process tree, sampled every 0.2 s — for Spark the driver, JVM and Python workers)")


# -- national decade ---------------------------------------------------------------------------------------------
DECADE_MONTHS = 120
STEP_TIMEOUT_S = float(os.environ.get("SVDUTY_BENCH_STEP_TIMEOUT", "900"))  # per child process
DEADLINE = float(os.environ.get("SVDUTY_BENCH_DEADLINE", "0"))  # epoch seconds; 0 = none
MONTH_FILES = REAL / "police-uk" / "national" / "2021-08"
# The build's DuckDB: bounded memory, two threads, no insertion order to keep (row order carries no meaning here).
BUILD_SETTINGS = ("SET memory_limit = '4GB'", "SET threads = 2", "SET preserve_insertion_order = false")


def _peak_kib(pid: int | str = "self") -> int:
    """VmHWM of a process (not ru_maxrss: Linux carries ru_maxrss across exec)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), 0))


def _report(**figures) -> None:
    print("RESULT " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)


def _month_shift_sql(k: int) -> tuple[str, str]:
    """INSERT … SELECT of the real month's ingests and incidents moved ``k`` months back (ids shifted: unique,
    deterministic)."""
    ingests = (
        f"INSERT INTO ingests SELECT g.* REPLACE (g.ingest_id + {k} * 1000 AS ingest_id, "
        f"(g.month - to_months({k}))::DATE AS month, g.file_name || '#shift-{k}' AS file_name, "
        f"g.sha256 || '-{k}' AS sha256) FROM ingests g WHERE g.ingest_id < 1000"
    )
    incidents = (
        f"INSERT INTO incidents SELECT i.* REPLACE (i.incident_id + {k} * 1000 * 4294967296 AS incident_id, "
        f"i.ingest_id + {k} * 1000 AS ingest_id, (i.month - to_months({k}))::DATE AS month) "
        f"FROM incidents i WHERE i.ingest_id < 1000"
    )
    return ingests, incidents


def decade_build(out: Path, months: int) -> None:
    """Child: bare read_csv and svduty's validated ingest of the real month, then the month repeated ``months - 1``
    times (one transaction per month: memory bounded), then ``svduty export parquet`` (a batch of months at a time).
    """
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
    bare.execute(f"CREATE TABLE t AS SELECT * FROM read_csv([{quoted}], union_by_name = true)")
    bare.execute("CHECKPOINT")
    bare_s = time.perf_counter() - t0
    bare.close()
    (out / "bare.duckdb").unlink()
    t0 = time.perf_counter()
    with Workspace.create(ws_dir) as ws:
        police_uk.ingest(ws, [MONTH_FILES])
        ws.con.execute("CHECKPOINT")
        ingest_s = time.perf_counter() - t0
        con = ws.con
        month_rows = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        for statement in BUILD_SETTINGS:  # after the ingest, which keeps file order
            con.execute(statement)
        t0 = time.perf_counter()
        for k in range(1, months):
            con.execute("BEGIN")
            for statement in _month_shift_sql(k):
                con.execute(statement)
            con.execute("COMMIT")
            if k % 24 == 0:
                con.execute("CHECKPOINT")
        con.execute("CHECKPOINT")
        repeat_s = time.perf_counter() - t0
        rows = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        repeat_peak = _peak_kib()
        t0 = time.perf_counter()
        parquet_export.export(con, parquet, ws.schema_version())
        export_s = time.perf_counter() - t0
    _report(
        month_rows=month_rows,
        rows=rows,
        bare_s=f"{bare_s:.2f}",
        ingest_s=f"{ingest_s:.2f}",
        repeat_s=f"{repeat_s:.2f}",
        repeat_peak_kib=repeat_peak,
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


def _cell_counts(engine, out: Path, label: str) -> tuple[float, int]:
    """The decade's located incidents on the national 250 m land grid: points counted on the engine, binned on the
    driver. Saved as ``decade-<label>.npz`` (the layout ``run_engine`` reads)."""
    from svduty.analysis import tables
    from svduty.analysis.hotspots import to_bng
    from svduty.analysis.hotspots.grid import Grid

    t0 = time.perf_counter()
    points = engine.run(tables.point_counts(tables.canonical("incidents"), tables.canonical("ingests")))
    land = np.load(build_inputs(out))
    grid = Grid(float(land["x0"]), float(land["y0"]), 250.0, int(land["nrows"]), int(land["ncols"]), land["cells"])
    x, y = to_bng(points["lon"].to_numpy(), points["lat"].to_numpy())
    idx = grid.cell_index(x, y)
    counts = np.bincount(idx[idx >= 0], weights=points["n"].to_numpy()[idx >= 0], minlength=grid.n_cells)
    seconds = time.perf_counter() - t0
    np.savez(
        out / f"decade-{label}.npz",
        rows=land["rows"],
        cols=land["cols"],
        cells=land["cells"],
        counts=counts,
        nrows=land["nrows"],
        ncols=land["ncols"],
        x0=land["x0"],
        y0=land["y0"],
    )
    return seconds, len(points)


def decade_duckdb(out: Path, months: int) -> None:
    """Child: the national summary on DuckDB (Ibis) over the workspace, the hand-written SQL comparator, and the
    decade's counts on the national Gi* grid."""
    from svduty.analysis.engine import duckdb_engine
    from svduty.data.workspace import Workspace

    build_inputs(out)  # the land grid, cached: not part of the timed steps
    with Workspace.open(out / "decade-ws", read_only=True) as ws:
        engine = duckdb_engine(ws.con)
        seconds = _summary(engine, out, "duckdb")
        t0 = time.perf_counter()
        for sql in HAND_SQL.values():
            ws.con.execute(sql).df()
        hand_s = time.perf_counter() - t0
        cells_s, points = _cell_counts(engine, out, "duckdb")
    _report(summary_s=f"{seconds:.2f}", hand_s=f"{hand_s:.2f}", cells_s=f"{cells_s:.2f}", points=points)


def decade_spark(out: Path, months: int) -> None:
    """Child: the same Ibis summary and grid counts on Spark local[2] over the Parquet dataset."""
    from svduty.analysis.engine import spark_engine
    from svduty.analysis.hotspots.spark import local_session

    build_inputs(out)
    t0 = time.perf_counter()
    session = local_session("local[2]", "svduty-bench-decade")
    start_s = time.perf_counter() - t0
    engine = spark_engine(session, str(out / "decade-parquet"))
    seconds = _summary(engine, out, "spark")
    cells_s, points = _cell_counts(engine, out, "spark")
    session.stop()
    _report(summary_s=f"{seconds:.2f}", start_s=f"{start_s:.2f}", cells_s=f"{cells_s:.2f}", points=points)


DECADE_CHILDREN = {"decade-build": decade_build, "decade-duckdb": decade_duckdb, "decade-spark": decade_spark}


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants now (the Spark JVM and Python workers included)."""
    import psutil

    try:
        proc = psutil.Process(root)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total // 1024


def _watched(
    cmd: list[str], max_rss_gib: float, timeout_s: float | None = None
) -> tuple[subprocess.CompletedProcess, int, bool]:
    """Run ``cmd`` in its own process group, sampling its process tree's RSS every 0.2 s: returns the result, the
    peak of the tree's summed RSS (KiB) and whether it was stopped — for passing ``max_rss_gib`` (a shared machine)
    or ``timeout_s`` (a measurement slot)."""
    import signal

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    peak, killed = 0, False
    import threading

    streams: dict[str, str] = {}

    def drain(name: str, stream) -> None:
        streams[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    started = time.monotonic()
    timeout_s = timeout_s or STEP_TIMEOUT_S
    if DEADLINE:  # the end of a measurement slot (epoch seconds): no step runs past it
        timeout_s = min(timeout_s, DEADLINE - time.time())
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        late = time.monotonic() - started > timeout_s
        if (peak > max_rss_gib * 1024 * 1024 or late) and not killed:
            killed = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.2)
    for r in readers:
        r.join()
    return (
        subprocess.CompletedProcess(cmd, proc.returncode, streams.get("out", ""), streams.get("err", "")),
        peak,
        killed,
    )


def _child(name: str, out: Path, months: int, max_rss_gib: float) -> dict[str, str]:
    cmd = [sys.executable, __file__, "--child", name, "--out", str(out), "--months", str(months)]
    proc, peak, killed = _watched(cmd, max_rss_gib)
    if killed:
        return {"error": f"stopped: past {max_rss_gib:g} GiB RSS or {STEP_TIMEOUT_S:g} s", "tree_kib": str(peak)}
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode or line is None:
        tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        return {"error": tail}
    figures = dict(kv.split("=", 1) for kv in line.split()[1:])
    figures["tree_kib"] = str(peak)
    return figures


def decade(out: Path, months: int, max_rss_gib: float, engines: str) -> None:
    import pandas as pd

    gib = lambda kib: f"{int(kib) / 1024 / 1024:5.2f} GiB"  # noqa: E731
    build = _child("decade-build", out, months, max_rss_gib)
    if "error" in build:
        print(f"national decade: build failed: {build['error']}", flush=True)
        return
    rows, month = int(build["rows"]), int(build["month_rows"])
    # each line as soon as its step is done: a step stopped at the slot's end leaves the others' figures
    print(f"\nNational decade: the real 40-force month ({month:,} rows) repeated over {months} months, 2 cores")
    print(f"{'step':52} {'rows':>12} {'seconds':>8}  peak RSS (process tree)")
    line = lambda step, n, s, rss="": print(f"{step:52} {n:>12,} {float(s):8.1f}  {rss}", flush=True)  # noqa: E731
    line("bare DuckDB read_csv of the month (comparator)", month, build["bare_s"])
    line("svduty validated ingest of the month", month, build["ingest_s"])
    print(f"{'  ingest / bare':52} {'':>12} {float(build['bare_s']) / float(build['ingest_s']):8.0%}")
    line(f"repeat over {months} months (a transaction a month)", rows, build["repeat_s"], gib(build["repeat_peak_kib"]))
    line("svduty export parquet (force × month)", rows, build["export_s"], gib(build["tree_kib"]) + " (whole build)")
    duck = _child("decade-duckdb", out, months, max_rss_gib)
    if "error" in duck:
        print(f"national summary, DuckDB: failed: {duck['error']}", flush=True)
    else:
        line("national summary, DuckDB (Ibis) over the workspace", rows, duck["summary_s"], gib(duck["tree_kib"]))
        line("  same summary, hand-written DuckDB SQL", rows, duck["hand_s"])
        line(f"  Gi* grid counts, DuckDB ({int(duck['points']):,} map points)", rows, duck["cells_s"])
    try:
        import pyspark  # noqa: F401

        spark = _child("decade-spark", out, months, max_rss_gib)
    except ImportError:
        spark = {"error": "PySpark not installed (pip install 'svduty[spark]')"}
    if "error" in spark:
        print(f"national summary, Spark local[2]: {spark['error']}", flush=True)
    else:
        line("national summary, Spark local[2] (Ibis, Parquet)", rows, spark["summary_s"], gib(spark["tree_kib"]))
        line("  Gi* grid counts, Spark", rows, spark["cells_s"])
        print(f"  (Spark session start {float(spark['start_s']):.1f} s, not counted; RSS = driver + JVM + workers)")
        if "error" not in duck:
            ratio = float(spark["summary_s"]) / float(duck["summary_s"])
            same = all(
                pd.read_parquet(out / f"summary-duckdb-{n}.parquet").equals(
                    pd.read_parquet(out / f"summary-spark-{n}.parquet")
                )
                for n in HAND_SQL
            )
            cells_same = np.array_equal(
                np.load(out / "decade-duckdb.npz")["counts"], np.load(out / "decade-spark.npz")["counts"]
            )
            print(
                f"Spark / DuckDB summary: {ratio:.1f}× (goal ≤ 5×); same summary on both engines: {same}; "
                f"same grid counts: {cells_same}",
                flush=True,
            )
    print("goals: DuckDB summary ≤ 60 s and ≤ 8 GiB; Spark ≤ 5× DuckDB")
    if (out / "decade-duckdb.npz").exists():
        gistar_part(out, engines, out / "decade-duckdb.npz", f"the decade's {rows:,} rows", max_rss_gib)


if __name__ == "__main__":
    sys.exit(main())
