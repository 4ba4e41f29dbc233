"""Scoring the workspace from the web app: write the version's definition as TOML, run ``svduty risk score`` (the
analysis module's CLI, the one contract between the two) into a temporary directory, and import its output.

Only when someone asks (a button for analysts); never on a schedule, never as a side effect of anything else.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .options import RunSource

TIMEOUT_SECONDS = 600


class ScoringUnavailable(RuntimeError):
    """The analysis module's scoring is not installed, the workspace is missing, or the run failed."""


def available() -> bool:
    try:
        from svduty.analysis.risk import scoring  # noqa: F401
    except ImportError:
        return False
    return True


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string is a JSON string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(definition: dict) -> str:
    """The definition as TOML the CLI reads (``IndexDefinition.from_toml``): top-level keys, then [[gravity]]."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in definition.items() if k != "gravity"]
    for weight in definition.get("gravity", []):
        lines += ["", "[[gravity]]", *(f"{k} = {_toml_value(v)}" for k, v in weight.items())]
    return "\n".join(lines) + "\n"


def score_workspace(version, *, user, workspace: Path | None = None):
    from . import imports

    workspace = Path(workspace or settings.WORKSPACE)
    if not available():
        raise ScoringUnavailable(_("The risk analysis module (svduty.analysis.risk.scoring) is not installed"))
    if not workspace.exists():
        raise ScoringUnavailable(_("No workspace at %(path)s") % {"path": workspace})
    with tempfile.TemporaryDirectory(prefix="svduty-risk-") as tmp:
        definition = Path(tmp) / "definition.toml"
        definition.write_text(to_toml(version.definition), encoding="utf-8")
        out = Path(tmp) / "out"
        command = [sys.executable, "-c", "from svduty.cli.main import app; app()", "risk", "score"]
        command += ["--workspace", str(workspace)]
        command += ["--out", str(out), "--definition", str(definition)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ScoringUnavailable(_("Scoring took longer than %(s)s seconds") % {"s": TIMEOUT_SECONDS}) from None
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            raise ScoringUnavailable(_("svduty risk score failed: %(error)s") % {"error": last[0]})
        output = imports.read_directory(out)
        return imports.import_run(output, version, user=user, source=RunSource.WORKSPACE, run_label=str(workspace))
