"""The attack review's races, replayed with real parallel requests: each thread sends its request through the whole
Django stack on its own PostgreSQL connection, all released at once by a barrier (findings 3 and 6). PostgreSQL
only: SQLite serialises writers by locking the whole file, so the race cannot happen there."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PARALLEL = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    if settings.SVDUTY_TEST_DATABASE == "sqlite3":
        pytest.skip("real parallel requests need PostgreSQL")


def in_parallel(requests: list) -> list:
    """Run each ``request()`` in its own thread, all starting together; return (status, body) per request."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait()
            response = request()
            results[i] = (response.status_code, response.content.decode(errors="replace"))
        except Exception as exc:  # a view exception is what the test looks for: record it, do not hide it
            results[i] = (f"exception {type(exc).__name__}: {exc}", "")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def registration(name: str, charity: str, n: int) -> dict:
    return {
        "organisation_name": name,
        "kind": "voluntary",
        "charity_number": charity,
        "company_number": "",
        "town": "Demoshire City",
        "first_name": "Racer",
        "last_name": f"Number{n}",
        "email": f"racer{n}@example.org",
        "password": "a-very-long-Passphrase-42",
    }


def _post(url, data, user=None):
    def send():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        return client.post(url, data)

    return send


def test_parallel_registrations_with_one_charity_number_make_one_organisation():
    """Finding 3: 20 at once with one number made 19 organisations sharing it."""
    from svduty.web.partnership.models import Organisation

    url = reverse("core:register")
    results = in_parallel([_post(url, registration(f"Racing Trust {n}", "1999777", n)) for n in range(PARALLEL)])
    statuses = Counter(status for status, _ in results)
    assert statuses == {302: 1, 200: PARALLEL - 1}, statuses
    assert all(
        "An organisation with this charity number is already registered" in body
        for status, body in results
        if status == 200
    )
    assert Organisation.objects.filter(charity_number="1999777").count() == 1
    assert get_user_model().objects.filter(email__startswith="racer").count() == 1


def test_parallel_registrations_with_one_name_make_one_organisation_and_no_500():
    """Finding 3: racing on one name gave 19 × HTTP 500; names are equal ignoring case and spacing."""
    from svduty.web.partnership.models import Organisation

    url = reverse("core:register")
    spellings = ["Same Name Youth Trust", "same name youth trust", "Same  Name Youth Trust ", "SAME NAME YOUTH TRUST"]
    results = in_parallel([_post(url, registration(spellings[n % len(spellings)], "", n)) for n in range(PARALLEL)])
    statuses = Counter(status for status, _ in results)
    assert statuses == {302: 1, 200: PARALLEL - 1}, statuses
    assert all("An organisation with this name is already registered" in body for s, body in results if s == 200)
    assert Organisation.objects.filter(name__iexact="Same Name Youth Trust").count() == 1


def _demo():
    from svduty.web import demo

    demo.load()
    return get_user_model().objects


def test_parallel_submits_of_one_eoi_one_submits_the_others_are_told(monkeypatch):
    """Finding 6: the losing submit raised TransitionRefused, a 500."""
    from svduty.web.commissioning.models import Application, Round

    users = _demo()
    provider = users.get(username="provider")
    closed = Round.objects.get(title="Serious Violence Duty grants 2024-25")
    open_round = Round.objects.exclude(pk=closed.pk).get()
    draft = Application.objects.create(
        round=open_round, organisation=provider.profile.organisation, created_by=provider, title="Racing EOI"
    )
    monkeypatch.setattr("svduty.web.commissioning.applicant_views.missing_for_submission", lambda app: [])
    url = reverse("commissioning:application_submit", args=[draft.pk])
    declaration = {"confirm": "on", "full_name": "Provider"}
    results = in_parallel([_post(url, declaration, provider) for _ in range(6)])
    assert [status for status, _ in results] == [302] * 6, results
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.history.filter(status="submitted").count() == 1


def test_parallel_publishes_one_publishes_the_other_is_told():
    """Finding 6: the officer and the PCC publishing at the same moment gave the loser a 500."""
    from svduty.web.decisions.models import DecisionRecord, PublishedPDF

    users = _demo()
    record = DecisionRecord.objects.filter(state="decided").first()
    url = reverse("decisions:publish", args=[record.reference])
    people = [users.get(username="officer"), users.get(username="pcc")] * 3
    results = in_parallel([_post(url, {}, person) for person in people])
    assert [status for status, _ in results] == [302] * len(people), results
    record.refresh_from_db()
    assert record.state == "published"
    assert record.events.filter(action="publish").count() == 1
    assert PublishedPDF.objects.filter(record=record).count() == 1
