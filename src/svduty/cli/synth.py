"""``svduty synth``: a seeded, clearly labelled synthetic record-level layer on the real police.uk incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from svduty.cli.common import Stages, WorkspaceOption, console, err_console, user_errors
from svduty.cli.main import app
from svduty.data import synth
from svduty.data.workspace import Workspace


@app.command(
    "synth",
    epilog=(
        "Examples:\n\n"
        "  svduty synth\n\n"
        "  svduty synth --seed 42 --profile my-area-profile.yaml\n\n"
        "  svduty synth --clear\n\n"
        "police.uk has no times, ages, markers or A&E data. This adds them, drawn from a documented profile "
        "(defaults: Durham and Darlington SNA), to let the SNA's 'when', 'who and why' and success-measure "
        "sections be built before real record-level data arrive. Every synthetic value is labelled synthetic in "
        "the workspace and in reports; real values are never overwritten. Re-running replaces the previous layer."
    ),
)
def synth_command(
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same layer.")] = 1,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Calibration profile (.yaml, .json or .toml).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the synthetic layer and add nothing.")] = False,
    show_profile: Annotated[
        bool, typer.Option("--show-profile", help="Print the profile in use as JSON and exit.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Add synthetic times, victims/suspects, markers, outcomes and ISTV A&E attendances (labelled synthetic)."""
    with user_errors():
        chosen = synth.load_profile(profile)
        if show_profile:
            console.print_json(chosen.model_dump_json())
            return
        with Workspace.open(workspace) as ws:
            if clear:
                with ws.transaction():
                    removed = synth.clear(ws)
                console.print(f"removed {removed} synthetic layer(s); real data untouched")
                return
            with Stages(err_console) as stage:
                stage("drawing and storing the synthetic layer")
                result = synth.run(ws, seed=seed, profile=chosen)
    table = Table(title=f"Synthetic layer (SYNTHETIC DATA), seed {result.seed}", title_justify="left")
    table.add_column("what")
    table.add_column("rows", justify="right")
    for what, n in (
        ("incidents enriched (real incidents, synthetic fields)", result.incidents_enriched),
        ("  occurred_at filled", result.occurred_at_filled),
        *((f"  {k} marker filled", v) for k, v in result.markers_filled.items()),
        ("  outcome filled (SV with no police.uk outcome)", result.outcomes_filled),
        ("victim/suspect involvements (synthetic)", result.involvements),
        ("ISTV A&E attendances (synthetic)", result.ed_attendances),
    ):
        table.add_row(what, f"{n:,}")
    console.print(table)
    towns = ", ".join(result.town_centre_lsoas[:8]) + (" …" if len(result.town_centre_lsoas) > 8 else "")
    console.print(f"town-centre LSOAs (night-time-economy peaks): {towns or 'none'}")
    if not result.incidents_enriched and not result.involvements:
        sources = ", ".join(chosen.sources)
        console.print(f"nothing to enrich: no incidents from {sources} in the workspace (ingest police.uk first)")
    if result.replaced_layers:
        console.print("the previous synthetic layer was replaced")
