"""schemathesis against ``/api/v1/openapi.json`` on a live test server with the demo loaded: every operation,
generated inputs (valid and invalid), as the public, a provider and an officer. No response may be a 5xx and every
documented response must match its schema. The operations themselves are in the permission tables of
test_api.py and test_api_delivery.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # once, on the main test database (PostgreSQL in CI)

ST = Path(sys.executable).with_name("schemathesis")


@pytest.mark.skipif(
    not ST.exists() and not shutil.which("schemathesis"), reason="missing: schemathesis (the test extra)"
)
def test_api_has_no_server_errors_and_matches_its_schema(transactional_db, live_server, tmp_path):
    from django.contrib.auth import get_user_model

    from svduty.web import demo
    from svduty.web.api.models import ApiToken

    demo.load()
    users = get_user_model().objects
    headers = {"public": []}
    for name in ("provider", "officer"):
        _record, token = ApiToken.issue(users.get(username=name), "schemathesis")
        headers[name] = ["-H", f"Authorization: Bearer {token}"]
    failures = []
    for who, extra in headers.items():
        command = [
            str(ST if ST.exists() else shutil.which("schemathesis")),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "15",
            "--seed",
            "18",
            "--workers",
            "1",
            "--report-dir",
            str(tmp_path / who),
            *extra,
        ]
        env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
        if done.returncode != 0:
            failures.append(f"--- as {who} (exit {done.returncode}) ---\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    assert not failures, "\n".join(failures)
