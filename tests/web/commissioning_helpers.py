"""Objects and permission-matrix rows for the commissioning pages of issue 17 (the applicant loop, full reviews,
determinations, round guards) and the decision-record submit/return steps."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse as u
from django.utils import timezone

STAFF = {"admin", "officer"}


def user(name):
    return get_user_model().objects.get(username=name)


def own_in_review(w, status="submitted", title="Own EOI in review"):
    """A copy of the provider's world draft, submitted (or with more information requested)."""
    from svduty.web.commissioning.models import Application

    app = Application.objects.create(
        round=w.open_round,
        organisation=w.draft.organisation,
        created_by=w.draft.created_by,
        title=title,
        status=status,
        submitted_at=timezone.now(),
    )
    return app


def add_reviews(app, usernames=("assessor", "assessor2"), scores=4, recommendation="yes"):
    """Full reviews by panel assessors (declared, no conflict), so the required number of reviews is met."""
    from svduty.web.commissioning.models import Declaration, Review, Score

    for name in usernames:
        assessor = user(name)
        Declaration.objects.get_or_create(application=app, assessor=assessor, defaults={"has_conflict": False})
        review, _ = Review.objects.get_or_create(
            application=app, assessor=assessor, defaults={"comment": "ok", "recommendation": recommendation}
        )
        for criterion in app.round.criteria.all():
            Score.objects.get_or_create(review=review, criterion=criterion, defaults={"score": scores})


def commissioning_matrix(w):
    """(url name, url, roles allowed to GET it)."""
    from svduty.web.commissioning.models import Question

    submitted = w.submitted_scored
    own_submitted = own_in_review(w)
    own_more_info = own_in_review(w, "more_info", "Own EOI, more information requested")
    question = Question.objects.filter(round=w.open_round).first()
    draft_record = w.record("draft")
    submitted_record = w.record("submitted")
    return [
        ("commissioning:application_tasks", u("commissioning:application_tasks", args=[w.draft.pk]), {"provider"}),
        (
            "commissioning:application_section",
            u("commissioning:application_section", args=[w.draft.pk, "about"]),
            {"provider"},
        ),
        # Answers may change while more information is requested, not once simply submitted.
        (
            "commissioning:application_section",
            u("commissioning:application_section", args=[own_more_info.pk, "questions"]),
            {"provider"},
        ),
        ("commissioning:application_tasks", u("commissioning:application_tasks", args=[own_submitted.pk]), set()),
        (
            "commissioning:application_confirmation",
            u("commissioning:application_confirmation", args=[own_submitted.pk]),
            {"provider"},
        ),
        (
            "commissioning:application_confirmation",
            u("commissioning:application_confirmation", args=[w.draft.pk]),
            set(),
        ),
        ("commissioning:application_delete", u("commissioning:application_delete", args=[w.draft.pk]), {"provider"}),
        # A submitted EOI is withdrawn, never deleted.
        ("commissioning:application_delete", u("commissioning:application_delete", args=[own_submitted.pk]), set()),
        (
            "commissioning:application_withdraw",
            u("commissioning:application_withdraw", args=[own_submitted.pk]),
            {"provider"},
        ),
        # Awarded: too late to withdraw.
        ("commissioning:application_withdraw", u("commissioning:application_withdraw", args=[w.awarded_app.pk]), set()),
        (
            "commissioning:application_resubmit",
            u("commissioning:application_resubmit", args=[own_more_info.pk]),
            {"provider"},
        ),
        ("commissioning:application_resubmit", u("commissioning:application_resubmit", args=[own_submitted.pk]), set()),
        ("commissioning:application_reviews", u("commissioning:application_reviews", args=[submitted.pk]), STAFF),
        # Nothing moderated yet: nothing to re-open.
        ("commissioning:moderation_reopen", u("commissioning:moderation_reopen", args=[submitted.pk]), set()),
        ("commissioning:request_info", u("commissioning:request_info", args=[submitted.pk]), STAFF),
        ("commissioning:request_info", u("commissioning:request_info", args=[own_more_info.pk]), set()),
        ("commissioning:decline", u("commissioning:decline", args=[submitted.pk]), STAFF),
        ("commissioning:decline", u("commissioning:decline", args=[w.awarded_app.pk]), set()),
        ("commissioning:question_edit", u("commissioning:question_edit", args=[question.pk]), STAFF),
        ("decisions:submit", u("decisions:submit", args=[draft_record.reference]), STAFF),
        ("decisions:submit", u("decisions:submit", args=[submitted_record.reference]), set()),
        ("decisions:return", u("decisions:return", args=[submitted_record.reference]), {"chief_executive"}),
        ("decisions:return", u("decisions:return", args=[draft_record.reference]), set()),
    ]


def commissioning_post_matrix(w):
    """POST-only URLs as factories: allowed roles are redirected onwards, others refused."""
    from django.core.files.base import ContentFile

    from svduty.web.commissioning.models import Document

    def fresh_document():
        document = Document(
            application=w.draft,
            original_name="x.pdf",
            content_type="application/pdf",
            size=9,
            uploaded_by=w.draft.created_by,
        )
        document.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        return document.pk

    return [
        # The thread: the applicant and the partnership's staff (assessors read the EOI, not the thread).
        (
            "commissioning:message_send",
            lambda: u("commissioning:message_send", args=[w.awarded_app.pk]),
            {"provider", "admin", "officer"},
        ),
        (
            "commissioning:document_delete",
            lambda: u("commissioning:document_delete", args=[fresh_document()]),
            {"provider"},
        ),
    ]
