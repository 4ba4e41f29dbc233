"""The ``svduty`` command. Each sub-command lives in its own module and stays thin."""

from __future__ import annotations

import importlib
import re

import typer
import typer.core

# Typer 0.2x labels every option's value with its Python type (``<bool>`` on a flag, ``<list[Path]>``, ``<str>``).
# Help reads better with click's classic metavars: nothing after a flag, PATH, TEXT, N, NUMBER, and an explicit
# metavar (MONTH, FORCE, DIR) where a command gives one.
_METAVARS = {"path": "PATH", "str": "TEXT", "int": "N", "float": "NUMBER"}


def _readable_type(param: typer.core.TyperOption | typer.core.TyperArgument, ctx) -> str | None:
    if getattr(param, "is_flag", False):
        return None
    if param.metavar is not None and isinstance(param, typer.core.TyperOption):
        return param.metavar or None
    label = typer.core.TyperOption.display_type(param, ctx).strip("<>")
    many = label.startswith("list[") or param.nargs != 1
    label = label.removeprefix("list[").removesuffix("]")
    label = _METAVARS.get(label.lower(), label.upper()) if "|" not in label else "{" + label + "}"
    return re.sub(r"\.\.\.$", "", label) + ("..." if many else "")


typer.core.TyperOption.display_type_rich = _readable_type  # type: ignore[method-assign]
typer.core.TyperArgument.display_type_rich = _readable_type  # type: ignore[method-assign]

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
    "health",
    "risk_factors",
    "synth",
    "sna",
    "hotspots",
    "evaluate",
    "web",
    "delivery",
    "referrals",
    "risk",
)

for _module in COMMAND_MODULES:
    importlib.import_module(f"svduty.cli.{_module}")
