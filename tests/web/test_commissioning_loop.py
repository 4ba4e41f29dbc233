"""Issue 17 (commissioning): a regression test per defect, the applicant loop, full reviews, round guards and the
funding line, the GOV.UK applicant pattern, review reminders, and issue 10 finding 7 (scores after moderation)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from svduty.web.commissioning.models import (
    Application,
    BudgetLine,
    Determination,
    Document,
    Message,
    ModerationReopening,
    Question,
    Review,
    ReviewReminder,
)
from svduty.web.decisions.models import DecisionRecord

from .commissioning_helpers import add_reviews, own_in_review, user
from .conftest import client_for

pytestmark = pytest.mark.django_db
EARLY = {"before_close_reason": "The funder needs the decision before the round closes"}


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _links(message) -> list[str]:
    return [_path(u) for u in re.findall(r"https?://\S+", message.body)]


# -- defects --------------------------------------------------------------------------------------------------------


def test_defect1_upload_is_saved_with_the_answers_typed(world):
    """The upload is part of the EOI form: answers typed since the last save are kept with it."""
    provider = client_for("provider")
    pdf = SimpleUploadedFile("plan3.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    response = provider.post(
        reverse("commissioning:application_edit", args=[world.draft.pk]),
        {"title": "Peer mentoring pilot", "summary": "Typed just before uploading", "document": pdf, "then": "save"},
    )
    assert response.status_code == 302
    draft = Application.objects.get(pk=world.draft.pk)
    assert draft.summary == "Typed just before uploading"
    assert draft.documents.filter(original_name="plan3.pdf").exists()
    # A refused file keeps what was typed on the page, with the error on the file field.
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    page = provider.post(
        reverse("commissioning:application_edit", args=[world.draft.pk]),
        {"title": "Peer mentoring pilot", "summary": "Second edit", "document": bad, "then": "save"},
    ).content.decode()
    assert "Second edit" in page and 'href="#id_document"' in page and "contents are not a PDF" in page


def test_defect2_no_untitled_drafts_drafts_deleted_and_eois_withdrawn(world):
    provider = client_for("provider")
    before = Application.objects.count()
    page = provider.post(reverse("commissioning:apply", args=[world.open_round.pk]), {"title": ""})
    assert page.status_code == 200 and "Enter the name of the intervention" in page.content.decode()
    assert Application.objects.count() == before and not Application.objects.filter(title__startswith="Untitled")
    # A draft can be deleted (after a confirmation page).
    assert provider.get(reverse("commissioning:application_delete", args=[world.draft.pk])).status_code == 200
    provider.post(reverse("commissioning:application_delete", args=[world.draft.pk]))
    assert not Application.objects.filter(pk=world.draft.pk).exists()
    # A submitted EOI is withdrawn with a reason, and kept.
    own = own_in_review(world)
    url = reverse("commissioning:application_withdraw", args=[own.pk])
    assert "Enter why you are withdrawing" in provider.post(url, {"reason": ""}).content.decode()
    provider.post(url, {"reason": "We found other funding"})
    own.refresh_from_db()
    assert own.status == "withdrawn" and own.withdrawn_reason == "We found other funding"
    assert own.messages.filter(body__contains="We found other funding").exists()
    # Withdrawn EOIs leave the ranking.
    from svduty.web.commissioning.assessment import rank

    assert own.pk not in {r.application.pk for r in rank(world.open_round)}


def test_defect3_awarded_after_the_pcc_approves_and_the_dashboard_shows_the_award(world):
    app = Application.objects.get(pk=world.awarded_app.pk)
    assert app.status == "funded" and app.get_status_display() == "Awarded"
    page = client_for("provider").get(reverse("core:home")).content.decode()
    row = page[page.index(app.reference) :].split("</tr>")[0]
    assert "Awarded" in row and app.award.amount_display in row
    assert row.count("£") == 2  # requested and awarded, side by side


def test_defect4_reviews_page_and_ranking_show_comments_spread_and_disagreement(world):
    app = world.submitted_scored
    add_reviews(app, ("assessor",), scores=5, recommendation="yes")
    add_reviews(app, ("assessor2",), scores=1, recommendation="no")
    Review.objects.filter(application=app, assessor=user("assessor2")).update(comment="Weak safeguarding plan")
    first = Review.objects.get(application=app, assessor=user("assessor")).scores.first()
    first.comment = "Excellent reach into the estate"
    first.save()
    officer = client_for("officer")
    page = officer.get(reverse("commissioning:application_reviews", args=[app.pk])).content.decode()
    assert "Weak safeguarding plan" in page and "Excellent reach into the estate" in page
    assert "Assessors disagree" in page and "5 / 5" in page and "1 / 5" in page
    # 5/5 on every criterion is 100.0, 1/5 is 20.0: mean 60.0, spread 80.0.
    from svduty.web.commissioning.assessment import rank

    row = next(r for r in rank(app.round) if r.application.pk == app.pk)
    assert row.mean_percent == Decimal("60.0") and row.spread == Decimal("80.0") and row.disagreement
    assert row.recommendations == {"yes": 1, "maybe": 0, "no": 1}
    assert all(mean == Decimal("3") for _name, mean in row.criterion_means)
    ranking = officer.get(reverse("commissioning:round_assessment", args=[app.round_id])).content.decode()
    assert "80.0" in ranking and "Assessors disagree" in ranking and "Yes 1, maybe 0, no 1" in ranking


def test_defect5_no_decision_before_close_without_reason_nor_without_reviews(world):
    app = world.submitted_scored
    year = app.round.year_list[0]
    officer = client_for("officer")
    award_url = reverse("commissioning:award", args=[app.pk])
    decline_url = reverse("commissioning:decline", args=[app.pk])
    # No reviews yet: neither award nor decline, whatever the reason.
    for url in (award_url, decline_url):
        page = officer.get(url).content.decode()
        assert "0 of the 2 reviews" in page and "<form" not in page.split("govuk-main-wrapper")[1].split("</main")[0]
    refused = officer.post(award_url, {f"amount_{year}": "10,000", "conditions": "c", **EARLY})
    from svduty.web.commissioning.models import Award

    assert refused.status_code == 200 and not Award.objects.filter(application=app).exists()
    add_reviews(app)
    # Round still open: the reason is needed.
    page = officer.post(award_url, {f"amount_{year}": "10,000", "conditions": "c"}).content.decode()
    assert "Enter why the decision cannot wait until the round closes" in page
    page = officer.post(decline_url, {"reason": "Outside the eligible areas"}).content.decode()
    assert "Enter why the decision cannot wait" in page
    # Decline: a reason, then a confirmation page; nothing happens until confirmed.
    assert "Enter the reason the application is not funded" in officer.post(decline_url, EARLY).content.decode()
    confirm = officer.post(decline_url, {"reason": "Outside the eligible areas", **EARLY}).content.decode()
    assert "Are you sure" in confirm and "Outside the eligible areas" in confirm
    assert Application.objects.get(pk=app.pk).status == "submitted" and not mail.outbox
    officer.post(decline_url, {"reason": "Outside the eligible areas", **EARLY, "confirmed": "yes"})
    app.refresh_from_db()
    assert app.status == "not_awarded"
    determination = Determination.objects.get(application=app, outcome="dismissed")
    assert determination.reason == "Outside the eligible areas"
    assert determination.before_close_reason == EARLY["before_close_reason"]
    letter = mail.outbox[-1]
    assert "Outside the eligible areas" in letter.body and app.reference in letter.subject
    from svduty.web.commissioning.notify import applicant_users

    applicant = applicant_users(app)[0]
    assert letter.to == [applicant.email]
    # The applicant reads the reason on the EOI's thread.
    other = client_for("provider")
    other.force_login(applicant)
    assert "Outside the eligible areas" in other.get(_links(letter)[0]).content.decode()


def test_defect5_after_the_round_closes_no_reason_is_needed(world):
    app = world.submitted_scored
    add_reviews(app)
    world.open_round.opens_on = timezone.localdate() - datetime.timedelta(days=30)
    world.open_round.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    world.open_round.save()
    officer = client_for("officer")
    page = officer.get(reverse("commissioning:award", args=[app.pk])).content.decode()
    assert "before_close_reason" not in page
    response = officer.post(
        reverse("commissioning:award", args=[app.pk]), {f"amount_{app.round.year_list[0]}": "10,000", "conditions": "c"}
    )
    assert response.status_code == 302


def test_defect6_no_section_b_is_never_published_as_yes(world):
    from svduty.web.commissioning.awards import make_award

    award = make_award(world.submitted_scored, {world.open_round.year_list[0]: 100_000}, "", user("officer"))
    record = award.decision_record
    assert record.section_b == "" and record.section_b_published is False
    page = client_for("officer").get(reverse("decisions:detail", args=[record.reference])).content.decode()
    assert "There is no Section B report" in page
    row = page[page.index("Is the Section B report published?") :].split("</div>")[0]
    assert ">Yes<" not in row
    # Saving "publish Section B" with no Section B does not bring the claim back.
    DecisionRecord.objects.get(pk=record.pk).save()
    assert DecisionRecord.objects.get(pk=record.pk).section_b_published is False


def test_defect7_submit_for_approval_and_the_chief_executive_returns_with_comments(world):
    officer, ceo = client_for("officer"), client_for("chief_executive")
    draft = world.record("draft")
    assert draft.reference not in ceo.get(reverse("core:home")).content.decode()
    officer.post(reverse("decisions:submit", args=[draft.reference]))
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.reference in ceo.get(reverse("core:home")).content.decode()
    assert mail.outbox and draft.reference in mail.outbox[-1].subject
    assert officer.get(reverse("decisions:edit", args=[draft.reference])).status_code == 403
    url = reverse("decisions:return", args=[draft.reference])
    assert "Enter your comments" in ceo.post(url, {"comments": ""}).content.decode()
    ceo.post(url, {"comments": "Add the equalities assessment"})
    draft.refresh_from_db()
    assert draft.state == "draft"
    event = draft.events.order_by("-at", "-id").first()
    assert (event.action, event.note, event.user.username) == ("return", "Add the equalities assessment", "ceo")
    page = officer.get(reverse("decisions:detail", args=[draft.reference])).content.decode()
    assert "Returned by the Chief Executive" in page and "Add the equalities assessment" in page
    assert officer.get(reverse("decisions:edit", args=[draft.reference])).status_code == 200


def _round_data(round_, **extra):
    today = timezone.localdate()
    data = {
        "title": round_.title,
        "description": round_.description,
        "stream": round_.stream_id,
        "priorities": [p.pk for p in round_.priorities.all()],
        "eligible_areas": round_.eligible_areas,
        "financial_years": round_.financial_years,
        "opens_on_0": today.day,
        "opens_on_1": today.month,
        "opens_on_2": today.year,
        "closes_on_0": round_.closes_on.day,
        "closes_on_1": round_.closes_on.month,
        "closes_on_2": round_.closes_on.year,
        "reviews_required": "2",
        "max_award": "50,000",
        "launch_record": round_.launch_record_id or "",
    }
    data.update(extra)
    return data


def test_defect8_a_round_does_not_open_on_a_draft_launch_record_without_a_warning(world):
    round_ = world.open_round
    assert round_.launch_record.state == "draft"
    officer = client_for("officer")
    page = officer.get(reverse("commissioning:round", args=[round_.pk])).content.decode()
    assert "govuk-warning-text" in page and round_.launch_record.reference in page and "not yet approved" in page
    url = reverse("commissioning:round_edit", args=[round_.pk])
    refused = officer.post(url, _round_data(round_)).content.decode()
    assert "This round would be open now" in refused and "Tick the box to open it anyway" in refused
    assert officer.post(url, _round_data(round_, confirm_open="on")).status_code == 302
    approved = DecisionRecord.objects.filter(decision="approved").first()
    assert officer.post(url, _round_data(round_, launch_record=approved.pk)).status_code == 302
    assert "govuk-warning-text" not in officer.get(reverse("commissioning:round", args=[round_.pk])).content.decode()


def test_defect9_error_wording_optional_labels_budget_link_and_question_numbers(world):
    from django import forms

    from svduty.web.core.forms import required_message

    assert required_message(forms.CharField(label="Choose a password")) == "Choose a password"
    assert required_message(forms.CharField(label="What it is for")) == "Enter what it is for"
    assert required_message(forms.CharField(label="Summary")) == "Enter the summary"
    # "(optional)" is not shown on details needed under a Yes.
    page = client_for("assessor").get(reverse("commissioning:declare", args=[world.submitted_fresh.pk])).content
    assert b"Describe the interest (optional)" not in page and b"Describe the interest" in page
    page = client_for("officer").get(reverse("decisions:new")).content.decode()
    assert "Reason Section B is not published (optional)" not in page
    # The over-maximum budget error is on the budget field, and the summary links to it.
    year = world.open_round.year_list[0]
    page = (
        client_for("provider")
        .post(
            reverse("commissioning:application_section", args=[world.draft.pk, "budget"]), {f"budget_{year}": "60,000"}
        )
        .content.decode()
    )
    assert f'href="#id_budget_{year}"' in page and f'id="id_budget_{year}-error"' in page
    # Questions are numbered from 1, and edited in place.
    officer = client_for("officer")
    page = officer.get(reverse("commissioning:round_questions", args=[world.open_round.pk])).content.decode()
    first_row = page.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
    assert '<td class="govuk-table__cell">1</td>' in first_row
    question = world.open_round.questions.first()
    response = officer.post(
        reverse("commissioning:question_edit", args=[question.pk]),
        {
            "text": "How will young people shape it?",
            "kind": "text",
            "word_limit": "150",
            "required": "on",
            "order": "1",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.word_limit) == ("How will young people shape it?", 150)


# -- the applicant loop ---------------------------------------------------------------------------------------------


def test_more_information_loop_with_emails_and_history(world):
    from svduty.web.commissioning.notify import applicant_users

    app = world.submitted_scored
    applicant = applicant_users(app)[0]
    officer = client_for("officer")
    officer.post(reverse("commissioning:request_info", args=[app.pk]), {"message": "How many sessions a week?"})
    app.refresh_from_db()
    assert app.status == "more_info"
    request_mail = mail.outbox[-1]
    assert request_mail.to == [applicant.email] and "How many sessions a week?" in request_mail.body
    provider = client_for("provider")
    provider.force_login(applicant)
    link = _links(request_mail)[0]
    assert link == reverse("commissioning:application_resubmit", args=[app.pk])
    page = provider.get(link).content.decode()
    assert "How many sessions a week?" in page
    # Answers can be changed while more information is requested.
    section = reverse("commissioning:application_section", args=[app.pk, "delivery"])
    assert provider.post(section, {"outcomes": "Two sessions a week", "then": "save"}).status_code == 302
    provider.post(link, {"answer": "Two evening sessions a week"})
    app.refresh_from_db()
    assert app.status == "submitted" and app.outcomes == "Two sessions a week"
    answered = mail.outbox[-1]
    assert "Two evening sessions a week" in answered.body and user("officer").email in answered.to
    assert _links(answered)[0] == reverse("commissioning:application", args=[app.pk])
    # The thread, in order, for the applicant and staff; assessors do not see it.
    kinds = list(Message.objects.filter(application=app).values_list("kind", flat=True))
    assert kinds == ["request", "answer"]
    for client in (provider, officer):
        page = client.get(reverse("commissioning:application", args=[app.pk])).content.decode()
        assert "How many sessions a week?" in page and "Two evening sessions a week" in page
        assert "More information requested" in page  # the determination, in the history
    assessor_page = client_for("assessor").get(reverse("commissioning:application", args=[app.pk])).content.decode()
    assert "How many sessions a week?" not in assessor_page
    # Either side can write on the thread.
    provider.post(reverse("commissioning:message_send", args=[app.pk]), {"body": "Thank you"})
    assert Message.objects.filter(application=app, body="Thank you", author=applicant).exists()


def test_task_list_check_answers_declaration_and_confirmation(world):
    provider = client_for("provider")
    tasks = provider.get(reverse("commissioning:application_tasks", args=[world.draft.pk])).content.decode()
    assert "govuk-task-list" in tasks and "Incomplete" in tasks and "Check your answers and submit" not in tasks
    year = world.open_round.year_list[0]
    question = world.open_round.questions.first()
    sections = {
        "about": {
            "title": "Peer mentoring pilot",
            "summary": "Mentors support pupils after exclusion",
            "target_cohort": "Excluded pupils",
            "age_min": "13",
            "age_max": "16",
            "area": "Demoshire City",
            "priority": world.open_round.priorities.first().pk,
            "prevention_level": "secondary",
        },
        "budget": {f"budget_{year}": "20,000"},
        "delivery": {"outcomes": "Fewer exclusions", "safeguarding": "DBS", "evidence": "YEF toolkit"},
        "questions": {f"question_{question.pk}": "A youth panel"},
    }
    for key, data in sections.items():
        url = reverse("commissioning:application_section", args=[world.draft.pk, key])
        assert provider.post(url, {**data, "then": "save"}).status_code == 302, key
    tasks = provider.get(reverse("commissioning:application_tasks", args=[world.draft.pk])).content.decode()
    assert tasks.count("Completed") == 4 and "Check your answers and submit" in tasks
    check = provider.get(reverse("commissioning:application_submit", args=[world.draft.pk])).content.decode()
    assert "Check your answers" in check and "Mentors support pupils after exclusion" in check and "£20,000" in check
    response = provider.post(
        reverse("commissioning:application_submit", args=[world.draft.pk]), {"confirm": "on", "full_name": "Pat Lee"}
    )
    confirmation = provider.get(response["Location"]).content.decode()
    app = Application.objects.get(pk=world.draft.pk)
    assert "govuk-panel--confirmation" in confirmation and app.reference in confirmation
    assert "What happens next" in confirmation
    receipt = mail.outbox[-1]
    assert app.reference in receipt.subject and app.reference in receipt.body
    assert app.declaration_name == "Pat Lee" and app.declared_at is not None


def test_question_types_and_word_limits(world):
    round_ = world.open_round
    number = Question.objects.create(round=round_, text="How many young people a year?", kind="number", order=2)
    choice = Question.objects.create(
        round=round_, text="Which day?", kind="choice", choices="Friday\nSaturday", order=3
    )
    upload = Question.objects.create(round=round_, text="Attach your safeguarding policy", kind="file", order=4)
    limited = Question.objects.create(round=round_, text="Why you?", kind="text", word_limit=5, order=5)
    provider = client_for("provider")
    url = reverse("commissioning:application_section", args=[world.draft.pk, "questions"])
    page = provider.get(url).content.decode()
    assert 'data-maxwords="5"' in page and "govuk-character-count" in page and 'type="file"' in page
    assert 'value="Saturday"' in page
    bad = provider.post(
        url, {f"question_{number.pk}": "lots", f"question_{limited.pk}": "one two three four five six"}
    ).content.decode()
    assert "Enter a number" in bad and "Use 5 words or fewer" in bad
    policy = SimpleUploadedFile("policy.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = provider.post(
        url,
        {
            f"question_{number.pk}": "120",
            f"question_{choice.pk}": "Saturday",
            f"question_{upload.pk}": policy,
            f"question_{limited.pk}": "We know the estate",
        },
    )
    assert response.status_code == 302
    answers = dict(world.draft.answers.values_list("question__text", "text"))
    assert answers["How many young people a year?"] == "120" and answers["Which day?"] == "Saturday"
    assert answers["Attach your safeguarding policy"] == "policy.pdf"
    assert Document.objects.get(application=world.draft, question=upload).original_name == "policy.pdf"
    # A question with an option list needs at least two options.
    page = (
        client_for("officer")
        .post(
            reverse("commissioning:round_questions", args=[round_.pk]),
            {"text": "Pick", "kind": "choice", "choices": "Only one", "order": "6"},
        )
        .content.decode()
    )
    assert "Enter at least two options" in page


def test_govuk_date_input(world):
    from svduty.web.commissioning.forms import AgreementForm

    assert AgreementForm({"signed_on_0": "1", "signed_on_1": "8", "signed_on_2": "2024"}).is_valid()
    form = AgreementForm({"signed_on_0": "31", "signed_on_1": "2", "signed_on_2": "2024"})
    assert not form.is_valid() and form.errors["signed_on"] == [
        "Date the grant agreement was signed must be a real date"
    ]
    form = AgreementForm({"signed_on_0": "", "signed_on_1": "2", "signed_on_2": "2024"})
    assert form.errors["signed_on"] == ["Date the grant agreement was signed must include a day"]
    page = client_for("officer").get(reverse("commissioning:round_edit", args=[world.open_round.pk])).content.decode()
    assert 'class="govuk-date-input"' in page and 'name="opens_on_2"' in page


# -- full reviews, the funding line, moderation -----------------------------------------------------------------------


def test_full_review_stores_comment_per_criterion_and_recommendation(world):
    app = world.submitted_scored
    criteria = list(app.round.criteria.all())
    data = {f"criterion_{c.pk}": "3" for c in criteria}
    data.update({f"comment_{c.pk}": f"Note on {c.name}" for c in criteria})
    assessor = client_for("assessor")
    url = reverse("commissioning:score", args=[app.pk])
    assert "Select yes, maybe or no" in assessor.post(url, data).content.decode()
    data["recommendation"] = "maybe"
    assert assessor.post(url, data).status_code == 302
    review = Review.objects.get(application=app, assessor=user("assessor"))
    assert review.recommendation == "maybe"
    assert sorted(review.scores.values_list("comment", flat=True)) == sorted(f"Note on {c.name}" for c in criteria)


def test_funding_line_and_headroom(world):
    from svduty.web.commissioning.assessment import headroom, rank
    from svduty.web.funding import ledger

    round_ = world.open_round
    ranking = rank(round_)
    assert round_.available_budget_pence is not None
    running = 0
    for row in ranking:
        running += row.application.requested_pence
        assert row.cumulative_pence == running
        assert row.within_budget == (running <= round_.available_budget_pence)
    assert any(r.within_budget is False for r in ranking)  # the demo round asks for more than its budget
    year = round_.year_list[0]
    position = {p.financial_year: p for p in ledger.position(round_.stream)}[year]
    assert headroom(round_) == [
        {
            "year": year,
            "budget": position.budget_pence,
            "committed": position.committed_pence,
            "available": position.budget_pence - position.committed_pence,
        }
    ]
    page = client_for("officer").get(reverse("commissioning:round_assessment", args=[round_.pk])).content.decode()
    assert "Below the funding line" in page and f"Headroom in {year}" in page


def test_ranking_is_paginated(world):
    for i in range(30):
        app = Application.objects.create(
            round=world.open_round,
            organisation=world.submitted_fresh.organisation,
            created_by=world.submitted_fresh.created_by,
            title=f"Paged EOI {i}",
            status="submitted",
            submitted_at=timezone.now(),
        )
        BudgetLine.objects.create(application=app, financial_year=world.open_round.year_list[0], amount_pence=100)
    officer = client_for("officer")
    url = reverse("commissioning:round_assessment", args=[world.open_round.pk])
    total = Application.objects.filter(round=world.open_round).exclude(status__in=("draft", "withdrawn")).count()
    first = officer.get(url).content.decode()
    last = officer.get(url + "?page=2").content.decode()
    assert "govuk-pagination" in first
    assert first.count('class="govuk-table__row') - 1 == 25  # the header row aside
    assert last.count('class="govuk-table__row') - 1 == total - 25


def test_ranking_pages_keep_the_running_total_and_funding_line(world):
    """Page 2 of the ranking carries on from page 1: positions, the cumulative amount and the funding line are those of
    the whole ranking, not restarted per page."""
    import re as _re

    from svduty.web.commissioning.assessment import rank
    from svduty.web.core.templatetags.svduty import pounds

    round_ = world.open_round
    for i in range(30):
        app = Application.objects.create(
            round=round_,
            organisation=world.submitted_fresh.organisation,
            created_by=world.submitted_fresh.created_by,
            title=f"Paged EOI {i}",
            status="submitted",
            submitted_at=timezone.now(),
        )
        BudgetLine.objects.create(application=app, financial_year=round_.year_list[0], amount_pence=100_000)
    ranking = rank(round_)
    assert len(ranking) > 26
    # Draw the funding line inside page 2: the budget covers the first 27 applications exactly.
    round_.available_budget_pence = ranking[26].cumulative_pence
    round_.save(update_fields=["available_budget_pence"])
    ranking = rank(round_)
    page2 = (
        client_for("officer")
        .get(reverse("commissioning:round_assessment", args=[round_.pk]) + "?page=2")
        .content.decode()
    )
    row_start = r'<tr class="govuk-table__row( svduty-below-line)?">\s*<td class="govuk-table__cell">(\d+)</td>'
    rows = _re.findall(row_start, page2)
    assert [int(n) for _, n in rows] == list(range(26, len(ranking) + 1))
    for (below, _n), row in zip(rows, ranking[25:], strict=True):
        assert bool(below) == (row.within_budget is False)
        assert pounds(row.cumulative_pence) in page2
    assert [bool(b) for b, _ in rows][:2] == [False, False] and rows[2][0]  # the line falls after rank 27
    page1 = client_for("officer").get(reverse("commissioning:round_assessment", args=[round_.pk])).content.decode()
    assert "svduty-below-line" not in page1
    assert pounds(sum(r.application.requested_pence for r in ranking)) in page1  # the total is the whole round's


def test_scores_locked_after_moderation_until_reopened_explicitly(world):
    """Issue 10 finding 7: scores are fixed by a moderation; re-opening it is explicit and recorded."""
    app = world.submitted_scored
    add_reviews(app, ("assessor",), scores=2)
    officer = client_for("officer")
    officer.post(reverse("commissioning:moderate", args=[app.pk]), {"score_percent": "70", "reason": "Panel view"})
    from svduty.web.commissioning import permissions
    from svduty.web.commissioning.assessment import rank

    assert permissions.scores_locked(app)
    reopen = reverse("commissioning:moderation_reopen", args=[app.pk])
    assert "Enter why you are re-opening" in officer.post(reopen, {"reason": ""}).content.decode()
    officer.post(reopen, {"reason": "New evidence from the applicant"})
    assert not permissions.scores_locked(app)
    record = ModerationReopening.objects.get(application=app)
    assert (record.reason, record.reopened_by.username) == ("New evidence from the applicant", "officer")
    from svduty.web.notifications.models import Message as Sent

    told = Sent.objects.filter(event="moderation_reopened")
    assert {m.recipient.username for m in told} == {"assessor"}  # the panel assessor whose scores were fixed
    assert all(app.reference in m.subject and "New evidence from the applicant" in m.body for m in told)
    row = next(r for r in rank(app.round) if r.application.pk == app.pk)
    assert row.moderated_percent is None  # a re-opened moderation no longer stands
    criteria = list(app.round.criteria.all())
    data = {f"criterion_{c.pk}": "5" for c in criteria} | {"recommendation": "yes"}
    assert client_for("assessor").post(reverse("commissioning:score", args=[app.pk]), data).status_code == 302
    assert set(
        Review.objects.get(application=app, assessor=user("assessor")).scores.values_list("score", flat=True)
    ) == {5}
    officer.post(reverse("commissioning:moderate", args=[app.pk]), {"score_percent": "90", "reason": "Agreed"})
    assert permissions.scores_locked(app)
    history = officer.get(reverse("commissioning:moderate", args=[app.pk])).content.decode()
    assert "New evidence from the applicant" in history


# -- reminders, notifications, demo ----------------------------------------------------------------------------------


def test_assessor_assigned_and_review_reminders(world, capsys):
    round_ = world.open_round
    officer = client_for("officer")
    assessor3 = user("assessor3")
    members = [m.pk for m in round_.panel.members.all()] + [assessor3.pk]
    officer.post(
        reverse("commissioning:round_panel", args=[round_.pk]),
        {"kind": "panel", "panel-name": round_.panel.name, "panel-members": members},
    )
    assigned = [m for m in mail.outbox if assessor3.email in m.to]
    assert len(assigned) == 1 and _links(assigned[0])[0] == reverse("commissioning:assessor_queue")
    deadline = round_.review_deadline
    mail.outbox.clear()
    call_command("remind_reviews", today=(deadline - datetime.timedelta(days=10)).isoformat())
    assert not mail.outbox  # too early
    call_command("remind_reviews", today=(deadline - datetime.timedelta(days=2)).isoformat())
    owed = [
        (a, m)
        for a in Application.objects.filter(round=round_, status__in=("submitted", "more_info"))
        for m in round_.panel.members.all()
        if not a.reviews.filter(assessor=m).exists() and not a.declarations.filter(assessor=m, has_conflict=True)
    ]
    assert len(mail.outbox) == len(owed) > 0
    assert ReviewReminder.objects.filter(kind="due").count() == len(owed)
    call_command("remind_reviews", today=(deadline - datetime.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == len(owed)  # not repeated
    call_command("remind_reviews", today=(deadline + datetime.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2 * len(owed) and "overdue" in mail.outbox[-1].subject.lower()
    assert "review reminder(s) sent" in capsys.readouterr().out


def test_award_letter_when_the_pcc_approves(world):
    from svduty.web.commissioning.awards import make_award
    from svduty.web.workflows import DECISION_WORKFLOW, perform

    app = world.submitted_scored
    award = make_award(app, {app.round.year_list[0]: 1_500_000}, "Quarterly returns", user("officer"))
    record = award.decision_record
    perform(DECISION_WORKFLOW, "submit", record, user("officer"))
    perform(DECISION_WORKFLOW, "officer_approve", record, user("ceo"), officer_name="CE")
    mail.outbox.clear()
    client_for("pcc").post(
        reverse("decisions:decide", args=[record.reference]),
        {
            "decision": "approved",
            "decision_text": "I approve",
            "pcc_has_interest": "no",
            "pcc_signature": "Pat",
            "decided_on_0": timezone.localdate().day,
            "decided_on_1": timezone.localdate().month,
            "decided_on_2": timezone.localdate().year,
        },
    )
    letter = next(m for m in mail.outbox if app.reference in m.subject)
    assert "£15,000" in letter.body and "Quarterly returns" in letter.body and record.reference in letter.body
    app.refresh_from_db()
    assert app.status == "funded"


def test_demo_open_round_has_eois_in_review(world):
    apps = Application.objects.filter(round=world.open_round, is_demo=True)
    statuses = sorted(apps.values_list("status", flat=True))
    assert statuses.count("submitted") >= 3 and statuses.count("more_info") == 1
    reviewed = [a for a in apps if a.reviews.exclude(comment="").exists()]
    assert len(reviewed) >= 2
    more_info = apps.get(status="more_info")
    assert more_info.messages.filter(kind="request").exists()
    assert DecisionRecord.objects.filter(state="submitted", is_demo=True).exists()
