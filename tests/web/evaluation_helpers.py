"""Objects the evaluation tests and the permission matrix share: evaluations on the provider's programme and on
another organisation's, one with a PDF, one without a note, and a draft note."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

FIXTURE = (
    Path(__file__).resolve().parents[2] / "src" / "svduty" / "web" / "evaluation" / "fixtures" / "demo_its_result.json"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fixture_bytes() -> bytes:
    return FIXTURE.read_bytes()


def make_evaluation(programme, title: str, *, pdf: bool = False, synthetic: bool = False):
    from svduty.web.evaluation.models import Evaluation

    existing = Evaluation.objects.filter(programme=programme, title=title).first()
    if existing is not None:
        return existing
    document = json.loads(fixture_bytes())
    evaluation = Evaluation(
        programme=programme,
        title=title,
        design=document["design"],
        result=document,
        estimate=document["level_change"],
        ci_low=document["level_change_ci"][0],
        ci_high=document["level_change_ci"][1],
        p_value=document["level_change_p"],
        msms_level=document["maryland_sms"]["level"],
        msms_reason=document["maryland_sms"]["reason"],
        synthetic=synthetic,
        uploaded_by=get_user_model().objects.get(username="officer"),
    )
    if pdf:
        evaluation.report_pdf.save("evaluation.pdf", ContentFile(PDF), save=False)
        evaluation.report_pdf_name = "evaluation.pdf"
    evaluation.save()
    return evaluation


def make_note(evaluation, *, title: str = "Draft note"):
    from svduty.web.evaluation.models import PracticeNote

    note = PracticeNote.objects.filter(evaluation=evaluation).first()
    if note is not None:
        return note
    return PracticeNote.objects.create(
        evaluation=evaluation,
        title=title,
        what_was_done="Mentoring",
        for_whom="Young people",
        where="Demoshire",
        result="No change",
        strength_level=2,
        strength_reason="Before/after",
        contact="officer@example.org",
        created_by=get_user_model().objects.get(username="officer"),
    )


def evaluation_objects(own, other):
    """(demo evaluation with its published note — another organisation's programme —, other org's evaluation with
    PDF, own with PDF, own without note, a draft note)."""
    from svduty.web.evaluation.models import Evaluation

    demo = Evaluation.objects.get(is_demo=True)
    other_pdf = make_evaluation(other, "Other organisation's evaluation", pdf=True)
    own_pdf = make_evaluation(own, "Own evaluation with PDF", pdf=True)
    own_bare = make_evaluation(own, "Own evaluation without a note")
    draft_note = make_note(own_pdf)
    return demo, other_pdf, own_pdf, own_bare, draft_note
