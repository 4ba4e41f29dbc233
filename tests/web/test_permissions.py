"""Each permission function, called directly (Hypha's pattern: one readable rule per function)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from svduty.web.commissioning import permissions as cp
from svduty.web.commissioning.models import Declaration
from svduty.web.core.permissions import role_of
from svduty.web.decisions import permissions as dp
from svduty.web.decisions.models import DecisionRecord
from svduty.web.funding import permissions as fp
from svduty.web.partnership import permissions as pp

pytestmark = pytest.mark.django_db


def u(name):
    return get_user_model().objects.get(username=name)


def test_role_of(world):
    assert role_of(AnonymousUser()) == "public"
    assert role_of(u("admin")) == "admin"  # superuser
    assert [role_of(u(n)) for n in ("officer", "assessor", "ceo", "pcc", "provider")] == [
        "officer",
        "assessor",
        "chief_executive",
        "pcc",
        "provider",
    ]


def test_can_apply_only_providers_while_open(world):
    today = world.open_round.opens_on
    assert cp.can_apply(u("provider"), world.open_round, today)
    assert not cp.can_apply(u("provider"), world.open_round, world.open_round.closes_on + datetime.timedelta(days=1))
    assert not cp.can_apply(u("provider"), world.open_round, world.open_round.opens_on - datetime.timedelta(days=1))
    assert not cp.can_apply(u("officer"), world.open_round, today)
    assert not cp.can_apply(AnonymousUser(), world.open_round, today)


def test_provider_sees_only_own_organisation(world):
    assert cp.can_view_application(u("provider"), world.awarded_app)
    assert not cp.can_view_application(u("provider"), world.other_app)
    assert cp.can_view_application(u("provider2"), world.other_app) == (
        world.other_app.organisation == u("provider2").profile.organisation
    )
    assert not cp.can_edit_application(u("provider"), world.awarded_app)  # submitted, round closed
    assert cp.can_edit_application(u("provider"), world.draft)
    assert not cp.can_view_application(u("officer"), world.draft)  # drafts stay with the provider


def test_declaration_gates_scoring(world):
    assessor, assessor2, assessor3 = u("assessor"), u("assessor2"), u("assessor3")
    app = world.submitted_fresh
    assert cp.can_declare(assessor2, app) and not cp.can_score(assessor2, app)
    Declaration.objects.create(application=app, assessor=assessor2, has_conflict=True, details="trustee")
    assert not cp.can_declare(assessor2, app) and not cp.can_score(assessor2, app)
    assert not cp.can_view_application(assessor2, app)
    assert cp.can_score(assessor, world.submitted_scored)
    # assessor3 is not on the open round's panel.
    assert not cp.can_declare(assessor3, app)
    assert not cp.can_score(u("officer"), world.submitted_scored)


def test_award_and_moderation_rules(world):
    assert cp.can_award(u("officer"), world.submitted_scored)
    assert not cp.can_award(u("officer"), world.awarded_app)
    assert not cp.can_award(u("pcc"), world.submitted_scored)
    assert cp.can_moderate(u("admin"), world.submitted_scored)
    assert not cp.can_moderate(u("assessor"), world.submitted_scored)


def test_decision_rules_follow_the_workflow(world):
    draft = world.record("draft")
    approved = world.record("officer_approved")
    decided = world.record("decided")
    published = DecisionRecord.objects.get(reference="DN50-24")
    assert dp.can_edit_decision(u("officer"), draft) and not dp.can_edit_decision(u("officer"), approved)
    submitted = world.record("submitted")
    # The Chief Executive approves what an officer submitted, not every draft (issue 17 defect 7).
    assert dp.can_officer_approve(u("ceo"), submitted) and not dp.can_officer_approve(u("ceo"), draft)
    assert dp.can_submit_for_approval(u("officer"), draft) and not dp.can_submit_for_approval(u("ceo"), draft)
    assert dp.can_return_decision(u("ceo"), submitted) and not dp.can_return_decision(u("officer"), submitted)
    assert not dp.can_officer_approve(u("pcc"), submitted) and not dp.can_officer_approve(u("ceo"), approved)
    assert dp.can_decide(u("pcc"), approved) and not dp.can_decide(u("pcc"), draft)
    assert not dp.can_decide(u("ceo"), approved)
    assert dp.can_publish(u("pcc"), decided) and dp.can_publish(u("officer"), decided)
    assert not dp.can_publish(u("ceo"), decided) and not dp.can_publish(u("officer"), published)
    # An incomplete draft cannot be approved, and says what it lacks.
    draft.legal_implications = ""
    draft.section_b = "Commercial terms"
    draft.section_b_published = False
    assert not dp.can_submit_for_approval(u("officer"), draft)
    assert dp.missing_for_approval(draft) == ["legal implications", "the reason Section B is not published"]


def test_deferral_visibility():
    record = DecisionRecord(state="published", publication_deferred=True, deferred_until=datetime.date(2030, 1, 1))
    assert not record.publicly_visible(datetime.date(2029, 12, 31))
    assert record.publicly_visible(datetime.date(2030, 1, 1))
    assert not DecisionRecord(state="decided").publicly_visible()


def test_other_apps_rules(world):
    assert pp.can_view_partnership(u("assessor")) and not pp.can_view_partnership(u("provider"))
    assert pp.can_manage_board(u("officer")) and not pp.can_manage_board(u("pcc"))
    assert fp.can_view_funding(u("ceo")) and not fp.can_view_funding(u("assessor"))
    assert fp.can_manage_funding(u("officer")) and not fp.can_manage_funding(u("ceo"))


def test_public_rules():
    from svduty.web.public.permissions import can_see_decision, can_see_section_b

    withheld = DecisionRecord(state="published", section_b="Prices", section_b_published=False)
    assert can_see_decision(withheld) and not can_see_section_b(withheld)
    assert can_see_section_b(DecisionRecord(state="published", section_b="Summary", section_b_published=True))
    assert not can_see_decision(DecisionRecord(state="officer_approved"))
