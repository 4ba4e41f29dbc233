"""Tiled Gi* on Apache Spark: each tile (its cells plus a halo) is one ``applyInPandas`` task running the numba kernel.

The same code as :func:`~svduty.analysis.hotspots.tiled.gistar_tiled`, with Spark doing the cutting and the
scheduling, for grids larger than one machine's memory (every force's 100 m grid over a decade, say):

1. cells (``row``, ``col``, ``y``) get their global site index in row-major order (per-row counts and a window per
   lattice row, no single-partition sort);
2. each cell is copied into the tiles whose core or halo it lies in (at most nine: the halo is never wider than a
   tile);
3. pass one: per tile, the neighbour counts of its core cells → the global ``max_k``;
4. the driver builds :class:`~svduty.analysis.hotspots.tiled.GlobalStats` — Σy, Σy², n, y of the last site and the
   seeded permutation table; the values at the drawn sites come from one small filter (≤ permutations × max_k ids);
5. pass two: per tile, :func:`~svduty.analysis.hotspots.tiled.gistar_tile` → one row per core cell.

Results equal the single-machine Gi* exactly (same table, same kernel, same order of sums; tested on Spark
``local[2]``). The Benjamini–Hochberg step needs the p-values sorted together: :func:`gistar_spark` collects
(id, p) only — 16 bytes a cell — and classifies on the driver; :func:`gistar_spark_frame` returns the per-cell Spark
DataFrame without classes for grids whose results should stay on the cluster.

PySpark is an optional extra: ``pip install 'svduty[spark]'`` (and Java 17).
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots.getisord import GiStarResult
from svduty.analysis.hotspots.tiled import (
    TILE_COLUMNS,
    assemble_result,
    gistar_tile,
    global_stats,
    tile_cardinalities,
)

INSTALL_HINT = "the Spark engine needs PySpark and Java 17: pip install 'svduty[spark]'"
_RESULT_SCHEMA = "id long, " + ", ".join(
    f"{name} {'long' if name == 'n_neighbours' else 'double'}" for name in (*TILE_COLUMNS, "z_sim")
)


def require_pyspark():
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise AnalysisError(INSTALL_HINT) from error


def local_session(master: str | None = None, app_name: str = "svduty"):
    """A SparkSession: ``master`` (e.g. ``local[2]``, ``spark://host:7077``), else ``$SPARK_MASTER``, else local[2].

    Local runs bind to 127.0.0.1 and start no web UI; the workers run this interpreter, so numba and svduty match.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = master or os.environ.get("SPARK_MASTER") or "local[2]"
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", os.environ.get("SVDUTY_SPARK_PARTITIONS", "8"))
        .config("spark.driver.memory", os.environ.get("SVDUTY_SPARK_DRIVER_MEMORY", "4g"))
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    return builder.getOrCreate()


def _with_ids(spark, cells):
    """(row, col, y) → (id, row, col, y) with id the row-major rank: cells per lattice row (one small table, summed
    on the driver) give each row's first id, and a window per row ranks its columns — no single-partition sort."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    cells = cells.select(F.col("row").cast("long"), F.col("col").cast("long"), F.col("y").cast("double"))
    per_row = cells.groupBy("row").count().toPandas().sort_values("row")
    per_row["first_id"] = per_row["count"].cumsum() - per_row["count"]
    offsets = spark.createDataFrame(per_row[["row", "first_id"]].astype("int64"))
    rank = F.row_number().over(Window.partitionBy("row").orderBy("col"))
    ranked = cells.join(F.broadcast(offsets), "row").withColumn("id", F.col("first_id") + rank - 1)
    return ranked.select("id", "row", "col", "y")


def _tiles(frame, tile_size: int, reach: int):
    """Copy every cell into the tiles it is core or halo of: columns tr, tc (the tile), core (bool)."""
    from pyspark.sql import functions as F

    t = F.lit(tile_size)
    base = frame.withColumn("tr0", F.floor(F.col("row") / t)).withColumn("tc0", F.floor(F.col("col") / t))
    moves = F.array(*[F.struct(F.lit(dr).alias("dr"), F.lit(dc).alias("dc")) for dr in (-1, 0, 1) for dc in (-1, 0, 1)])
    out = base.withColumn("m", F.explode(moves))
    out = out.withColumn("tr", F.col("tr0") + F.col("m.dr")).withColumn("tc", F.col("tc0") + F.col("m.dc"))
    inside = (
        (F.col("row") >= F.col("tr") * t - reach)
        & (F.col("row") < (F.col("tr") + 1) * t + reach)
        & (F.col("col") >= F.col("tc") * t - reach)
        & (F.col("col") < (F.col("tc") + 1) * t + reach)
    )
    core = (F.col("m.dr") == 0) & (F.col("m.dc") == 0)
    return out.where(inside).select("tr", "tc", "id", "row", "col", "y", core.alias("core"))


def gistar_spark_frame(
    spark,
    cells,
    offsets,
    *,
    tile_size: int = 256,
    permutations: int = 999,
    seed: int | None = None,
    star: bool = True,
    transform: str = "B",
):
    """Per-cell Gi* as a Spark DataFrame (id, G, EG, VG, z, p_norm, p_sim, …), ``cells`` a DataFrame of row, col, y."""
    from pyspark.sql import functions as F

    offsets = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    reach = int(np.abs(offsets).max()) if len(offsets) else 0
    if reach > tile_size:
        raise AnalysisError(f"tiles of {tile_size} cells are narrower than the neighbourhood reach ({reach} cells)")
    frame = _with_ids(spark, cells).cache()
    stats_row = frame.agg(F.count("*"), F.sum("y"), F.sum(F.col("y") * F.col("y"))).first()
    n, total, sum_squares = int(stats_row[0]), float(stats_row[1] or 0.0), float(stats_row[2] or 0.0)
    if n < 3:
        raise AnalysisError(f"Gi* needs at least 3 places, got {n}")
    y_last = float(frame.where(F.col("id") == n - 1).first()["y"])
    tiled = _tiles(frame, tile_size, reach).cache()

    def cardinality(pdf: pd.DataFrame) -> pd.DataFrame:
        core = pdf[pdf["core"]]
        card = tile_cardinalities(core["row"], core["col"], pdf["row"], pdf["col"], offsets)
        return pd.DataFrame({"max_k": [int(card.max(initial=0))]})

    max_k = int(tiled.groupBy("tr", "tc").applyInPandas(cardinality, "max_k long").agg(F.max("max_k")).first()[0])

    def values_at(ids: np.ndarray) -> np.ndarray:
        wanted = spark.createDataFrame(pd.DataFrame({"id": ids.astype(np.int64)}))
        found = frame.join(F.broadcast(wanted), "id").select("id", "y").toPandas().set_index("id")["y"]
        return found.reindex(ids).to_numpy()

    gs = global_stats(
        n,
        total,
        sum_squares,
        y_last,
        max_k,
        values_at,
        permutations=permutations,
        seed=seed,
        star=star,
        transform=transform,
    )

    def tile(pdf: pd.DataFrame) -> pd.DataFrame:
        pdf = pdf.sort_values("id", kind="stable")
        core = pdf[pdf["core"]]
        part = gistar_tile(core["id"], pdf["id"], pdf["row"], pdf["col"], pdf["y"], offsets, gs)
        return pd.DataFrame({"id": core["id"].to_numpy(), **part})

    return tiled.groupBy("tr", "tc").applyInPandas(tile, _RESULT_SCHEMA)


def gistar_spark(
    spark,
    cells,
    offsets,
    *,
    tile_size: int = 256,
    permutations: int = 999,
    seed: int | None = None,
    star: bool = True,
    transform: str = "B",
    classify_by: str = "norm",
) -> GiStarResult:
    """Gi* on Spark, collected into a :class:`GiStarResult` aligned with the cells in row-major order."""
    result = gistar_spark_frame(
        spark,
        cells,
        offsets,
        tile_size=tile_size,
        permutations=permutations,
        seed=seed,
        star=star,
        transform=transform,
    )
    pdf = result.toPandas().sort_values("id")
    if not np.array_equal(pdf["id"].to_numpy(), np.arange(len(pdf))):
        raise AnalysisError("tiled Gi* on Spark lost or repeated cells")  # a tiling bug, never a user error
    columns = {name: pdf[name].to_numpy() for name in (*TILE_COLUMNS, "z_sim")}
    return assemble_result(columns, permutations=permutations, star=star, transform=transform, classify_by=classify_by)
