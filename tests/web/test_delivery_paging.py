"""Large delivery lists are paged, not cut off: the returns queue pages each section on its own, the programme list
and the board dashboard page their tables while the totals stay those of every programme (issue 18, load)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_returns_queue_pages_each_section_and_keeps_every_late_return_reachable(world):
    from svduty.web.programmes.models import MonitoringReturn
    from svduty.web.programmes.options import ReturnStatus
    from svduty.web.programmes.seed import seed_delivery
    from svduty.web.programmes.views import RETURNS_PER_PAGE

    seed_delivery(40, 400)
    late = MonitoringReturn.objects.filter(
        status__in=(ReturnStatus.DRAFT, ReturnStatus.RETURNED), due_on__lt=timezone.localdate()
    )
    total = late.count()
    assert total > 2 * RETURNS_PER_PAGE
    officer = client_for("officer")
    seen: set[int] = set()
    pages = -(-total // RETURNS_PER_PAGE)
    for number in range(1, pages + 1):
        page = officer.get(f"/delivery/returns/?late={number}").content.decode()
        late_table = page.split("</table>")[0]  # the first table is the late list
        assert f"({total})" in late_table
        seen |= {int(pk) for pk in re.findall(r'href="/delivery/returns/(\d+)/"', late_table)}
    assert seen == set(late.values_list("pk", flat=True))


def test_programme_list_and_dashboard_page_the_table_but_total_everything(world):
    from svduty.web.core.templatetags.svduty import pounds
    from svduty.web.programmes.dashboard import board
    from svduty.web.programmes.models import Programme
    from svduty.web.programmes.seed import seed_delivery

    seed_delivery(40, 200)
    rows, totals = board(Programme.objects.all(), timezone.localdate())
    assert len(rows) > 25
    officer = client_for("officer")
    for url in ("/delivery/programmes/", "/delivery/dashboard/"):
        first = officer.get(url).content.decode()
        last = officer.get(url + "?page=2").content.decode()
        for page in (first, last):
            assert "govuk-pagination" in page and "Total, all programmes" in page
            assert pounds(totals["budget_pence"]) in page  # the total of every programme, on every page
        shown = {int(pk) for page in (first, last) for pk in re.findall(r'href="/delivery/programmes/(\d+)/"', page)}
        assert {r.programme.pk for r in rows} <= shown
