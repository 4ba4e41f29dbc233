"""DEMO DATA: the A&E youth navigators programme (Teachable Moment Navigators, the organisation that runs the
referrals demo's A&E navigator service) counts "young people engaged" from its synthetic case records, so the demo
shows a case-sourced indicator on the plan, the return form (read-only) and the officer's review.

Runs after the referrals demo has made its cases. Returns already accepted keep the figures the provider keyed
before the source was set (as a real programme switching to case data would); any not yet accepted carry the count
from case records, and a submitted one's version is re-frozen with it."""

from __future__ import annotations

from .case_data import refresh_case_values
from .models import Indicator
from .options import ReturnStatus
from .returns import snapshot

PROGRAMME_TITLE = "A&E youth navigators"
INDICATOR_NAME = "Young people engaged in A&E"
SOURCE = "young_people_engaged"


def load() -> None:
    indicator = Indicator.objects.filter(programme__title=PROGRAMME_TITLE, name=INDICATOR_NAME).first()
    if indicator is None:
        return
    indicator.case_source = SOURCE
    indicator.name = f"{INDICATOR_NAME} (DEMO DATA, from synthetic case records)"
    indicator.save()
    for r in indicator.programme.returns.exclude(status=ReturnStatus.ACCEPTED):
        refresh_case_values(r)
        version = r.versions.order_by("-number").first()
        if version is not None and r.status == ReturnStatus.SUBMITTED:
            version.data = snapshot(r)
            version.save(update_fields=["data"])
