"""Two demo oddities (issue 17): provider names were organisation names cut to 20 characters ("Provider Upstanders
Schools T" in the header and the applicant's declaration); demo EOIs' history said "Started" after "Submitted"
(their first history row was dated when the demo was loaded)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_demo_providers_have_whole_person_names(world):
    from svduty.web.partnership.models import Organisation

    providers = get_user_model().objects.filter(profile__role="provider", username__startswith="provider")
    assert providers.count() >= 10
    for user in providers:
        name = user.get_full_name()
        assert not name.startswith("Provider "), name
        org = user.profile.organisation.name
        assert org[:20] not in name and org not in name
    assert Organisation.objects.filter(name="Upstanders Schools Trust").exists()
    page = client_for("provider").get(reverse("core:home")).content.decode()
    assert "Sam Okafor" in page and "Upstanders Schools Trust" in page and "Schools T<" not in page


def test_demo_eois_start_before_they_are_submitted(world):
    from svduty.web.commissioning.models import Application

    demo = Application.objects.filter(is_demo=True, submitted_at__isnull=False)
    assert demo.count() >= 10
    for app in demo:
        started = app.history.last().history_date
        assert started < app.submitted_at, (app.reference, started, app.submitted_at)
