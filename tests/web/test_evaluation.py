"""Evaluations attached to programmes and practice notes (issue 11, item 7): the upload's validation, the prefill
against the result file's own values, drafts never public, labels on demo/synthetic data, the private PDF."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from .conftest import ROLES, client_for
from .evaluation_helpers import PDF, fixture_bytes, make_evaluation, make_note


def _programmes():
    from svduty.web.programmes.models import Programme

    own = Programme.objects.get(title="Bystander training in schools")
    other = Programme.objects.exclude(organisation=own.organisation).order_by("id").first()
    return own, other


def _upload(client, programme, raw: bytes, pdf: bytes | None = None):
    data = {"result_file": SimpleUploadedFile("result.json", raw, content_type="application/json")}
    if pdf is not None:
        data["report_pdf"] = SimpleUploadedFile("evaluation.pdf", pdf, content_type="application/pdf")
    return client.post(reverse("evaluation:new", args=[programme.pk]), data)


@pytest.mark.django_db
def test_upload_and_prefill_follow_the_result_files_own_values(world):
    from svduty.web.evaluation.models import Evaluation
    from svduty.web.interventions.models import Intervention

    own, _other = _programmes()
    own.approaches.add(Intervention.objects.get(slug="mentoring"))
    raw = fixture_bytes()
    expected = json.loads(raw)  # read independently of svduty's parser
    client = client_for("officer")
    response = _upload(client, own, raw, PDF)
    evaluation = Evaluation.objects.filter(programme=own, is_demo=False).latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:detail", args=[evaluation.pk])
    assert evaluation.design == expected["design"] == "interrupted time series"
    assert evaluation.estimate == expected["level_change"]
    assert [evaluation.ci_low, evaluation.ci_high] == expected["level_change_ci"]
    assert evaluation.p_value == expected["level_change_p"]
    assert evaluation.msms_level == expected["maryland_sms"]["level"]
    assert evaluation.msms_reason == expected["maryland_sms"]["reason"]
    assert evaluation.synthetic is expected["synthetic"] is False
    assert evaluation.title == expected["question"]
    assert evaluation.result == expected

    form = client.get(reverse("evaluation:note_new", args=[evaluation.pk])).context["form"]
    initial = form.initial
    low, high = expected["level_change_ci"]
    for figure in (expected["level_change"], low, high):
        assert f"{abs(figure):,.1f}" in initial["result"], (figure, initial["result"])
    assert f"p = {expected['level_change_p']:.3f}" in initial["result"]
    assert f"{expected['relative_change'] * 100:+.1f}%".replace("-", "−") in initial["result"]
    assert "95% interval" in initial["result"]
    assert initial["strength_level"] == expected["maryland_sms"]["level"]
    assert initial["strength_reason"] == expected["maryland_sms"]["reason"]
    assert initial["where"].startswith(expected["data"]["area"]) and expected["data"]["period"] in initial["where"]
    assert initial["cost_pence"] == own.award.amount_pence
    assert initial["area_code"] == own.beneficiary_geo_code
    assert initial["contact"].startswith(own.organisation.name)
    officer = get_user_model().objects.get(username="officer")
    assert officer.email and officer.email in initial["contact"]
    mentoring = Intervention.objects.get(slug="mentoring")
    assert mentoring.name in initial["what_was_done"] and mentoring.summary in initial["what_was_done"]

    # Saving the prefilled form makes a draft, with history from the first save.
    post = {k: ("" if v is None else v) for k, v in initial.items()}
    response = client.post(reverse("evaluation:note_new", args=[evaluation.pk]), post)
    note = evaluation.practice_note
    assert response.status_code == 302 and note.status == "draft" and note.history.count() == 1
    assert note.result == initial["result"]


BAD_UPLOADS = {
    "not json": b"design: its",
    "not utf-8": b"\xff\xfe{",
    "a list": b"[1, 2]",
    "power calculation": json.dumps({"design": "power / minimum detectable effect (its)"}).encode(),
    "unknown design": json.dumps({"design": "regression"}).encode(),
    "NaN estimate": fixture_bytes().replace(b'"level_change": -510.12810945273617', b'"level_change": NaN'),
    "text estimate": fixture_bytes().replace(b'"level_change": -510.12810945273617', b'"level_change": "big"'),
    "reversed interval": fixture_bytes().replace(b"-733.1077160570452,", b"1e9,"),
    "no rating": fixture_bytes().replace(b'"maryland_sms"', b'"rating"'),
    "level 7": fixture_bytes().replace(b'"level": 2,', b'"level": 7,'),
    "no synthetic flag": fixture_bytes().replace(b'"synthetic": false,\n  "data"', b'"data"'),
    "empty": b"",
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "huge integer": b'{"design": "interrupted time series", "level_change": 1' + b"0" * 5000 + b"}",
    "overflowing float in a note": fixture_bytes().replace(b'"n_pre": 16', b'"n_pre": 1e999'),
    "NUL in a string": fixture_bytes().replace(b'"family": "OLS"', b'"family": "OLS\\u0000"'),
    "deep object": b'{"design": "interrupted time series", "x": ' + b'{"a": ' * 200 + b"1" + b"}" * 201,
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_bad_uploads_are_form_errors(world, case):
    from svduty.web.evaluation.models import Evaluation

    raw = BAD_UPLOADS[case]
    assert raw != fixture_bytes()  # each replacement above really changed the file
    own, _other = _programmes()
    before = Evaluation.objects.count()
    response = _upload(client_for("officer"), own, raw)
    assert response.status_code == 200
    assert response.context["form"].errors, case
    assert "govuk-error-summary" in response.content.decode()
    assert Evaluation.objects.count() == before


@pytest.mark.django_db
def test_a_pdf_that_is_not_a_pdf_is_refused(world):
    own, _other = _programmes()
    response = _upload(client_for("officer"), own, fixture_bytes(), b"<html>not a pdf</html>")
    assert response.status_code == 200 and "report_pdf" in response.context["form"].errors


@pytest.mark.django_db
def test_drafts_are_never_public(world):
    own, _other = _programmes()
    note = make_note(make_evaluation(own, "Evaluation for the draft test"), title="Unpublished mentoring note")
    officer = client_for("officer")

    def public_view(role):
        client = client_for(role)
        listed = "Unpublished mentoring note" in client.get(reverse("evaluation:public_list")).content.decode()
        detail = client.get(reverse("evaluation:public_note", args=[note.pk])).status_code
        exported = [n["id"] for n in client.get(reverse("evaluation:public_json")).json()["practice_notes"]]
        api = [n["id"] for n in client.get("/api/v1/practice-notes/?page_size=100").json()["items"]]
        return listed, detail, note.pk in exported, note.pk in api

    for role in ROLES:
        assert public_view(role) == (False, 404, False, False), role
    assert officer.post(reverse("evaluation:note_publish", args=[note.pk])).status_code == 302
    for role in ROLES:
        assert public_view(role) == (True, 200, True, True), role
    assert officer.post(reverse("evaluation:note_withdraw", args=[note.pk])).status_code == 302
    for role in ROLES:
        assert public_view(role) == (False, 404, False, False), role
    assert [h.status for h in note.history.order_by("history_date")] == ["draft", "published", "draft"]


@pytest.mark.django_db
def test_demo_and_synthetic_are_labelled_on_every_page(world):
    from svduty.web.evaluation.models import PracticeNote

    demo = PracticeNote.objects.get(is_demo=True)
    assert demo.is_published and demo.evaluation.title.startswith("Did recorded crime in the City of London")
    pages = [
        reverse("evaluation:public_list"),
        reverse("evaluation:public_note", args=[demo.pk]),
        reverse("evaluation:note", args=[demo.pk]),
        reverse("evaluation:detail", args=[demo.evaluation.pk]),
        reverse("evaluation:list"),
        reverse("programmes:detail", args=[demo.evaluation.programme.pk]),
    ]
    for url in pages:
        assert "DEMO DATA" in client_for("officer").get(url).content.decode(), url
    assert client_for("public").get(reverse("evaluation:public_json")).json()["practice_notes"][0]["demo"] is True

    own, _other = _programmes()
    synthetic = make_evaluation(own, "Synthetic run", synthetic=True)
    note = make_note(synthetic, title="Synthetic note")
    for url in (reverse("evaluation:detail", args=[synthetic.pk]), reverse("evaluation:note", args=[note.pk])):
        assert "SYNTHETIC DATA" in client_for("officer").get(url).content.decode(), url


@pytest.mark.django_db
def test_synthetic_flag_in_result_is_kept(world):
    from svduty.web.evaluation.models import Evaluation
    from svduty.web.interventions.models import Intervention

    own, _other = _programmes()
    own.approaches.add(Intervention.objects.get(slug="mentoring"))
    raw = fixture_bytes().replace(b'"synthetic": false,\n  "data"', b'"synthetic": true,\n  "data"')
    assert raw != fixture_bytes()
    _upload(client_for("officer"), own, raw)
    evaluation = Evaluation.objects.filter(programme=own, is_demo=False).latest("id")
    assert evaluation.synthetic
    form = client_for("officer").get(reverse("evaluation:note_new", args=[evaluation.pk])).context["form"]
    assert "SYNTHETIC DATA" in form.initial["result"]


@pytest.mark.django_db
def test_report_pdf_is_served_only_after_the_permission_check(world):
    own, _other = _programmes()
    evaluation = make_evaluation(own, "PDF test", pdf=True)
    url = reverse("evaluation:report_download", args=[evaluation.pk])
    response = client_for("provider").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    other_provider = Client()
    other_provider.force_login(get_user_model().objects.get(username="provider2"))
    assert other_provider.get(url).status_code == 403
    assert client_for("assessor").get(url).status_code == 403
    assert client_for("public").get(url).status_code == 302
    with pytest.raises(ValueError):
        _ = evaluation.report_pdf.url  # private storage has no public URL


def test_headline_of_other_designs():
    from svduty.web.evaluation.results import ResultError, headline

    rating = {"level": 3, "reason": "DiD with a comparison group"}
    did = headline(
        {"design": "difference-in-differences", "att": -4.0, "att_ci": [-6.0, -2.0], "att_p": 0.01}
        | {"synthetic": True, "maryland_sms": rating, "alpha": 0.1}
    )
    assert (did.estimate, did.ci_low, did.ci_high, did.p_value, did.alpha, did.synthetic) == (
        -4,
        -6,
        -2,
        0.01,
        0.1,
        True,
    )
    synth = headline(
        {"design": "synthetic control", "att": 1.5, "placebo_in_space_p": 0.2, "synthetic": False}
        | {"maryland_sms": rating | {"level": 4}}
    )
    assert (synth.estimate, synth.ci_low, synth.p_value, synth.msms_level) == (1.5, None, 0.2, 4)
    with pytest.raises(ResultError, match="att_p"):
        headline({"design": "difference-in-differences", "att": 1, "att_p": 2, "synthetic": False})


@pytest.mark.django_db
def test_public_pages_make_the_same_queries_whatever_the_number_of_notes(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from svduty.web.evaluation.models import PracticeNote

    urls = [reverse("evaluation:public_list"), reverse("evaluation:public_json"), "/api/v1/practice-notes/"]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client_for("public").get(url).status_code == 200
            out.append(len(queries))
        return out

    before = counts()
    own, _other = _programmes()
    for i in range(6):
        note = make_note(make_evaluation(own, f"Query count {i}"), title=f"Note {i}")
        PracticeNote.objects.filter(pk=note.pk).update(status="published")
    assert PracticeNote.objects.filter(status="published").count() == 7
    assert counts() == before
