"""SNA benchmark: police.uk files → workspace → assessment → index.html + sna.pdf, timed stage by stage.

Two runs on real data (City of London Police, /work/shared/data/real/police-uk/city-of-london):

* **12 months** — the real files 2020-12 … 2021-11 (target ≤ 10 s end to end);
* **5 years** — 60 months: the 36 real months 2018-12 … 2021-11 plus 24 more made by *repeating real months with
  shifted dates* (2018-12 … 2020-11 re-labelled 2021-12 … 2023-11: same rows, file name and ``Month`` column moved
  by 36 months) (target ≤ 30 s).

* **national month** — the 40 real force files of 2021-08 (362,296 rows) ingested, then a benchmarking SNA for
  Derbyshire against every force (target ≤ 30 s).

Population (ONS Census 2021 by LSOA) and the ONS LSOA lookup are loaded with plain DuckDB inserts in a stage of
their own. The comparator column is a plain-pandas baseline that reads the same CSVs and computes only the
headline counts (SV per type, share of all crime) — the floor any tool pays just to read the files.

Run: ``.venv/bin/python benchmarks/sna.py`` (prints the table; exits 1 if a target is missed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from svduty.analysis import sna
from svduty.analysis.needs_assessment import assess
from svduty.data import police_uk
from svduty.data.workspace import Workspace
from svduty.report.sna import render, synthetic_columns_of

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
CITY = REAL / "police-uk" / "city-of-london"
LOOKUP = REAL / "ons" / "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"
CENSUS = REAL / "ons" / "census21_pop_lsoa21_by_age.csv"
SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")


def shift_month(month: str, months: int) -> str:
    y, m = (int(x) for x in month.split("-"))
    i = y * 12 + m - 1 + months
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def make_files(folder: Path, five_years: bool) -> list[Path]:
    """Copy the real monthly files (12 latest, or all 36 + 24 repeated with dates shifted by 36 months)."""
    real = sorted(CITY.glob("*/*-street.csv"))
    files = []
    chosen = real if five_years else real[-12:]
    for path in chosen:
        target = folder / path.name
        target.write_bytes(path.read_bytes())
        files.append(target)
    if five_years:
        for path in real[:24]:
            month = path.name[:7]
            new = shift_month(month, 36)
            text = path.read_text(encoding="utf-8")
            # Month is the second column; rewrite it on every data line (the value is unquoted in police.uk files).
            text = text.replace(f",{month},", f",{new},")
            target = folder / path.name.replace(month, new)
            target.write_text(text, encoding="utf-8")
            files.append(target)
    return files


def load_reference_tables(ws: Workspace) -> None:
    ws.con.execute(
        f"""INSERT INTO population (area_code, area_name, year, age_band, sex, persons, source)
        SELECT lsoa21_code, any_value(lsoa21_name), 2021, 'all', 'all', sum(usual_residents), 'ONS Census 2021'
        FROM read_csv('{CENSUS}', header=true, quote='"', columns={{'lsoa21_code': 'VARCHAR',
             'lsoa21_name': 'VARCHAR', 'age_group': 'VARCHAR', 'usual_residents': 'DOUBLE'}})
        GROUP BY lsoa21_code"""
    )
    ws.con.execute(
        f"""INSERT INTO lsoa_lookup (lsoa11_code, lsoa11_name, lsoa21_code, lsoa21_name, lad_code, lad_name,
                                     lad_name_welsh, lad_year, ingest_id)
        SELECT LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, LAD22CD, LAD22NM, LAD22NMW, 2022, 0
        FROM read_csv('{LOOKUP}', all_varchar=true)"""
    )


def pandas_baseline(files: list[Path]) -> float:
    t0 = time.perf_counter()
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    recorded = raw[raw["Crime type"] != "Anti-social behaviour"]
    sv = recorded[recorded["Crime type"].isin(SV)]
    _ = sv["Crime type"].value_counts(), len(sv) / len(recorded), sv.groupby("Month").size()
    return time.perf_counter() - t0


def run(five_years: bool) -> tuple[dict[str, float], int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / "src"
        src.mkdir()
        files = make_files(src, five_years)
        timings: dict[str, float] = {}
        t_all = time.perf_counter()
        cpu_all = time.process_time()
        t0 = time.perf_counter()
        ws = Workspace.create(tmp_path / "ws")
        results = police_uk.ingest(ws, [src])
        timings["ingest police.uk"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_reference_tables(ws)
        timings["load population + lookup"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        assessment = assess(ws.con, sna.Scope())
        columns = synthetic_columns_of(ws.con)
        timings["assess (all figures)"] = time.perf_counter() - t0
        result = render(assessment, tmp_path / "out", synthetic_columns=columns)
        timings.update(result.timings)
        timings["TOTAL ingest → HTML + PDF"] = time.perf_counter() - t_all
        timings["  of which CPU time (all threads)"] = time.process_time() - cpu_all
        ws.close()
        rows = sum(r.rows_stored for r in results)
        timings["comparator: pandas headline counts only"] = pandas_baseline(files)
        return timings, rows, len(files)


NATIONAL = REAL / "police-uk" / "national" / "2021-08"


def run_national() -> dict[str, float]:
    """40 force files → workspace → benchmarking SNA for Derbyshire (HTML + PDF)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        timings: dict[str, float] = {}
        t_all = time.perf_counter()
        t0 = time.perf_counter()
        ws = Workspace.create(tmp_path / "ws")
        police_uk.ingest(ws, [NATIONAL])
        timings["ingest police.uk"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_reference_tables(ws)
        timings["load population + lookup"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        assessment = assess(ws.con, sna.Scope(force="derbyshire"))
        assert assessment.benchmark is not None and len(assessment.benchmark.tables["benchmark_forces"]) == 38
        timings["assess (all figures)"] = time.perf_counter() - t0
        result = render(assessment, tmp_path / "out", synthetic_columns=synthetic_columns_of(ws.con))
        timings.update(result.timings)
        timings["TOTAL ingest → HTML + PDF"] = time.perf_counter() - t_all
        ws.close()
        t0 = time.perf_counter()
        pandas_baseline(sorted(NATIONAL.glob("*.csv")))
        timings["comparator: pandas headline counts only"] = time.perf_counter() - t0
        return timings


def main() -> int:
    if not CITY.exists():
        print(f"real data not found at {CITY}", file=sys.stderr)
        return 2
    load_start = os.getloadavg()[0]
    cold, rows1, files1 = run(five_years=False)  # first in the process: imports, numba, fonts, vl-convert start
    one, _, _ = run(five_years=False)
    five, rows5, files5 = run(five_years=True)
    national = run_national() if NATIONAL.exists() else {}
    width = max(len(k) for k in one) + 2
    load_end = os.getloadavg()[0]
    print("SNA benchmark — City of London Police, real police.uk files (5 years: real months repeated, dates shifted)")
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {load_start:.1f} at start, {load_end:.1f} at the end "
        "(other work on the machine slows wall time)"
    )
    print(f"{'stage':<{width}}{'12 mo, cold':>13}{'12 months':>12}{'5 years':>12}{'national':>12}")
    small, big = f"{files1} / {rows1:,}", f"{files5} / {rows5:,}"
    print(f"{'(files / rows)':<{width}}{small:>13}{small:>12}{big:>12}{'40 files':>12}")
    for key in one:
        nat = f"{national[key]:>11.2f}s" if key in national else f"{'':>12}"
        print(f"{key:<{width}}{cold[key]:>12.2f}s{one[key]:>11.2f}s{five[key]:>11.2f}s{nat}")
    total = "TOTAL ingest → HTML + PDF"
    print(f"{'target (total)':<{width}}{'≤ 10.00s':>13}{'≤ 5.00s':>12}{'≤ 30.00s':>12}{'≤ 30.00s':>12}")
    ok = cold[total] <= 10 and one[total] <= 5 and five[total] <= 30 and national.get(total, 0) <= 30
    print("PASS" if ok else "MISSED a target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
