"""``svduty definition show|set|history``: the partnership's local definition of serious violence in the workspace."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer

from svduty.cli.common import WorkspaceOption, console, user_errors
from svduty.cli.main import app

definition_app = typer.Typer(
    help="The local definition of serious violence that svduty sna uses (versioned).", no_args_is_help=True
)
app.add_typer(definition_app, name="definition")


def _print(d) -> None:
    version = f"version {d.version}" if d.version else "built-in default"
    console.print(f"[bold]{d.name}[/] ({version})", highlight=False)
    if d.reference:
        console.print(f"  reference: {d.reference}", highlight=False)
    if d.set_at:
        console.print(f"  set {d.set_at:%Y-%m-%d %H:%M} by {d.set_by or 'unknown'} from {d.source}", highlight=False)
    for line in d.describe():
        console.print(f"  {line}", highlight=False)


@definition_app.command("show", epilog="Examples:\n\n  svduty definition show\n\n  svduty definition show --toml")
def show(
    workspace: WorkspaceOption = None,
    as_toml: bool = typer.Option(False, "--toml", help="Print the current definition as a TOML file."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """The definition svduty sna uses now (the newest version, or the default police.uk proxy)."""
    from svduty.data import sv_definition
    from svduty.data.workspace import Workspace

    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        d = sv_definition.current(ws.con)
    if as_toml:
        typer.echo(d.to_toml(), nl=False)
    elif as_json:
        typer.echo(json.dumps(d.summary(), indent=2))
    else:
        _print(d)


@definition_app.command("history")
def history(workspace: WorkspaceOption = None) -> None:
    """Every version set in this workspace, oldest first."""
    from svduty.data import sv_definition
    from svduty.data.workspace import Workspace

    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        versions = sv_definition.history(ws.con)
    if not versions:
        console.print("no local definition set: svduty sna uses the default police.uk proxy")
    for d in versions:
        _print(d)


@definition_app.command(
    "set",
    epilog="Examples:\n\n  svduty definition set --file definition.toml\n\n"
    "  svduty definition set --file definition-v2.toml  (downloaded from the web app's definition page)",
)
def set_(
    file: Path = typer.Option(..., "--file", metavar="FILE", dir_okay=False, help="TOML (or JSON) definition."),
    workspace: WorkspaceOption = None,
) -> None:
    """Store FILE as the workspace's new definition version (unchanged if it equals the current one)."""
    from svduty.data import sv_definition
    from svduty.data.workspace import Workspace

    with user_errors():
        d = sv_definition.load_file(file)
        with Workspace.open(workspace) as ws, ws.transaction() as con:
            now, added = sv_definition.set_definition(con, d, source=str(file), set_by=getpass.getuser())
    if added:
        console.print(f"definition set: version {now.version}", highlight=False)
    else:
        console.print(f"unchanged: the current definition (version {now.version}) is the same", highlight=False)
    _print(now)
