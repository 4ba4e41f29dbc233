"""The ``svduty`` command. Each sub-command lives in its own module and stays thin."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="svduty",
    help="svduty: the Serious Violence Duty loop for one partnership — data in, SNA, commissioning, evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-command registration: one line per module (keep this list sorted by module name).
from svduty.cli import ingest as _ingest  # noqa: E402,F401
from svduty.cli import population as _population  # noqa: E402,F401
from svduty.cli import rms as _rms  # noqa: E402,F401
from svduty.cli import sna as _sna  # noqa: E402,F401
from svduty.cli import synth as _synth  # noqa: E402,F401
from svduty.cli import workspace as _workspace  # noqa: E402,F401
from svduty.cli import web as _web  # noqa: E402,F401
