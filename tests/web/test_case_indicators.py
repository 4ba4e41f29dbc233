"""Monitoring link (issue 16, item 6): a programme indicator counted from case records. The return's actual is
checked against a direct ORM count of the case and referral rows made here, not against ``case_indicators``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from svduty.web.programmes import returns as flow
from svduty.web.programmes.models import Indicator, MonitoringReturn, Programme, ReturnValue
from svduty.web.programmes.options import CASE_SOURCES
from svduty.web.referrals.indicators import INDICATORS
from svduty.web.referrals.models import Case, Pathway, Referral, Service

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def _local(day, hour=12):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _quarter_bounds(r: MonitoringReturn):
    end = r.quarter_end
    start = end.replace(day=1, month=end.month - 2)
    return _local(start, 0), _local(end + timedelta(days=1), 0)  # [start, next quarter's first midnight)


def _case(agency, when, creator, i):
    return Case.objects.create(
        pathway=Pathway.objects.get(slug="a-and-e-navigator"),
        track="ed-navigator",
        age_at_incident=16,
        agency=agency,
        created_by=creator,
        pseudonym=f"test-pseudonym-{i}",
        person_namespace="test",
        incident_date=timezone.localtime(when).date(),
        opened_at=when,
        is_synthetic=True,
    )


@pytest.fixture
def sourced(world):
    """The provider's own draft return, with "cases opened" and "referrals completed" counted from case records,
    and cases/referrals inside, just outside and for another organisation around its quarter."""
    provider = _user("provider")
    org = provider.profile.organisation
    programme = Programme.objects.get(organisation=org)
    r = programme.returns.filter(status="draft").order_by("financial_year", "quarter").first()
    first, second, *others = list(programme.indicators.all())
    first.case_source, second.case_source = "cases_opened", "referrals_completed"
    first.save()
    second.save()
    start, after = _quarter_bounds(r)
    creator = _user("navigator")
    other_org = creator.profile.organisation
    service = Service.objects.create(organisation=org, name="Test school mentoring", service_type="mentoring")
    times = [start + timedelta(minutes=1), start + timedelta(days=30), after - timedelta(minutes=1)]
    for i, when in enumerate(times):
        _case(org, when, creator, i)
    _case(org, start - timedelta(minutes=1), creator, 10)  # the quarter before
    _case(org, after, creator, 11)  # the quarter after
    _case(other_org, start + timedelta(days=3), creator, 12)  # another organisation's
    referring = _case(other_org, start - timedelta(days=40), creator, 13)
    done = [(start + timedelta(days=d), ok) for d, ok in ((5, True), (6, True), (7, False))]
    for i, (done_at, ok) in enumerate([*done, (after + timedelta(days=1), True)]):
        Referral.objects.create(
            case=referring,
            service=service,
            state="done",
            sent_by=creator,
            sent_at=start - timedelta(days=20 - i),
            respond_by=start,
            responded_at=start - timedelta(days=10),
            done_at=done_at,
            successful=ok,
        )
    return r, first, second, others, (start, after)


def _expected(r, start, after):
    org = r.programme.organisation
    opened = Case.objects.filter(agency=org, opened_at__gte=start, opened_at__lt=after).count()
    completed = Referral.objects.filter(
        service__organisation=org, state="done", successful=True, done_at__gte=start, done_at__lt=after
    ).count()
    return opened, completed


def test_sources_are_the_metrics_case_indicators_returns():
    assert [k for k, _ in CASE_SOURCES] == list(INDICATORS)


def test_opening_the_return_fills_case_sourced_actuals_from_an_independent_count(sourced):
    r, first, second, others, (start, after) = sourced
    opened, completed = _expected(r, start, after)
    assert (opened, completed) == (3, 2)  # the rows made above, counted directly
    before = {v.indicator_id: v.actual for v in ReturnValue.objects.filter(monitoring_return=r)}
    page = client_for("provider").get(reverse("programmes:return_edit", args=[r.pk])).content.decode()
    values = {v.indicator_id: v.actual for v in ReturnValue.objects.filter(monitoring_return=r)}
    assert values[first.pk] == opened and values[second.pk] == completed
    assert "From case records" in page and page.count("disabled") >= 2
    for indicator in others:  # an indicator without a source is untouched: still the provider's to enter
        assert values.get(indicator.pk) == before.get(indicator.pk)
        assert f'name="ind_{indicator.pk}"' in page


def _form(r, **values):
    data = {"total_reached": "50", "spend_to_date": "1,234.56", "narrative": "Delivered sessions", "then": "save"}
    for indicator in r.programme.indicators.all():
        data[f"ind_{indicator.pk}"] = "10"
    data.update(values)
    return data


def test_the_provider_cannot_overwrite_a_case_sourced_actual_on_the_page(sourced):
    r, first, second, others, (start, after) = sourced
    opened, completed = _expected(r, start, after)
    provider = client_for("provider")
    url = reverse("programmes:return_edit", args=[r.pk])
    response = provider.post(url, _form(r, **{f"ind_{first.pk}": "999", f"ind_{second.pk}": "999"}))
    assert response.status_code == 302
    values = {v.indicator_id: v.actual for v in ReturnValue.objects.filter(monitoring_return=r)}
    assert (values[first.pk], values[second.pk]) == (opened, completed)
    assert all(values[i.pk] == 10 for i in others)  # the provider's own figures are saved as before


def test_submit_recounts_and_the_version_keeps_the_figure_and_its_source(sourced):
    r, first, second, _others, (start, after) = sourced
    provider, officer = client_for("provider"), client_for("officer")
    provider.post(reverse("programmes:return_edit", args=[r.pk]), _form(r))
    # A case recorded after the draft was saved, before submission, is in the submitted figure.
    _case(r.programme.organisation, start + timedelta(days=45), _user("navigator"), 20)
    opened, completed = _expected(r, start, after)
    assert provider.post(reverse("programmes:return_submit", args=[r.pk])).status_code == 302
    version = MonitoringReturn.objects.get(pk=r.pk).versions.get()
    assert version.data["values"][str(first.pk)] == opened == 4
    assert version.data["values"][str(second.pk)] == completed
    assert version.data["case_sources"] == {str(first.pk): "cases_opened", str(second.pk): "referrals_completed"}
    # Later case records do not change what was submitted.
    _case(r.programme.organisation, start + timedelta(days=46), _user("navigator"), 21)
    assert ReturnValue.objects.get(monitoring_return=r, indicator=first).actual == 4
    page = officer.get(reverse("programmes:return", args=[r.pk])).content.decode()
    assert "From case records" in page and "Cases opened (people taken on)" in page


def test_api_fills_case_sourced_actuals_and_refuses_a_different_value(sourced):
    r, first, second, others, (start, after) = sourced
    opened, completed = _expected(r, start, after)
    provider = client_for("provider")
    body = {
        "programme_id": r.programme_id,
        "financial_year": r.financial_year,
        "quarter": r.quarter,
        "total_reached": 30,
        "spend_to_date": "2500.50",
        "narrative": "Sessions in three schools",
        "values": [{"indicator_id": i.pk, "actual": 5} for i in others],
    }

    def post(b):
        return provider.post("/api/v1/returns/", json.dumps(b), content_type="application/json")

    response = post(body)
    assert response.status_code == 200, response.content
    got = {v["indicator_id"]: (v["actual"], v["source"]) for v in response.json()["values"]}
    assert got[first.pk] == (opened, "case_records") and got[second.pk] == (completed, "case_records")
    assert all(got[i.pk] == (5, "provider") for i in others)
    forged = dict(body, values=[*body["values"], {"indicator_id": first.pk, "actual": opened + 7}])
    refused = post(forged)
    assert refused.status_code == 422 and "counted from case records" in refused.json()["detail"]
    assert ReturnValue.objects.get(monitoring_return=r, indicator=first).actual == opened
    same = post(dict(body, values=[*body["values"], {"indicator_id": first.pk, "actual": opened}], submit=True))
    assert same.status_code == 200 and same.json()["status"] == "submitted"
    submitted = {v["indicator_id"]: v["source"] for v in same.json()["values"]}
    assert submitted[first.pk] == "case_records" and all(submitted[i.pk] == "provider" for i in others)
    indicators = client_for("officer").get(f"/api/v1/indicators/?programme_id={r.programme_id}").json()["items"]
    assert {i["id"]: i["case_source"] for i in indicators}[first.pk] == "cases_opened"


def test_staff_set_the_source_on_the_plan_page_and_providers_cannot(sourced):
    r, first, second, others, _bounds = sourced
    url = reverse("programmes:plan", args=[r.programme_id])
    officer = client_for("officer")
    data = {"kind": "sources", f"s-src_{first.pk}": "", f"s-src_{second.pk}": "referrals_accepted"}
    data.update({f"s-src_{i.pk}": "young_people_engaged" for i in others})
    assert officer.post(url, data).status_code == 302
    got = dict(Indicator.objects.filter(programme=r.programme).values_list("pk", "case_source"))
    assert got[first.pk] == "" and got[second.pk] == "referrals_accepted"
    assert all(got[i.pk] == "young_people_engaged" for i in others)
    bad = officer.post(url, {"kind": "sources", f"s-src_{first.pk}": "made_up"})
    assert bad.status_code == 200 and Indicator.objects.get(pk=first.pk).case_source == ""
    added = officer.post(
        url,
        {"kind": "indicator", "ind-name": "Referrals done", "ind-kind": "output", "ind-unit": "referrals"}
        | {"ind-order": "9", "ind-case_source": "referrals_completed"},
    )
    assert added.status_code == 302
    assert Indicator.objects.get(programme=r.programme, name="Referrals done").case_source == "referrals_completed"
    assert client_for("provider").post(url, data).status_code == 403


def test_draft_save_in_code_ignores_a_provider_value_for_a_sourced_indicator(sourced):
    r, first, _second, _others, (start, after) = sourced
    data = {"total_reached": 1, "spend_to_date_pence": 1, "narrative": "x", "risks": "", "case_studies": ""}
    data |= {"values": {first.pk: 12345}, "reach": {}}
    flow.save_draft(r, data, _user("provider"))
    assert ReturnValue.objects.get(monitoring_return=r, indicator=first).actual == _expected(r, start, after)[0]


def test_demo_has_one_case_sourced_indicator_labelled_demo_data(world):
    sourced = Indicator.objects.exclude(case_source="")
    assert sourced.count() == 1
    indicator = sourced.get()
    assert "DEMO DATA" in indicator.name and indicator.programme.title == "A&E youth navigators"
    assert indicator.programme.organisation.cases.exists()  # the referrals demo's navigator service
    from svduty.web.programmes.case_data import case_actuals
    from svduty.web.referrals.models import Deadline

    # Every return of the demo programme: the count from case records equals the cases whose engagement step (the
    # pathway YAMLs' ``engagement: true`` steps) was done in that quarter, counted directly.
    seen = 0
    for r in indicator.programme.returns.all():
        start, after = _quarter_bounds(r)
        engaged = (
            Deadline.objects.filter(
                case__agency=indicator.programme.organisation,
                done_at__gte=start,
                done_at__lt=after,
                step__in=["engagement", "contact"],
            )
            .values("case")
            .distinct()
            .count()
        )
        assert case_actuals(r) == {indicator.pk: engaged}
        seen += engaged
    all_engaged = Deadline.objects.filter(
        case__agency=indicator.programme.organisation, done_at__isnull=False, step__in=["engagement", "contact"]
    )
    assert all_engaged.exists() and seen <= all_engaged.count()
    # Its accepted returns were keyed before the source was set: the API and the page say so, not "case records".
    accepted = indicator.programme.returns.filter(status="accepted").first()
    body = client_for("officer").get(f"/api/v1/returns/{accepted.pk}/").json()
    assert {v["indicator_id"]: v["source"] for v in body["values"]}[indicator.pk] == "provider"
    page = client_for("officer").get(reverse("programmes:return", args=[accepted.pk])).content.decode()
    assert "From case records" not in page


def test_returns_list_queries_do_not_grow_with_values(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = client_for("officer")
    officer.get("/api/v1/returns/?page_size=1")  # the session's first-request queries
    with CaptureQueriesContext(connection) as few:
        assert officer.get("/api/v1/returns/?page_size=20").status_code == 200
    with CaptureQueriesContext(connection) as many:
        body = officer.get("/api/v1/returns/?page_size=50").json()
    assert sum(len(r["values"]) for r in body["items"]) > 20
    assert len(many) == len(few)


def test_a_source_set_after_the_draft_is_not_missing_at_submission(sourced):
    r, first, _second, _others, (start, after) = sourced
    ReturnValue.objects.filter(monitoring_return=r, indicator=first).delete()
    page = client_for("provider").get(reverse("programmes:return_submit", args=[r.pk])).content.decode()
    assert first.name not in page
    assert ReturnValue.objects.get(monitoring_return=r, indicator=first).actual == _expected(r, start, after)[0]
