"""The test suite's own rules: under CI=true a skip for a missing tool fails; every run lists what it skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

if os.environ.get("SVDUTY_CI_PROBE") == "1":  # collected only by the nested runs below

    def test_probe_missing_tool():
        pytest.skip("missing: a tool this probe pretends is absent")

    def test_probe_deliberate_skip():
        pytest.skip("deliberately not run in this configuration")


def _probe(ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"SVDUTY_CI_PROBE": "1"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"{Path(__file__).name}", "-k", "probe"],
        cwd=Path(__file__).parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_tool_skips_outside_ci_and_is_listed_at_the_end():
    result = _probe(None)
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout
    summary = result.stdout.split("skipped tests")[-1]
    assert "1 skipped: missing: a tool this probe pretends is absent" in summary
    assert "1 skipped: deliberately not run in this configuration" in summary


def test_ci_true_turns_a_missing_tool_skip_into_a_failure():
    result = _probe("true")
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 skipped" in result.stdout
    assert "CI=true and this test cannot run here: missing: a tool this probe pretends is absent" in result.stdout
