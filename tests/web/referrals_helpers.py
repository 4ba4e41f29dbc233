"""Shared helpers for the referrals tests: demo accounts, a fresh case through the real rules."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

# Referrals roles → demo usernames (the other roles are in conftest.USERS).
REFERRAL_USERS = {
    "caseworker": "navigator",
    "team_manager": "navmanager",
    "yjs": "yjs",
    "yjs_manager": "yjsmanager",
    "custody": "custody",
    "mentor": "mentor",
    "analyst": "analyst",
    "dpo": "dpo",
}


def user(username):
    return get_user_model().objects.get(username=username)


def client_as(username) -> Client:
    client = Client()
    if username:
        client.force_login(user(username))
    return client


def nav_case(username="navigator", *, consent="given", dob=date(2008, 5, 1), ref="NHS-1"):
    from svduty.web.referrals import cases
    from svduty.web.referrals.loading import get_pathway

    new = cases.NewCase(
        pathway=get_pathway("a-and-e-navigator"),
        date_of_birth=dob,
        incident_date=timezone.localdate(),
        source_ref=ref,
        consent=consent,
        given_name="Test",
        family_name="Person (synthetic)",
        contact="01632 960999",
        attended_at=timezone.now() - timedelta(hours=1),
        lawful_basis="safeguarding" if consent == "overridden" else "",
        consent_reason="risk of harm" if consent == "overridden" else "",
    )
    return cases.open_case(user(username), new)
