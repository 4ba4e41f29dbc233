"""Engines for the SNA's table work: DuckDB (the workspace, default) or Spark (a Parquet dataset of the workspace).

An :class:`Engine` hands out Ibis tables; :mod:`svduty.analysis.tables` turns them into the SNA's reductions. On
DuckDB the tables are the workspace's own (``sna_inc`` is the scope view that ``sna.prepare_scope`` creates). On
Spark they are read from ``svduty export parquet`` output (or any dataset of that layout, e.g. on object storage):
the reductions over incidents run on the cluster; the record-level rest of the SNA (maps, places, who and why)
runs on the driver over the scope's rows only, which :func:`spark_workspace` copies out of the dataset together
with the small tables (lookups, population, ingests, …).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb
import ibis
import pandas as pd

from svduty.analysis import AnalysisError

ENGINES = ("duckdb", "spark")
SPARK_INSTALL_HINT = "--engine spark needs PySpark and Java 17: pip install 'svduty[spark]'"


@dataclass
class Engine:
    """Where the expressions of ``svduty.analysis.tables`` run: a DuckDB connection or a SparkSession.

    Expressions are compiled by Ibis to the engine's SQL dialect and executed by the engine itself (for Spark that is
    what Ibis' PySpark backend does too); the canonical table names resolve to the workspace's tables on DuckDB and
    to temporary views over the Parquet dataset on Spark.
    """

    name: str
    con: duckdb.DuckDBPyConnection | None = None
    session: Any = None
    scope: ibis.Table | None = None  # Spark: the incidents in scope (set by sna.prepare_scope)
    dataset: str | None = None

    @property
    def dialect(self) -> str:
        return "pyspark" if self.name == "spark" else "duckdb"

    def sql(self, expr: ibis.Expr) -> str:
        if self.name == "spark":
            _ = ibis.pyspark  # loading the backend registers the options its SQL compiler reads
        return _compile(expr.op(), self.dialect)

    def run(self, expr: ibis.Expr) -> pd.DataFrame:
        """Execute ``expr`` (a table, or a scalar: a one-row frame) and return pandas in the engines' one shape."""
        from svduty.analysis.tables import to_frame

        if isinstance(expr, ibis.expr.types.Scalar):
            expr = expr.name("value").as_table()
        sql = self.sql(expr)
        if self.name == "spark":
            frame = self.session.sql(sql).toPandas()
        else:
            assert self.con is not None
            frame = self.con.execute(sql).df()
        return to_frame(frame, expr)

    def set_scope(self, expr: ibis.Table) -> None:
        """The incidents in scope. On Spark the scope is computed once, cached on the executors and registered as
        a view that every later reduction reads (it is scanned a dozen times by the SNA)."""
        if self.name != "spark":
            self.scope = expr
            return
        from svduty.analysis.tables import canonical

        frame = self.session.sql(self.sql(expr)).cache()
        frame.createOrReplaceTempView("svduty_scope")
        self.scope = canonical("incidents", "svduty_scope")

    def scalar(self, expr: ibis.Expr) -> object:
        frame = self.run(expr)
        return frame.iloc[0, 0] if len(frame) else None


@lru_cache(maxsize=256)
def _compile(op, dialect: str) -> str:
    """Ibis' SQL for an expression (keyed by its node, which is hashable and compares by structure): an SNA asks
    for the same dozen queries on every run, and compiling one costs tens of milliseconds."""
    return ibis.to_sql(op.to_expr(), dialect=dialect)


def duckdb_engine(con: duckdb.DuckDBPyConnection) -> Engine:
    """The DuckDB engine over an open workspace connection (stateless: cheap to make per call)."""
    return Engine("duckdb", con=con)


def spark_engine(session, dataset: str) -> Engine:
    """The Spark engine over a Parquet dataset (a local folder or any URI Spark reads); checks its schema version.

    ``incidents`` and ``ingests`` become temporary views of their canonical columns (the partition copies dropped).
    """
    from svduty.analysis.tables import canonical
    from svduty.data import parquet_export

    root = str(dataset)
    if "://" not in root:
        parquet_export.read_manifest(root, parquet_export.current_version())
        root = os.path.abspath(root)
    for name in ("incidents", "ingests"):
        columns = list(canonical(name).columns)
        frame = session.read.parquet(parquet_export.table_path(root, name)).select(*columns)
        frame.createOrReplaceTempView(name)
    return Engine("spark", session=session, dataset=root)


def driver_workspace(engine: Engine, dataset: str) -> duckdb.DuckDBPyConnection:
    """A driver-side DuckDB with the canonical schema and every table of the dataset but ``incidents`` (small:
    lookups, population, ingests, involvements, …); :func:`load_scope_rows` adds the scope's incidents."""
    from svduty.data import parquet_export

    con = parquet_export.empty_workspace()
    root = str(dataset).rstrip("/")
    names = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_name NOT IN ('schema_migrations', 'incidents')"
    ).fetchall()
    for (table,) in names:
        path = parquet_export.table_path(root, table)
        if "://" not in root:  # a local dataset: DuckDB reads the file itself
            if os.path.exists(path):
                quoted = path.replace("'", "''")
                con.execute(f"INSERT INTO \"{table}\" BY NAME SELECT * FROM read_parquet('{quoted}')")
            continue
        try:
            arrow = engine.session.read.parquet(path).toArrow()
        except Exception:
            continue
        con.register("svduty_arrow", arrow)
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM svduty_arrow')
        con.unregister("svduty_arrow")
    return con


def load_scope_rows(engine: Engine, con: duckdb.DuckDBPyConnection, rows: ibis.Table) -> int:
    """Copy the scope's incidents from Spark into the driver's ``incidents`` (as Arrow, no pandas)."""
    arrow = engine.session.sql(engine.sql(rows)).toArrow()
    con.register("svduty_scope", arrow)
    con.execute("INSERT INTO incidents BY NAME SELECT * FROM svduty_scope")
    con.unregister("svduty_scope")
    return arrow.num_rows


def spark_driver(dataset: str, scope, master: str | None = None, progress=None, *, resolve_force: bool = True):
    """Spark over ``dataset`` and a driver-side DuckDB holding the small tables and the rows of ``scope`` (filtered on
    Spark): returns (engine, driver connection, scope). The analysis commands that read record-level rows of one
    scope (the SNA's places and who-and-why, the evaluation series) run on that connection unchanged.

    ``resolve_force``: ``scope.force`` may be any of the force's names (resolved against the dataset's own names, as
    ``svduty sna`` does on DuckDB); else it is matched as given, as the evaluation commands do."""
    from dataclasses import replace

    from svduty.analysis import sna, tables
    from svduty.analysis.hotspots.spark import local_session
    from svduty.analysis.tables import canonical
    from svduty.data.names import resolve_force_in

    stage = progress or (lambda _name: None)
    require_pyspark()
    engine = spark_engine(local_session(master), dataset)
    con = driver_workspace(engine, dataset)
    if scope.force and resolve_force:
        names: dict[str, list[str]] = {}
        for row in engine.run(tables.force_name_counts(canonical("incidents"))).itertuples():
            names.setdefault(str(row.force), [])
            if row.reported_by and row.reported_by not in names[row.force]:
                names[row.force].append(str(row.reported_by))
        scope = replace(scope, force=resolve_force_in(names, scope.force))
    stage("reading the scope's rows from Spark")
    filters, _notes = sna.scope_filters(con, scope)
    rows = tables.scope(canonical("incidents"), canonical("ingests"), **filters, every_ingest=True)
    load_scope_rows(engine, con, rows)
    return engine, con, scope


def spark_assess(dataset: str, scope, master: str | None = None, progress=None):
    """The SNA of ``scope`` with its table work on Spark over ``dataset``: returns (assessment, driver connection).

    ``scope.force`` may be any of the force's names (resolved against the dataset's own force names)."""
    from svduty.analysis.needs_assessment import assess

    engine, con, scope = spark_driver(dataset, scope, master, progress)
    return assess(con, scope, progress=progress or (lambda _name: None), engine=engine), con


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise AnalysisError(SPARK_INSTALL_HINT) from None
