"""The SNA on DuckDB and on Spark (local[2], over ``svduty export parquet``) gives the same summary.json and the same
tables/*.csv: counts exactly, rates and shares within 1e-9. On the bundled sample (with the synthetic layer, so the
record-level parts run too) and on the real national month (one force's SNA, with the every-force peer benchmark).

One SparkSession for the module; small shuffle partitions keep local mode quick. Without PySpark or Java the tests
skip (``missing:``), under CI=true they fail.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from svduty.cli.main import app

RUNNER = CliRunner()


def _need(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true but {why}")
        pytest.skip(why)


@pytest.fixture(scope="module")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _need(False, "missing: PySpark (pip install 'svduty[spark]')")
    _need(shutil.which("java") is not None, "missing: java (Debian openjdk-17-jre-headless)")
    from svduty.analysis.hotspots.spark import local_session

    os.environ.setdefault("SVDUTY_SPARK_PARTITIONS", "2")
    session = local_session("local[2]", "svduty-engine-tests")
    yield session
    session.stop()


def _cli(*args: str) -> str:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("engines") / "ws"
    _cli("init", "--workspace", str(ws))
    _cli("ingest", "police-uk", "--sample", "--workspace", str(ws))
    _cli("ingest", "population", "--sample", "--workspace", str(ws))
    _cli("synth", "--workspace", str(ws))
    return ws


def _same(a, b, where: str) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            assert a == b, where
        elif math.isnan(a) or math.isnan(b):
            assert math.isnan(a) and math.isnan(b), where
        else:
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _same_tables(duck: Path, spark: Path) -> int:
    names = sorted(p.name for p in (duck / "tables").glob("*.csv"))
    assert names == sorted(p.name for p in (spark / "tables").glob("*.csv"))
    for name in names:
        a, b = (duck / "tables" / name).read_text(), (spark / "tables" / name).read_text()
        if a == b:
            continue
        fa, fb = pd.read_csv(duck / "tables" / name), pd.read_csv(spark / "tables" / name)
        assert list(fa.columns) == list(fb.columns), name
        assert len(fa) == len(fb), name
        for column in fa.columns:
            if pd.api.types.is_float_dtype(fa[column]) and pd.api.types.is_float_dtype(fb[column]):
                pd.testing.assert_series_equal(fa[column], fb[column], rtol=1e-9, atol=1e-9, obj=f"{name}:{column}")
            else:
                assert fa[column].astype(str).tolist() == fb[column].astype(str).tolist(), f"{name}:{column}"
    return len(names)


def _compare(ws: Path, tmp: Path, *args: str) -> int:
    parquet = tmp / "parquet"
    _cli("export", "parquet", "--workspace", str(ws), "--out", str(parquet))
    manifest = json.loads((parquet / "svduty_export.json").read_text())
    assert manifest["tables"]["incidents"] > 0
    assert any((parquet / "incidents").glob("part_force=*/part_month=*/*.parquet"))
    _cli("sna", "--workspace", str(ws), "--out", str(tmp / "duck"), "--no-pdf", *args)
    _cli("sna", "--engine", "spark", "--parquet", str(parquet), "--out", str(tmp / "spark"), "--no-pdf", *args)
    a = json.loads((tmp / "duck" / "summary.json").read_text())
    b = json.loads((tmp / "spark" / "summary.json").read_text())
    _same(a, b, "summary")
    return _same_tables(tmp / "duck", tmp / "spark")


def test_sna_same_on_duckdb_and_spark_sample(spark, sample_ws: Path, tmp_path: Path):
    assert _compare(sample_ws, tmp_path) >= 20


def test_sna_same_on_duckdb_and_spark_national_month(spark, national_workspace: Path, tmp_path: Path):
    assert _compare(national_workspace, tmp_path, "--force", "durham") >= 10


@pytest.fixture
def without_pyspark(monkeypatch):
    """Imports of pyspark fail, as on a machine without the optional extra."""
    import builtins

    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)


def test_engine_spark_without_pyspark_is_one_line(without_pyspark, sample_ws: Path, tmp_path: Path):
    result = RUNNER.invoke(app, ["sna", "--engine", "spark", "--workspace", str(sample_ws), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "pip install 'svduty[spark]'" in result.output


def test_export_refuses_a_full_folder_and_another_schema_version(sample_ws: Path, tmp_path: Path):
    out = tmp_path / "x"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = RUNNER.invoke(app, ["export", "parquet", "--workspace", str(sample_ws), "--out", str(out)])
    assert result.exit_code == 1 and "not empty" in result.output
    assert (out / "keep.txt").exists()
    from svduty.data import parquet_export
    from svduty.data.parquet_export import ExportError

    good = tmp_path / "good"
    _cli("export", "parquet", "--workspace", str(sample_ws), "--out", str(good))
    manifest = json.loads((good / "svduty_export.json").read_text())
    manifest["schema_version"] = 1
    (good / "svduty_export.json").write_text(json.dumps(manifest))
    with pytest.raises(ExportError, match="schema version 1"):
        parquet_export.read_manifest(good, parquet_export.current_version())


def test_national_summary_on_duckdb_matches_pandas_on_the_raw_files(sample_ws: Path):
    """The Ibis national summary (compiled for DuckDB) against pandas over the bundled CSVs themselves."""
    import zipfile

    from svduty.analysis import tables
    from svduty.analysis.engine import duckdb_engine
    from svduty.data import police_uk
    from svduty.data.schema import SV_PROXY_CRIME_TYPES
    from svduty.data.workspace import Workspace

    frames = []
    for archive in police_uk.iter_sample_paths():
        with zipfile.ZipFile(archive) as z:
            for name in z.namelist():
                if name.endswith("-street.csv"):
                    with z.open(name) as f:
                        frames.append(pd.read_csv(f, dtype=str))
    raw = pd.concat(frames)
    want = raw.groupby(["Month", "Crime type"]).size().sort_index()
    sv = raw[raw["Crime type"].isin(SV_PROXY_CRIME_TYPES)]
    recorded = raw[raw["Crime type"] != "Anti-social behaviour"]
    with Workspace.open(sample_ws, read_only=True) as ws:
        engine = duckdb_engine(ws.con)
        got = {
            n: engine.run(e)
            for n, e in tables.national_summary(
                tables.canonical("incidents"), tables.canonical("ingests"), top=5
            ).items()
        }
    cube = got["force_month_type"]
    cube["Month"] = pd.to_datetime(cube["month"]).dt.strftime("%Y-%m")
    assert (
        cube.set_index(["Month", "offence_group"])["n"]
        .rename_axis(want.index.names)
        .sort_index()
        .equals(want.rename("n"))
    )
    share = got["sv_share_by_force"].iloc[0]
    assert share["recorded"] == len(recorded) and share["sv"] == len(sv)
    assert share["sv_share"] == pytest.approx(len(sv) / len(recorded), rel=1e-12)
    top = sv.dropna(subset=["LSOA code"]).groupby("LSOA code").size().sort_values(ascending=False)
    assert got["top_lsoas"]["sv"].tolist() == top.iloc[:5].tolist()


def test_hotspots_gistar_same_on_spark(spark, sample_ws: Path, tmp_path: Path):
    """``svduty hotspots --method gistar --engine spark`` (tiles as Spark tasks) writes the one-machine CSV."""
    args = ["hotspots", "--workspace", str(sample_ws), "--method", "gistar", "--cell", "100", "--crime-type", "sv"]
    args += ["--permutations", "99", "--seed", "3", "--label-top", "0"]
    _cli(*args, "--out", str(tmp_path / "duck"))
    _cli(*args, "--engine", "spark", "--out", str(tmp_path / "spark"))
    a, b = pd.read_csv(tmp_path / "duck.csv"), pd.read_csv(tmp_path / "spark.csv")
    assert len(a) > 100
    pd.testing.assert_frame_equal(a, b, check_exact=True)


EVALUATIONS = {
    "its": ["--interruption", "2020-04", "--seasonality", "month"],
    "did": [
        "--area",
        "City of London",
        "--treated",
        "E01032739",
        "--treated",
        "E01032740",
        "--interruption",
        "2020-04",
        "--log",
    ],
    "synth": ["--treated", "E01000005", "--interruption", "2020-04", "--log"],
    "power": ["--to", "2020-02", "--seasonality", "fourier", "--n-post", "12"],
}


@pytest.fixture(scope="module")
def sample_parquet(sample_ws: Path, tmp_path_factory) -> Path:
    parquet = tmp_path_factory.mktemp("engines-parquet") / "parquet"
    _cli("export", "parquet", "--workspace", str(sample_ws), "--out", str(parquet))
    return parquet


@pytest.mark.parametrize("command", list(EVALUATIONS))
def test_evaluate_same_on_duckdb_and_spark(spark, sample_ws: Path, sample_parquet: Path, tmp_path: Path, command):
    """``svduty evaluate its|did|synth|power --engine spark``: Spark reads the export and hands the selection's rows
    to the driver; result.json (but its time stamp) and every tables/*.csv equal the DuckDB run's."""
    common = ["evaluate", command, "--workspace", str(sample_ws), "--crime-type", "all", "--no-pdf"]
    _cli(*common, *EVALUATIONS[command], "--out", str(tmp_path / "duck"))
    _cli(
        *common,
        *EVALUATIONS[command],
        "--engine",
        "spark",
        "--parquet",
        str(sample_parquet),
        "--out",
        str(tmp_path / "spark"),
    )
    a = json.loads((tmp_path / "duck" / "result.json").read_text())
    b = json.loads((tmp_path / "spark" / "result.json").read_text())
    a.pop("generated"), b.pop("generated")
    _same(a, b, f"{command} result")
    assert _same_tables(tmp_path / "duck", tmp_path / "spark") >= 1, command


def test_evaluate_engine_spark_without_pyspark_is_one_line(without_pyspark, sample_ws: Path, tmp_path: Path):
    args = ["evaluate", "its", "--engine", "spark", "--workspace", str(sample_ws), "--interruption", "2020-04"]
    result = RUNNER.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "pip install 'svduty[spark]'" in result.output
