"""Ingest speed: svduty's police.uk ingest beside a bare DuckDB ``read_csv`` of the same files.

The comparator is the practical limit: ``CREATE TABLE AS SELECT * FROM read_csv(...)`` into a fresh DuckDB file, with
no validation, no line accounting and no rejects. svduty does all of those. Goals (issue 3): svduty >= 50% of bare
DuckDB's rows/s, and a national year (6 million rows) in <= 60 s on a 2-core machine.

    python benchmarks/ingest.py            # sample (36 files) + 6,000,000-row national year
    python benchmarks/ingest.py --rows 1000000
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

from svduty.data import police_uk
from svduty.data.workspace import Workspace

REAL_NATIONAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "police-uk" / "national"


def extract_sample(dest: Path) -> list[Path]:
    (archive,) = list(police_uk.iter_sample_paths())
    with zipfile.ZipFile(archive) as z:
        z.extractall(dest)
    return sorted(dest.rglob("*-street.csv"))


def national_year(dest: Path, rows: int) -> Path:
    """One big file made by repeating real rows (all 40 forces of 2021-08 when ../shared is present)."""
    sources = sorted(REAL_NATIONAL.rglob("*-street.csv")) if REAL_NATIONAL.exists() else []
    if not sources:
        sources = extract_sample(dest / "sample-src")
    header = b""
    body: list[bytes] = []
    for s in sources:
        lines = s.read_bytes().split(b"\n")
        header = lines[0]
        month = s.name[:7].encode()
        body.extend(line.replace(month, b"2021-08", 1) for line in lines[1:] if line.strip())
    path = dest / "2021-08-national-street.csv"
    with path.open("wb") as f:
        f.write(header + b"\n")
        written = 0
        while written < rows:
            chunk = body[: rows - written]
            f.write(b"\n".join(chunk) + b"\n")
            written += len(chunk)
    return path


def bare_duckdb(files: list[Path], db: Path) -> tuple[float, int]:
    con = duckdb.connect(str(db))
    start = time.perf_counter()
    names = ", ".join(f"'{f}'" for f in files)
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv([{names}], union_by_name = true)")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - start
    (n,) = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    return elapsed, n


def svduty_ingest(files: list[Path], ws_dir: Path) -> tuple[float, int]:
    with Workspace.create(ws_dir) as ws:
        start = time.perf_counter()
        results = police_uk.ingest(ws, files)
        ws.con.execute("CHECKPOINT")
        elapsed = time.perf_counter() - start
    return elapsed, sum(r.rows_read for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=6_000_000, help="rows in the national-year file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="svduty-bench-"))
    try:
        cases = {
            "sample: City of London, 36 files": extract_sample(tmp / "sample"),
            f"national year: 1 file, {args.rows:,} rows": [national_year(tmp, args.rows)],
        }
        print(
            f"{'case':<42} {'rows':>11} {'bare DuckDB s':>14} {'svduty s':>9} {'bare rows/s':>12} "
            f"{'svduty rows/s':>14} {'svduty/bare':>12}"
        )
        for i, (name, files) in enumerate(cases.items()):
            bare_s, bare_n = bare_duckdb(files, tmp / f"bare-{i}.duckdb")
            ours_s, ours_n = svduty_ingest(files, tmp / f"ws-{i}")
            assert bare_n == ours_n, (bare_n, ours_n)
            print(
                f"{name:<42} {ours_n:>11,} {bare_s:>14.2f} {ours_s:>9.2f} {bare_n / bare_s:>12,.0f} "
                f"{ours_n / ours_s:>14,.0f} {bare_s / ours_s:>11.0%}"
            )
        print("goals: svduty/bare >= 50%; national year (6,000,000 rows) <= 60 s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
