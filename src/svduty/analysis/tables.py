"""The SNA's table work as Ibis expressions: written once, run on DuckDB (default) or on Spark.

Each function takes Ibis tables (``inc``: the incidents in scope, the canonical ``incidents`` columns) and returns an
Ibis expression. The tables are unbound (:func:`canonical`): ``svduty.analysis.engine.Engine.run`` compiles an
expression to the engine's SQL dialect (DuckDB or Spark SQL) and runs it there. Every grouped result is ordered by its
key, so both engines give identical CSVs. Only the reduction lives here: what follows from the reduced tables (shares,
rates, ranks, the Poisson test) stays in pandas in ``svduty.analysis.sna``, because it is small and identical whatever
engine produced the counts.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import ibis
import pandas as pd
from ibis import _

ASB = "Anti-social behaviour"
NO_OUTCOME = "No outcome recorded"


_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "int64",
    "INTEGER": "int32",
    "DOUBLE": "float64",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
}


@cache
def _schema(table: str) -> ibis.Schema:
    """The canonical columns of ``table`` (from the schema migrations, not from any one workspace)."""
    from svduty.data.parquet_export import empty_workspace

    con = empty_workspace()
    try:
        rows = con.execute(f'DESCRIBE "{table}"').fetchall()
    finally:
        con.close()
    return ibis.schema({r[0]: _TYPES.get(str(r[1]).split("(")[0], "string") for r in rows})


def canonical(table: str, name: str | None = None) -> ibis.Table:
    """An unbound Ibis table with the columns of canonical ``table``, named ``name`` in the SQL it compiles to.

    The expressions are built over these and compiled per engine (``Engine.run``): the same expression gives DuckDB
    SQL for the workspace and Spark SQL for the Parquet dataset.
    """
    return ibis.table(_schema(table), name=name or table)


def to_frame(frame: pd.DataFrame, expr: ibis.Expr) -> pd.DataFrame:
    """The engines' results in one shape: integer counts as int64, dates as ``datetime.date``, booleans as bool."""
    for column, dtype in expr.schema().items():
        if column not in frame:
            continue
        if dtype.is_date():
            frame[column] = pd.to_datetime(frame[column]).dt.date
        elif dtype.is_integer() and not frame[column].isna().any():
            frame[column] = frame[column].astype("int64")
        elif dtype.is_boolean() and not frame[column].isna().any():
            frame[column] = frame[column].astype(bool)
    return frame


def in_months(inc: ibis.Table, start: date, end: date) -> ibis.ir.BooleanValue:
    return inc.month.between(ibis.date(start), ibis.date(end))


def _n(inc: ibis.Table, where: ibis.ir.BooleanValue | None = None) -> ibis.ir.IntegerScalar:
    """count(*) [FILTER (WHERE …)]: ``incident_id`` is NOT NULL, so counting it counts rows; 0 for no match."""
    return inc.incident_id.count(where=where)


# -- scope ---------------------------------------------------------------------------------------------------
def scope(
    incidents: ibis.Table,
    ingests: ibis.Table,
    *,
    force: str | None = None,
    lsoa_codes: list[str] | None = None,
    lsoa_code_prefix: str | None = None,
    lsoa_name_prefix: str | None = None,
    every_ingest: bool = False,
) -> ibis.Table:
    """Incidents of active ingests, not synthetic, of ``force`` (its slug or name, as ``force`` or ``reported_by``)
    and of the area (a list of LSOA codes, an LSOA code prefix or an LSOA-name prefix, case-insensitive).
    ``every_ingest``: also superseded and synthetic rows (the driver's copy, which the DuckDB view then filters)."""
    inc = incidents
    if not every_ingest:
        active = ingests.filter(ingests.status == "active").select("ingest_id")
        inc = incidents.semi_join(active, "ingest_id").filter(incidents.source != "synthetic")
    if force:
        wanted = force.lower()
        inc = inc.filter((inc.force.lower() == wanted) | (inc.reported_by.lower() == wanted))
    if lsoa_codes is not None:
        inc = inc.filter(inc.lsoa_code.isin(sorted(set(lsoa_codes))))
    if lsoa_code_prefix:
        inc = inc.filter(inc.lsoa_code.upper().startswith(lsoa_code_prefix.upper()))
    if lsoa_name_prefix:
        inc = inc.filter(inc.lsoa_name.lower().startswith(lsoa_name_prefix.lower()))
    return inc


def _rule(inc: ibis.Table, rule) -> ibis.ir.BooleanValue:
    """One rule of a local definition (``svduty.data.sv_definition.Rule``) as an Ibis predicate; the same SQL
    semantics as ``Rule.sql`` (NULL where a compared column is NULL; a flag rule true only for that flag value)."""
    from svduty.data.sv_definition import FLAG_COLUMNS

    parts: list[ibis.ir.BooleanValue] = []
    if rule.classified:
        parts.append(inc.sv_category.notnull())
    if rule.crime_types:
        parts.append(inc.offence_group.isin(list(rule.crime_types)))
    if rule.sv_categories:
        parts.append(inc.sv_category.isin(list(rule.sv_categories)))
    if rule.offence_codes:
        exact = [c for c in rule.offence_codes if not c.endswith("*")]
        ors = [inc.offence_code.isin(exact)] if exact else []
        ors += [inc.offence_code.startswith(c[:-1]) for c in rule.offence_codes if c.endswith("*")]
        parts.append(ibis.or_(*ors))
    for key, column in FLAG_COLUMNS.items():
        value = getattr(rule, key)
        if value is not None:
            parts.append((inc[column] == value).fill_null(False))
    return ibis.and_(*parts) if parts else ibis.literal(False)


def apply_definition(inc: ibis.Table, definition) -> ibis.Table:
    """Incidents with ``sv_category`` decided by a local definition (``svduty.data.sv_definition.SvDefinition``):
    the ingest category, or the crime type for a row the definition adds; NULL for a row it leaves out. The default
    definition keeps ingest's classification unchanged (the expression is returned as it is)."""
    if definition.is_default:
        return inc
    chosen = ibis.or_(*(_rule(inc, r) for r in definition.include)) if definition.include else ibis.literal(False)
    if definition.exclude:
        excluded = ibis.or_(*(_rule(inc, r) for r in definition.exclude)).fill_null(False)
        chosen = chosen & ~excluded
    category = ibis.cases((chosen, inc.sv_category.coalesce(inc.offence_group)), else_=ibis.null("string"))
    return inc.mutate(sv_category=category)


def force_name_counts(incidents: ibis.Table) -> ibis.Table:
    """Force slug × published name × rows (``svduty.data.names.force_names`` over a dataset)."""
    named = incidents.filter(incidents.force.notnull() & (incidents.source != "synthetic"))
    return named.group_by(["force", "reported_by"]).aggregate(n=_n(named)).order_by(["force", ibis.desc("n")])


# -- crime types, headline, months ---------------------------------------------------------------------------
def crime_type_counts(inc: ibis.Table, start: date, end: date, prev_start: date, prev_end: date) -> ibis.Table:
    """Per crime type: count in the period, in the previous period, and whether any of its rows is SV."""
    return (
        inc.group_by(crime_type=inc.offence_group)
        .aggregate(
            count=_n(inc, in_months(inc, start, end)),
            previous=_n(inc, in_months(inc, prev_start, prev_end)),
            serious_violence=inc.sv_category.notnull().any(),
            # the type's SV rows: all of them under the police.uk proxy, only some when a local definition selects
            # by marker or offence code (a knife-enabled public-order offence)
            sv_count=_n(inc, inc.sv_category.notnull() & in_months(inc, start, end)),
            sv_previous=_n(inc, inc.sv_category.notnull() & in_months(inc, prev_start, prev_end)),
        )
        .order_by("crime_type")
    )


def category_counts(inc: ibis.Table, start: date, end: date) -> ibis.Table:
    """SV count per ``sv_category`` in ``start``..``end``."""
    sv = inc.filter(inc.sv_category.notnull() & in_months(inc, start, end))
    return sv.group_by("sv_category").aggregate(count=_n(sv)).order_by("sv_category")


def monthly_counts(inc: ibis.Table, categories: list[str]) -> ibis.Table:
    """Per month holding data: SV per category, SV total and all recorded crime (ASB excluded)."""
    metrics = {c: _n(inc, inc.sv_category == c) for c in categories}
    metrics["serious_violence"] = _n(inc, inc.sv_category.notnull())
    metrics["all_crime"] = _n(inc, inc.offence_group != ASB)
    return inc.group_by("month").aggregate(**metrics).order_by("month")


def month_span(inc: ibis.Table) -> ibis.Table:
    return inc.aggregate(rows=_n(inc), first=inc.month.min(), last=inc.month.max())


# -- where ---------------------------------------------------------------------------------------------------
def lsoa_counts(inc: ibis.Table, start: date, end: date, prev_start: date, prev_end: date) -> ibis.Table:
    """Per LSOA code: its name, incidents of any type and month, SV in the period and in the previous one."""
    located = inc.filter(inc.lsoa_code.notnull())
    sv = located.sv_category.notnull()
    return (
        located.group_by(code=located.lsoa_code)
        .aggregate(
            name=located.lsoa_name.min(),
            incidents=_n(located),
            count=_n(located, sv & in_months(located, start, end)),
            previous=_n(located, sv & in_months(located, prev_start, prev_end)),
        )
        .order_by("code")
    )


def sv_without_location(inc: ibis.Table, start: date, end: date) -> ibis.ir.IntegerScalar:
    return _n(inc, inc.sv_category.notnull() & inc.lsoa_code.isnull() & in_months(inc, start, end))


def lsoa_year_counts(inc: ibis.Table, years: list[tuple[date, date]]) -> ibis.Table:
    """Concentration and persistence inputs: SV per LSOA in each 12-month year (``year`` = its index)."""
    located = inc.filter(inc.sv_category.notnull() & inc.lsoa_code.notnull())
    year = ibis.cases(*[(in_months(located, s, e), i) for i, (s, e) in enumerate(years)], else_=None)
    tagged = located.mutate(year=year).filter(_.year.notnull())
    return tagged.group_by(["year", tagged.lsoa_code.name("code")]).aggregate(n=_n(tagged)).order_by(["year", "code"])


# -- who and why ---------------------------------------------------------------------------------------------
def outcome_counts(inc: ibis.Table, start: date, end: date) -> ibis.Table:
    """SV crimes of the period per last outcome (blank = none recorded) × SV category."""
    sv = inc.filter(inc.sv_category.notnull() & in_months(inc, start, end))
    outcome = sv.outcome.nullif("").fill_null(NO_OUTCOME)
    return (
        sv.group_by(outcome=outcome, crime_type=sv.sv_category)
        .aggregate(count=_n(sv))
        .order_by(["outcome", "crime_type"])
    )


# -- national ------------------------------------------------------------------------------------------------
def force_category_counts(incidents: ibis.Table, ingests: ibis.Table, start: date, end: date) -> ibis.Table:
    """SV per force × category in the period over every force (the peer benchmark's counts)."""
    inc = scope(incidents, ingests)
    sv = inc.filter(inc.sv_category.notnull() & in_months(inc, start, end))
    return sv.group_by(["force", "sv_category"]).aggregate(n=_n(sv)).order_by(["force", "sv_category"])


def national_summary(incidents: ibis.Table, ingests: ibis.Table, top: int = 100) -> dict[str, ibis.Expr]:
    """The national summary of the scale benchmark: counts by force × month × crime type, the top LSOAs by SV,
    and the SV share of recorded crime per force."""
    inc = scope(incidents, ingests)
    cube = (
        inc.group_by(["force", "month", "offence_group"])
        .aggregate(n=_n(inc))
        .order_by(["force", "month", "offence_group"])
    )
    located = inc.filter(inc.sv_category.notnull() & inc.lsoa_code.notnull())
    top_lsoas = (
        located.group_by(code=located.lsoa_code)
        .aggregate(sv=_n(located))
        .order_by([ibis.desc("sv"), "code"])
        .limit(top)
    )
    recorded = inc.filter(inc.offence_group != ASB)
    share = (
        recorded.group_by("force")
        .aggregate(recorded=_n(recorded), sv=_n(recorded, recorded.sv_category.notnull()))
        .mutate(sv_share=_.sv / _.recorded)
        .order_by("force")
    )
    return {"force_month_type": cube, "top_lsoas": top_lsoas, "sv_share_by_force": share}


def point_counts(incidents: ibis.Table, ingests: ibis.Table) -> ibis.Table:
    """Located incidents per map point (police.uk snaps every crime to one of a few hundred thousand anonymised
    points): the reduction behind a national Gi* grid — rows become points on the engine, points become cells on
    the driver."""
    inc = scope(incidents, ingests)
    located = inc.filter(inc.lat.notnull() & inc.lon.notnull())
    return located.group_by(["lon", "lat"]).aggregate(n=_n(located)).order_by(["lon", "lat"])
