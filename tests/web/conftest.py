"""Web-app fixtures: the demo partnership loaded once into the test database, a signed-in client per role, and the
objects each permission test needs (a draft EOI, submitted EOIs in the open round, decision records per stage)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from svduty.web import demo as demo_module

# Role → demo username ("public" is the anonymous visitor).
USERS = {
    "admin": "admin",
    "officer": "officer",
    "assessor": "assessor",
    "chief_executive": "ceo",
    "pcc": "pcc",
    "provider": "provider",
    "public": None,
}
ROLES = list(USERS)


def pytest_report_header(config):
    return f"svduty web tests database: {settings.SVDUTY_TEST_DATABASE} {settings.DATABASES['default']['NAME']}"


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A sign-in of a Welsh-preferring user activates Welsh for the thread (core.language); the next test must
    start in the default language, as every request does through LocaleMiddleware."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo_module.load()


@dataclass
class World:
    closed_round: object
    open_round: object
    awarded_app: object  # provider's awarded EOI in the closed round
    other_app: object  # another provider's EOI
    draft: object  # provider's draft in the open round
    document: object
    submitted_scored: object  # open round, submitted; "assessor" declared no conflict
    submitted_fresh: object  # open round, submitted; nobody declared
    commitment: object
    meeting: object
    stream: object

    def record(self, state):
        from svduty.web.decisions.models import DecisionRecord

        return DecisionRecord.objects.filter(state=state).order_by("id").first()


@pytest.fixture
def world(db) -> World:
    from django.core.files.base import ContentFile

    from svduty.web.commissioning.models import Application, BudgetLine, Declaration, Document, Round
    from svduty.web.commissioning.options import ApplicationStatus
    from svduty.web.funding.models import Commitment, FundingStream
    from svduty.web.partnership.models import BoardMeeting, Organisation, Priority

    demo_module.load()  # no-op unless a transactional test emptied the database
    User = get_user_model()
    provider = User.objects.get(username="provider")
    org = provider.profile.organisation
    closed_round = Round.objects.get(title="Serious Violence Duty grants 2024-25")
    open_round = Round.objects.exclude(pk=closed_round.pk).get()
    awarded = Application.objects.get(round=closed_round, organisation=org)
    other = Application.objects.filter(round=closed_round).exclude(organisation=org).first()
    draft = Application.objects.create(
        round=open_round, organisation=org, created_by=provider, title="Peer mentoring pilot"
    )
    document = Document(
        application=draft, original_name="plan.pdf", content_type="application/pdf", size=9, uploaded_by=provider
    )
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    other_org = Organisation.objects.get(name="Street Spirit Youth Work")
    priority = Priority.objects.first()

    def submitted(title):
        app = Application.objects.create(
            round=open_round,
            organisation=other_org,
            created_by=other.created_by,
            title=title,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            priority=priority,
            area="Demoshire City",
        )
        BudgetLine.objects.create(application=app, financial_year=open_round.year_list[0], amount_pence=2_000_000)
        return app

    scored = submitted("Youth club late nights")
    Declaration.objects.create(application=scored, assessor=User.objects.get(username="assessor"), has_conflict=False)
    fresh = submitted("Parent workshops")
    return World(
        closed_round=closed_round,
        open_round=open_round,
        awarded_app=awarded,
        other_app=other,
        draft=draft,
        document=document,
        submitted_scored=scored,
        submitted_fresh=fresh,
        commitment=Commitment.objects.filter(award__isnull=False).first(),
        meeting=BoardMeeting.objects.first(),
        stream=FundingStream.objects.first(),
    )


def client_for(role: str) -> Client:
    client = Client()
    username = USERS[role]
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def clients(world):
    return {role: client_for(role) for role in ROLES}
