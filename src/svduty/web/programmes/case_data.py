"""Indicators taken from case records: a return's actual for a case-sourced indicator is counted by
``svduty.web.referrals.indicators.case_indicators`` for the programme's organisation and the return's financial
quarter, so the provider does not re-key what its caseworkers already record. The figure is refreshed whenever the
provider opens the return, a draft is saved (page or API) and at submission, so the submitted version holds the count
as it stood then."""

from __future__ import annotations

from datetime import date

from svduty.web.referrals.indicators import case_indicators, financial_quarter

from .models import MonitoringReturn, ReturnValue


def quarter_start(monitoring_return: MonitoringReturn) -> date:
    end = monitoring_return.quarter_end
    return date(end.year, end.month - 2, 1)


def case_actuals(monitoring_return: MonitoringReturn) -> dict[int, int]:
    """indicator id → count from case records, for every case-sourced indicator of the return's programme (0 when
    nothing was recorded in the quarter)."""
    sourced = [i for i in monitoring_return.programme.indicators.all() if i.case_source]
    if not sourced:
        return {}
    start = quarter_start(monitoring_return)
    label = financial_quarter(start)
    rows = case_indicators(
        organisation_ids=[monitoring_return.programme.organisation_id], start=start, end=monitoring_return.quarter_end
    )
    counts = {r.indicator: r.value for r in rows if r.quarter == label}
    return {i.pk: counts.get(i.case_source, 0) for i in sourced}


def refresh_case_values(monitoring_return: MonitoringReturn) -> dict[int, int]:
    """Write the case-sourced actuals onto the return (callers hold the return open for the provider)."""
    actuals = case_actuals(monitoring_return)
    for indicator_id, actual in actuals.items():
        ReturnValue.objects.update_or_create(
            monitoring_return=monitoring_return, indicator_id=indicator_id, defaults={"actual": actual}
        )
    return actuals
