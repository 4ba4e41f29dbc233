"""The data-sharing agreements register: permission functions per role, history of every change, signed copies as
private files with an append-only access log, the export the workspace loads, and the ingests page."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from svduty.web.agreements import permissions as perms
from svduty.web.agreements.models import DataSharingAgreement, SignedCopy, SignedCopyAccess

from .conftest import ROLES, client_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def user(role):
    username = {"chief_executive": "ceo"}.get(role, role)
    return get_user_model().objects.get(username=username) if role != "public" else None


def form_data(**extra):
    from svduty.web.partnership.models import Organisation

    parties = list(Organisation.objects.filter(is_demo=True).values_list("pk", flat=True)[:2])
    data = {
        "reference": "DSA-T-1",
        "title": "Test agreement",
        "parties": parties,
        "datasets": ["istv"],
        "purpose": "Mapping assaults",
        "gateway": "pcsc-2022",
        "article_6": "6-1-e",
        "article_9": "9-2-g",
        "dpa_condition": "",
        "part_3": "",
        "retention": "24 months",
        "starts_on": "2024-01-01",
        "review_on": "2025-01-01",
        "ends_on": "2027-01-01",
        "status": "active",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_permission_functions_per_role(world):
    from django.contrib.auth.models import AnonymousUser

    expected = {
        "admin": (True, True, True, True),
        "officer": (True, True, True, True),
        "assessor": (True, False, False, False),
        "chief_executive": (True, False, False, True),
        "pcc": (True, False, False, True),
        "provider": (False, False, False, False),
        "public": (False, False, False, False),
    }
    copy = SignedCopy.objects.first()
    for role in ROLES:
        who = user(role) or AnonymousUser()
        got = (
            perms.can_view_agreements(who),
            perms.can_manage_agreements(who),
            perms.can_export_agreements(who),
            perms.can_download_signed_copy(who, copy),
        )
        assert got == expected[role], role


@pytest.mark.django_db
def test_every_change_is_in_the_history_with_its_author(world):
    officer = client_for("officer")
    response = officer.post(reverse("agreements:new"), form_data())
    assert response.status_code == 302
    agreement = DataSharingAgreement.objects.get(reference="DSA-T-1")
    response = officer.post(reverse("agreements:edit", args=[agreement.pk]), form_data(status="withdrawn"))
    assert response.status_code == 302
    history = list(agreement.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert [h.status for h in history] == ["active", "withdrawn"]
    assert {h.history_user.username for h in history} == {"officer"}
    page = officer.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Change history" in page and "Withdrawn" in page


@pytest.mark.django_db
def test_health_data_need_an_article_9_condition_and_two_parties(world):
    officer = client_for("officer")
    one_party = form_data()["parties"][:1]
    page = officer.post(reverse("agreements:new"), form_data(article_9="", parties=one_party)).content.decode()
    assert "select an article 9 condition" in page and "Select at least two parties" in page
    page = officer.post(reverse("agreements:new"), form_data(ends_on="2023-01-01")).content.decode()
    assert "The end date must be on or after the start date" in page
    assert not DataSharingAgreement.objects.filter(reference="DSA-T-1").exists()


@pytest.mark.django_db
def test_signed_copies_are_private_and_every_read_is_logged(world):
    agreement = DataSharingAgreement.objects.get(reference="DSA-DEMO-001")
    officer = client_for("officer")
    upload = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    officer.post(reverse("agreements:copy_upload", args=[agreement.pk]), {"file": upload})
    copy = agreement.signed_copies.get(original_name="signed.pdf")
    with pytest.raises(ValueError, match="no public URL"):
        copy.file.url  # noqa: B018
    fake = SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    officer.post(reverse("agreements:copy_upload", args=[agreement.pk]), {"file": fake})
    assert agreement.signed_copies.filter(original_name="signed.pdf").count() == 1
    before = SignedCopyAccess.objects.count()
    assert client_for("assessor").get(reverse("agreements:copy_download", args=[copy.pk])).status_code == 403
    response = client_for("pcc").get(reverse("agreements:copy_download", args=[copy.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    log = SignedCopyAccess.objects.order_by("-id")[: SignedCopyAccess.objects.count() - before]
    assert [(e.copy_id, e.user.username) for e in log] == [(copy.pk, "pcc")]
    entry = log[0]
    entry.user = user("officer")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


@pytest.mark.django_db
def test_export_is_what_the_workspace_loads(world, tmp_path):
    from svduty.data import agreements as data_agreements
    from svduty.data.workspace import Workspace

    response = client_for("officer").get(reverse("agreements:export"))
    exported = json.loads(response.content)
    assert {a["reference"] for a in exported["agreements"]} >= {"DSA-DEMO-001", "DSA-DEMO-002"}
    path = tmp_path / "export.json"
    path.write_bytes(response.content)
    with Workspace.create(tmp_path / "ws") as ws:
        assert data_agreements.load_register(ws.con, path) == len(exported["agreements"])
        assert data_agreements.check(ws.con, "istv").reference == "DSA-DEMO-001"
        assert data_agreements.check(ws.con, "admissions").state == "none"  # DSA-DEMO-002 is a draft


@pytest.mark.django_db
def test_ingests_page_names_each_files_agreement(world, tmp_path):
    from svduty.data import agreements as data_agreements
    from svduty.data import istv
    from svduty.data.health_examples import write_examples
    from svduty.data.health_mapping import load_istv_mapping
    from svduty.data.workspace import Workspace

    paths = write_examples(tmp_path / "ex")
    register = tmp_path / "export.json"
    register.write_bytes(client_for("officer").get(reverse("agreements:export")).content)
    with Workspace.create(tmp_path / "ws") as ws:
        data_agreements.load_register(ws.con, register)
        istv.ingest(ws, paths["istv.csv"], load_istv_mapping(), data_agreements.check(ws.con, "istv"))
    with override_settings(WORKSPACE=tmp_path / "ws"):
        page = client_for("assessor").get(reverse("agreements:ingests")).content.decode()
    assert "istv.csv" in page and "DSA-DEMO-001" in page and "(current)" in page
    with override_settings(WORKSPACE=tmp_path / "nowhere"):
        page = client_for("assessor").get(reverse("agreements:ingests")).content.decode()
    assert "cannot be read just now" in page


def test_the_data_layer_does_not_import_django():
    code = (
        "import sys, svduty.data.agreements, svduty.data.istv, svduty.data.admissions, svduty.data.status, "
        "svduty.analysis.health; assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
