"""The SQLite path: ``svduty demo`` migrates an empty SQLite file and loads the demo (twice: idempotent), the app
serves it, ``svduty remind`` runs on it, and — when the main run is on PostgreSQL — the whole non-browser web suite
runs again on SQLite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = r"""
import os, json, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "svduty.web.settings"
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), settings.DATABASES["default"]["ENGINE"]
public = Client()
register = public.get("/public/decisions/").content.decode()
grants = json.loads(public.get("/public/360giving.json").content)["grants"]
staff = Client()
signed_in = staff.post("/sign-in/", {"username": "officer", "password": "svduty-demo"})
dashboard = staff.get("/")
print(json.dumps({
    "dn50": "DN50-24" in register, "deferred_hidden": "DN38-25" not in register,
    "grants": len(grants), "total": sum(g["amountAwarded"] for g in grants),
    "login": signed_in.status_code, "dashboard": dashboard.status_code,
}))
"""


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVDUTY_", "DJANGO_"))}
    env["SVDUTY_WORKSPACE"] = str(tmp_path)
    return env


SVDUTY = [sys.executable, "-m", "svduty.cli"]


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory) -> tuple[Path, str]:
    """One ``svduty demo`` on an empty SQLite file (migrations + demo, the slow part: ~50 s of CPU), made once for
    this module; tests that change it work on a copy (``_copy``). Returns the folder and the first run's stderr."""
    folder = tmp_path_factory.mktemp("demo-sqlite")
    first = subprocess.run(
        [*SVDUTY, "demo", "--database-url", f"sqlite:///{folder / 'web.sqlite3'}"],
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    return folder, first.stderr


def _copy(demo_sqlite: tuple[Path, str], tmp_path: Path) -> Path:
    """A private copy of the demo database and its workspace (pseudonymisation key, private files)."""
    target = tmp_path / "copy"
    shutil.copytree(demo_sqlite[0], target)
    return target


def test_demo_on_empty_sqlite(demo_sqlite, tmp_path):
    import json

    folder = _copy(demo_sqlite, tmp_path)
    env = _env(folder)
    url = f"sqlite:///{folder / 'web.sqlite3'}"
    assert "Loaded" in demo_sqlite[1]
    second = subprocess.run(
        [*SVDUTY, "demo", "--database-url", url], env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0 and "nothing changed" in second.stderr
    env["SVDUTY_DATABASE_URL"] = url
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts == {
        "dn50": True,
        "deferred_hidden": True,
        "grants": 8,
        "total": 467000,
        "login": 302,
        "dashboard": 200,
    }


def test_svduty_remind_cli_on_a_fresh_sqlite_file(demo_sqlite, tmp_path):
    """The cron entry point: `svduty demo` then `svduty remind` against the same database, email to files."""
    folder = _copy(demo_sqlite, tmp_path)
    database = f"sqlite:///{folder / 'web.sqlite3'}"
    env = {**_env(folder), "SVDUTY_EMAIL_FILE_PATH": str(folder / "mail")}
    first = subprocess.run([*SVDUTY, "remind", "--database-url", database], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    sent = int(first.stdout.strip().splitlines()[-1].split()[0])
    assert sent > 0 and len(list((folder / "mail").iterdir())) >= 1
    again = subprocess.run([*SVDUTY, "remind", "--database-url", database], env=env, capture_output=True, text=True)
    assert again.stdout.strip().splitlines()[-1].startswith("0 reminder(s) sent")
    bad = subprocess.run(
        [*SVDUTY, "remind", "--today", "tomorrow", "--database-url", database], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr


def test_bad_database_url_is_one_line_error(tmp_path):
    env = _env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "svduty.cli", "demo", "--database-url", "postgres://nobody@127.0.0.1:1/none"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr and "Traceback" not in result.stderr


def _nested_pytest(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,  # the nested web suite has grown with delivery, referrals and agreements
        cwd=cwd,
    )


def _junit_outcomes(path: Path) -> dict[str, str]:
    """``test_x.py::[Class::]test_name[params]`` → 'passed' / 'failure' / 'error' / 'skipped', from JUnit XML."""
    outcomes = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        # classname is the dotted module path (tests.web.test_x) plus any class; name the test with its parameters.
        parts = case.get("classname", "").split(".")
        module = next(i for i, part in enumerate(parts) if part.startswith("test_"))
        test_id = "::".join([parts[module] + ".py", *parts[module + 1 :], case.get("name", "")])
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[test_id] = kinds[0] if kinds else "passed"
    return outcomes


@pytest.mark.slow
def test_web_suite_on_sqlite_too(tmp_path, request):
    """Every non-browser web test that is not PostgreSQL-only runs again on SQLite and passes.

    The run itself starts in the background as soon as this test is collected (tests/conftest.py); without that
    (e.g. this test picked alone under another runner) it runs here. Checked from its JUnit report against an
    independent collection of the same selection, so the outcome does not depend on what happens to be installed:
    no test may be skipped, failed or missing.
    """
    import time

    from ..conftest import REPO, sqlite_run_args, sqlite_run_command, sqlite_run_env, sqlite_run_folder

    if settings.SVDUTY_TEST_DATABASE == "sqlite3" or os.environ.get("SVDUTY_TEST_SQLITE") == "1":
        pytest.skip("this run is already on SQLite")
    env = sqlite_run_env()
    collected = _nested_pytest(["--collect-only", "-q", *sqlite_run_args()], env, REPO)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-2000:]
    expected = {line.removeprefix("tests/web/") for line in collected.stdout.splitlines() if "::" in line}
    assert len(expected) > 50, collected.stdout[-2000:]
    folder = sqlite_run_folder(request.config)
    if folder is not None and (folder / "started").exists():
        deadline = time.monotonic() + 1500
        while not (folder / "returncode").exists():
            assert time.monotonic() < deadline, "the background SQLite run did not finish in 25 minutes"
            time.sleep(1)
        report, returncode = folder / "report.xml", int((folder / "returncode").read_text())
        stdout, stderr = (folder / "output.txt").read_text(), ""
    else:
        report = tmp_path / "sqlite-run.xml"
        command = sqlite_run_command(report)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500, cwd=REPO)
        returncode, stdout, stderr = result.returncode, result.stdout, result.stderr
    outcomes = _junit_outcomes(report)
    not_passed = {t: o for t, o in outcomes.items() if o != "passed"}
    assert not not_passed, f"{not_passed}\n{stdout[-3000:]}"
    assert set(outcomes) == expected, (sorted(expected - set(outcomes)), sorted(set(outcomes) - expected))
    assert returncode == 0, stdout[-3000:] + stderr[-2000:]
