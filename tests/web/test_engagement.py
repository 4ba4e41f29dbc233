"""Consultations and partner networks (issue 15 item 5): CSV import with errors naming row and field (and nothing
saved), responses entered without names, theme coding and counts checked against an independent count, the
publish workflow with history, the public page, and retention through ``svduty retention``."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from svduty.web.engagement import importing, retention, summary
from svduty.web.engagement.models import Answer, Consultation, Question, Response

from .conftest import client_for


def _consultation(**extra) -> Consultation:
    c = Consultation.objects.create(
        partnership=Consultation.objects.get(is_demo=True).partnership,
        title="Parents' views on knife crime",
        purpose="Test",
        audience="parents",
        opens_on=date(2025, 1, 6),
        closes_on=date(2025, 2, 28),
        **extra,
    )
    Question.objects.create(consultation=c, order=1, kind="scale", text="How worried are you?")
    Question.objects.create(
        consultation=c, order=2, kind="choice", text="Has your child seen a knife?", choices="Yes\nNo"
    )
    Question.objects.create(consultation=c, order=3, text="What would help?")
    return c


CSV_OK = (
    "reference,submitted_on,channel,age_band,area,q1,q2,q3\n"
    "P-1,2025-01-10,paper,25+,Demoshire City,4,Yes,More youth workers\n"
    "P-2,2025-01-11,online,,Northern Demoshire,2,No,\n"
    "\n"
    "P-3,2025-01-12,workshop,18-24,,5,,Lighting on the canal path\n"
)


@pytest.mark.django_db
def test_csv_import_saves_every_row(world):
    c = _consultation()
    upload = SimpleUploadedFile("responses.csv", CSV_OK.encode(), content_type="text/csv")
    response = client_for("officer").post(f"/engagement/consultations/{c.pk}/responses/import/", {"file": upload})
    assert response.status_code == 302
    rows = {r.reference: r for r in c.responses.all()}
    assert set(rows) == {"P-1", "P-2", "P-3"} and rows["P-3"].import_row == 5 and rows["P-2"].age_band == ""
    assert {a.question.order: a.text for a in rows["P-1"].answers.all()} == {1: "4", 2: "Yes", 3: "More youth workers"}
    assert rows["P-2"].answers.count() == 2  # the empty answer is not stored


@pytest.mark.django_db
def test_csv_errors_name_row_and_field_and_save_nothing(world):
    c = _consultation()
    bad = (
        "reference,submitted_on,channel,age_band,q1,q2\n"
        "P-1,2025-01-10,paper,25+,4,Yes\n"
        "P-1,10/01/2025,fax,19,7,Maybe\n"
        "P-3,2025-01-12\n"
    )
    _rows, errors = importing.parse(c, bad.encode())
    messages = [str(e) for e in errors]
    assert "row 3, reference: 'P-1' is already used by another response" in messages
    assert "row 3, submitted_on: '10/01/2025' is not a date: write YYYY-MM-DD" in messages
    assert any(m.startswith("row 3, channel: 'fax' is not one of") for m in messages)
    assert any(m.startswith("row 3, age_band: '19' is not one of") for m in messages)
    assert "row 3, q1: '7' is not a whole number from 1 to 5" in messages
    assert "row 3, q2: 'Maybe' is not one of the choices: Yes; No" in messages
    assert "row 4, -: 2 values for 6 columns" in messages
    upload = SimpleUploadedFile("r.csv", bad.encode(), content_type="text/csv")
    page = client_for("officer").post(f"/engagement/consultations/{c.pk}/responses/import/", {"file": upload})
    assert page.status_code == 200 and "The file was not imported" in page.content.decode()
    assert "row 3, q1" in page.content.decode() and c.responses.count() == 0


@pytest.mark.django_db
def test_csv_header_refuses_identity_columns_and_bad_files(world):
    c = _consultation()
    _rows, errors = importing.parse(c, b"reference,submitted_on,name,email,q9\nP-1,2025-01-10,Sam,s@example.org,x\n")
    text = [str(e) for e in errors]
    assert any(t.startswith("row 1, name: this column would hold personal details") for t in text)
    assert any(t.startswith("row 1, email: this column would hold personal details") for t in text)
    assert any(t.startswith("row 1, q9: unknown column") for t in text)
    assert next(str(e) for e in importing.parse(c, b"\xff\xfe\x00a")[1]).startswith(
        "responses.csv: the file is not UTF-8"
    )
    assert "the file is empty" in str(importing.parse(c, b"")[1][0])
    assert "no responses" in str(importing.parse(c, b"reference,submitted_on\n")[1][0])


@pytest.mark.django_db
def test_response_entered_by_hand_has_no_identity_fields(world):
    c = _consultation()
    form_page = client_for("officer").get(f"/engagement/consultations/{c.pk}/responses/new/").content.decode()
    assert "Do not type a name" in form_page
    for field in ('name="name"', "email", "date_of_birth", "postcode"):
        assert field not in form_page
    data = {
        "reference": "W-1",
        "submitted_on": "2025-01-20",
        "channel": "workshop",
        "age_band": "16-17",
        "area": "",
        "q1": "3",
        "q3": "Safer buses",
    }
    assert client_for("officer").post(f"/engagement/consultations/{c.pk}/responses/new/", data).status_code == 302
    r = c.responses.get(reference="W-1")
    assert {a.question.order: a.text for a in r.answers.all()} == {1: "3", 3: "Safer buses"}
    again = client_for("officer").post(f"/engagement/consultations/{c.pk}/responses/new/", data)
    assert "Another response already has this reference" in again.content.decode()
    assert {f.name for f in Response._meta.fields} & {"name", "email", "contact", "date_of_birth", "postcode"} == set()


@pytest.mark.django_db
def test_theme_counts_equal_an_independent_count(world):
    from django.db import connection

    c = Consultation.objects.get(is_demo=True)
    counts = {t.theme.name: t.responses for t in summary.theme_counts(c)}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.name, COUNT(DISTINCT a.response_id) FROM engagement_theme t
               LEFT JOIN engagement_answer_themes at ON at.theme_id = t.id
               LEFT JOIN engagement_answer a ON at.answer_id = a.id
               WHERE t.consultation_id = %s GROUP BY t.name""",
            [c.pk],
        )
        expected = dict(cursor.fetchall())
    assert counts == expected and sum(expected.values()) > 0 and c.responses.count() == 48
    # Closed questions: every stored answer counted once under its option.
    for question, options in summary.closed_answers(c):
        stored = Answer.objects.filter(question=question).exclude(text="").count()
        assert sum(n for _o, n in options) == stored == 48


@pytest.mark.django_db
def test_coding_saves_themes(world):
    c = _consultation()
    importing.import_csv(c, CSV_OK.encode(), _officer())
    theme = c.themes.create(name="Youth workers")
    q3 = c.questions.get(order=3)
    answers = list(Answer.objects.filter(question=q3).exclude(text=""))
    data = {f"a{answers[0].pk}": [str(theme.pk)]}
    assert client_for("officer").post(f"/engagement/questions/{q3.pk}/coding/", data).status_code == 302
    assert [t.responses for t in summary.theme_counts(c)] == [1]


def _officer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="officer")


@pytest.mark.django_db
def test_workflow_publish_needs_the_summary_and_keeps_history(world):
    c = _consultation()
    officer = client_for("officer")
    assert officer.post(f"/engagement/consultations/{c.pk}/steps/open/").status_code == 302
    assert officer.post(f"/engagement/consultations/{c.pk}/steps/close/").status_code == 302
    assert officer.post(f"/engagement/consultations/{c.pk}/steps/publish/").status_code == 403  # no summary yet
    assert client_for("public").get(f"/public/consultations/{c.pk}/").status_code == 404
    edit = {
        "c-title": c.title, "c-purpose": c.purpose, "c-audience": c.audience, "c-opens_on": "2025-01-06",
        "c-closes_on": "2025-02-28", "c-retention_months": 12,
        "s-we_asked": "We asked parents", "s-you_said": "You said buses", "s-we_did": "We funded bus marshals",
    }  # fmt: skip
    assert officer.post(f"/engagement/consultations/{c.pk}/edit/", edit).status_code == 302
    assert officer.post(f"/engagement/consultations/{c.pk}/steps/publish/").status_code == 302
    c.refresh_from_db()
    assert c.status == "published" and c.published_at is not None
    assert [h.status for h in c.history.order_by("history_date")] == ["draft", "open", "closed", "closed", "published"]
    public = client_for("public").get(f"/public/consultations/{c.pk}/").content.decode()
    assert "We funded bus marshals" in public
    assert escape(c.title) in client_for("public").get("/public/consultations/").content.decode()
    assert officer.post(f"/engagement/consultations/{c.pk}/steps/nonsense/").status_code == 404


@pytest.mark.django_db
def test_retention_erases_free_text_only_after_the_period(world):
    from io import StringIO

    from django.core.management import call_command

    c = _consultation(status="closed", retention_months=12)
    importing.import_csv(c, CSV_OK.encode(), _officer())
    before = retention.due_for_erasure(date(2026, 2, 27))
    assert c.pk not in [d.consultation.pk for d in before]  # closes 2025-02-28: due from 2026-02-28
    due = [d for d in retention.due_for_erasure(date(2026, 2, 28)) if d.consultation.pk == c.pk]
    assert due and due[0].answers == 2 and due[0].erase_after == date(2026, 2, 28)
    out = StringIO()
    call_command("retention", stdout=out)  # dry run (today is after 2026-02-28 on this machine's clock or not)
    assert "consultation(s) would have their free-text answers erased" in out.getvalue()
    assert retention.erase(due) == 2
    c.refresh_from_db()
    texts = Answer.objects.filter(response__consultation=c, question__order=3).values_list("text", "erased")
    assert set(texts) == {("", True)} and c.answers_erased_at is not None
    kept = Answer.objects.filter(response__consultation=c, question__order=1).values_list("text", flat=True)
    assert sorted(kept) == ["2", "4", "5"]  # scale answers stay for the counts
    assert client_for("officer").get(f"/engagement/consultations/{c.pk}/responses/new/").status_code == 403


@pytest.mark.django_db
def test_demo_network_is_a_faith_alliance(world):
    from svduty.web.engagement.models import Network

    n = Network.objects.get(name="Demoshire Faith Alliance")
    assert n.kind == "faith" and n.is_demo and n.members.count() == 6 and n.activities.count() == 4
    page = client_for("assessor").get(f"/engagement/networks/{n.pk}/").content.decode()
    assert "West Midlands Faith Alliance" in page and "DEMO DATA" in page
    officer = client_for("officer")
    assert (
        officer.post(
            f"/engagement/networks/{n.pk}/members/new/", {"name": "Demoshire Quaker Meeting", "kind": "faith"}
        ).status_code
        == 302
    )
    assert n.members.count() == 7
