"""Deployment checks: check --deploy clean with production settings, CSRF on every form, CSP, login throttling,
private uploads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from .conftest import client_for


def test_check_deploy_is_clean_in_production():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "SVDUTY_ENV": "production",
        "SVDUTY_SECRET_KEY": "k" * 20 + "q8W!zr-3vY@p1$Lx0#tN6^mB2&cJ9*eF5",
        "SVDUTY_ALLOWED_HOSTS": "decisions.example.org",
        "DJANGO_SETTINGS_MODULE": "svduty.web.settings",
        "SVDUTY_DATABASE_URL": "sqlite:////tmp/svduty-deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "svduty.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key():
    env = {**os.environ, "SVDUTY_ENV": "production", "DJANGO_SETTINGS_MODULE": "svduty.web.settings"}
    env.pop("SVDUTY_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "svduty.web.manage", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "SVDUTY_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(world):
    from django.contrib.auth import get_user_model

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="officer"))
    response = client.post(reverse("decisions:new"), {"title": "x"})
    assert response.status_code == 403
    page = client.get(reverse("decisions:new")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.django_db
def test_every_form_carries_a_csrf_token(world):
    """Every page with a POST form includes the token (walks the staff pages)."""
    import re

    pages = [
        ("officer", reverse("decisions:new")),
        ("officer", reverse("commissioning:round_new")),
        ("officer", reverse("commissioning:round_questions", args=[world.open_round.pk])),
        ("officer", reverse("funding:stream", args=[world.stream.pk])),
        ("officer", reverse("partnership:meeting", args=[world.meeting.pk])),
        ("provider", reverse("commissioning:application_edit", args=[world.draft.pk])),
        ("assessor", reverse("commissioning:declare", args=[world.submitted_fresh.pk])),
        ("assessor", reverse("commissioning:score", args=[world.submitted_scored.pk])),
        ("public", reverse("core:login")),
    ]
    for role, url in pages:
        html = client_for(role).get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S)
        assert forms, url
        assert all("csrfmiddlewaretoken" in f for f in forms), url


@pytest.mark.django_db
def test_csp_and_security_headers(world):
    response = client_for("public").get(reverse("public:decisions"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_login_throttling_locks_after_five_failures(world):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "officer", "password": "wrong"})
    response = client.post(reverse("core:login"), {"username": "officer", "password": "svduty-demo"})
    assert response.status_code in (403, 429)
    assert "Too many sign-in attempts" in response.content.decode()
    # Another address is not locked out.
    other = Client(REMOTE_ADDR="10.9.9.9")
    ok = other.post(reverse("core:login"), {"username": "officer", "password": "svduty-demo"})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_uploads_are_checked_and_private(world):
    provider = client_for("provider")
    url = reverse("commissioning:application_section", args=[world.draft.pk, "documents"])
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = provider.post(url, {"document": fake}, follow=True)
    assert "contents are not a PDF file" in response.content.decode()
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "must be a PDF" in provider.post(url, {"document": exe}, follow=True).content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * settings.UPLOAD_MAX_BYTES, content_type="application/pdf")
    assert "smaller than 5 MB" in provider.post(url, {"document": big}, follow=True).content.decode()
    good = SimpleUploadedFile("plan2.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    provider.post(url, {"document": good})
    document = world.draft.documents.get(original_name="plan2.pdf")
    path = document.file.path
    # Stored under PRIVATE_MEDIA_ROOT, outside static files, with no public URL.
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018
    download = provider.get(reverse("commissioning:document_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    assert client_for("officer").get(reverse("commissioning:document_download", args=[document.pk])).status_code == 403
