"""Success-measure values read from a registered SNA version: the national measures' yearly tables
(``tables/measure_<key>.csv``, else summary.json's latest year) and local measures' ``sna_figure`` in summary.json."""

from __future__ import annotations

import calendar
import csv
import io
from datetime import date

from django.db import transaction

from .models import MeasureValue, SnaVersion, Strategy, SuccessMeasure
from .options import MeasureKind


def month_end(month: str) -> date:
    """'2023-12' → 31 December 2023."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


def _year_end(label: str) -> date:
    """'2023-01 to 2023-12' → 31 December 2023."""
    return month_end(label.split(" to ")[-1].strip())


def figure(summary: dict, path: str):
    """The number at dotted ``path`` in summary.json (None if absent or not a number)."""
    value = summary
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def national_rows(version: SnaVersion, key: str) -> list[tuple[str, float, bool]]:
    """(year label, count, synthetic) for a national measure in ``version``; empty if the SNA could not count it."""
    measure = (version.summary.get("success_measures") or {}).get(key) or {}
    if not measure.get("available"):
        return []
    table = version.tables.filter(name=f"measure_{key}").first()
    if table is not None:
        rows = []
        for row in csv.DictReader(io.StringIO(table.csv)):
            try:
                rows.append((row["year"], float(row["count"]), row.get("synthetic", "").lower() == "true"))
            except (KeyError, ValueError):
                continue
        if rows:
            return rows
    latest = measure.get("latest") or {}
    if "year" in latest and isinstance(latest.get("count"), int | float):
        return [(latest["year"], float(latest["count"]), bool(measure.get("synthetic")))]
    return []


def values_for(measure: SuccessMeasure, version: SnaVersion) -> list[tuple[str, date, float, bool]]:
    if measure.kind == MeasureKind.NATIONAL and measure.national_key:
        return [(y, _year_end(y), v, syn) for y, v, syn in national_rows(version, measure.national_key)]
    if measure.sna_figure:
        value = figure(version.summary, measure.sna_figure)
        if value is not None:
            label = f"{version.period_from} to {version.period_to}"
            return [(label, month_end(version.period_to), float(value), _figure_synthetic(version, measure.sna_figure))]
    return []


def _figure_synthetic(version: SnaVersion, path: str) -> bool:
    """Crime counts (serious_violence, by_crime_type.*) are synthetic only when the local definition selected
    synthetic markers; other figures follow the version's synthetic flag."""
    if path.split(".")[0] in ("serious_violence", "by_crime_type", "all_crime", "previous_serious_violence"):
        return any("Serious violence volumes" in s for s in version.summary.get("synthetic_sections") or [])
    return version.synthetic


def fill_from_sna(strategy: Strategy, version: SnaVersion, user) -> int:
    """Add the values ``version`` holds for the strategy's measures (never twice); returns how many were added."""
    added = 0
    with transaction.atomic():
        for measure in SuccessMeasure.objects.filter(priority__strategy=strategy):
            key = measure.national_key
            where = f"tables/measure_{key}.csv" if key else f"summary.json {measure.sna_figure}"
            for label, end, value, synthetic in values_for(measure, version):
                exists = MeasureValue.objects.filter(measure=measure, period=label, sna_version=version).exists()
                if exists:
                    continue
                MeasureValue.objects.create(
                    measure=measure,
                    period=label,
                    period_end=end,
                    value=value,
                    sna_version=version,
                    source=f"{version} ({where})",
                    synthetic=synthetic,
                    recorded_by=user,
                )
                added += 1
    return added
