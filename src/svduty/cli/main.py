"""The ``svduty`` command. Each sub-command lives in its own module and stays thin."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="svduty",
    help="svduty: the Serious Violence Duty loop for one partnership — data in, SNA, commissioning, evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-command modules, in the order `svduty --help` lists them. Each does `@app.command(...)` on import.
COMMAND_MODULES: tuple[str, ...] = (
    "workspace",
    "ingest",
    "population",
    "rms",
    "risk_factors",
    "synth",
    "sna",
    "hotspots",
    "web",
)

for _module in COMMAND_MODULES:
    importlib.import_module(f"svduty.cli.{_module}")
