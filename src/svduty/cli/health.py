"""``svduty ingest istv|admissions``, ``svduty examples`` and ``svduty agreements``: partner health data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from svduty.cli.common import AgreementOption, WorkspaceOption, check_agreement, console, err_console, user_errors
from svduty.cli.ingest import ingest_app
from svduty.cli.main import app
from svduty.data import admissions, istv
from svduty.data import agreements as agreements_mod
from svduty.data.health_examples import write_examples
from svduty.data.health_mapping import load_admissions_mapping, load_istv_mapping
from svduty.data.ingest_common import FileResult
from svduty.data.workspace import Workspace

MappingOption = Annotated[
    Path | None,
    typer.Option("--mapping", "-m", help="Mapping file (.toml, .yaml or .json); default: the shipped one."),
]


@ingest_app.command(
    "istv",
    epilog=(
        "Examples:\n\n"
        "  svduty examples --out examples && svduty ingest istv examples/istv.csv examples/istv.xml\n\n"
        "  svduty ingest istv royal-london-2024-05.csv --mapping rlh-istv.toml --agreement DSA-2024-003\n\n"
        "CSV or the XML submission form (told apart by content). A changed file for the same site and reporting "
        "period replaces the old one; an overlapping different period is refused. Location descriptions are "
        "geocoded to LSOAs through the mapping's postcode lookup and known places, and never shown in reports.\n\n"
        "The shipped ASSAULT METHOD and ASSAULT LOCATION TYPE codes are svduty's working list; with the NHS Data "
        "Dictionary's national codes in a code-list CSV (data_element,code,label,group[,source]) pass "
        "--code-list FILE, or name it in the mapping's code_list."
    ),
)
def istv_command(
    paths: Annotated[list[Path], typer.Argument(help="ISTV extract files (CSV or XML).")],
    mapping: MappingOption = None,
    code_list: Annotated[
        Path | None,
        typer.Option(
            "--code-list",
            help="Code-list CSV of ASSAULT METHOD / ASSAULT LOCATION TYPE codes; replaces the mapping's lists.",
        ),
    ] = None,
    agreement: AgreementOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest A&E Information Sharing to Tackle Violence (ISTV) extracts."""
    with user_errors():
        chosen = load_istv_mapping(mapping, code_list)
        with Workspace.create(workspace) as ws:
            check = check_agreement(ws, "istv", agreement, paths)
            results = [istv.ingest(ws, p, chosen, check) for p in paths]
    _print(results, f"ISTV ingest ({chosen.name}; codes: {chosen.code_list_name})", site=True)


@ingest_app.command(
    "admissions",
    epilog=(
        "Examples:\n\n"
        "  svduty ingest admissions examples/admissions.csv\n\n"
        "  svduty ingest admissions hes-assault-2019-2024.csv --mapping hes.toml --agreement DSA-2024-004\n\n"
        "One row per admission with its ICD-10 external cause (X99 = assault by sharp object, X85-Y09 = assault); "
        "success measure 1 counts X99 admissions of under-25s. A changed file of the same name replaces the old one."
    ),
)
def admissions_command(
    paths: Annotated[list[Path], typer.Argument(help="Admissions extract CSV file(s).")],
    mapping: MappingOption = None,
    agreement: AgreementOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest hospital admissions extracts (Hospital Episode Statistics style)."""
    with user_errors():
        chosen = load_admissions_mapping(mapping)
        with Workspace.create(workspace) as ws:
            check = check_agreement(ws, "admissions", agreement, paths)
            results = [admissions.ingest(ws, p, chosen, check) for p in paths]
    _print(results, f"Admissions ingest ({chosen.name})", site=False)


def _print(results: list[FileResult], title: str, *, site: bool) -> None:
    table = Table(title=title, title_justify="left")
    cols = (
        ("file", "site", "period from", "read", "stored", "rejected", "result")
        if site
        else ("file", "read", "stored", "rejected", "result")
    )
    for col in cols:
        table.add_column(col, justify="right" if col in ("read", "stored", "rejected") else "left")
    for r in results:
        head = [r.file_name] + ([r.force or "", r.month.isoformat() if r.month else ""] if site else [])
        table.add_row(
            *head,
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_rejected:,}",
            r.status + (f" ({r.message})" if r.message else ""),
        )
    console.print(table)
    if any(r.rows_rejected for r in results):
        console.print("rejected rows, with line, field and reason: `svduty status` or the workspace's rejects table")


@app.command(
    epilog="Examples:\n\n  svduty examples --out examples\n\n  svduty examples --out /tmp/ex --seed 7",
)
def examples(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the example files into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 2024,
) -> None:
    """Write SYNTHETIC example extracts: istv.csv, istv.xml and admissions.csv (loadable with the default mappings)."""
    with user_errors():
        try:
            paths = write_examples(out, seed)
        except OSError as exc:
            err_console.print(f"[bold red]error:[/] {out}: {exc.strerror}")
            raise typer.Exit(1) from None
    for path in paths.values():
        console.print(f"wrote {path} (SYNTHETIC)")
    console.print(
        f"load them: svduty ingest istv {paths['istv.csv']} {paths['istv.xml']}; "
        f"svduty ingest admissions {paths['admissions.csv']}"
    )


agreements_app = typer.Typer(
    help="The workspace's copy of the data-sharing agreements register (exported from the web app).",
    no_args_is_help=True,
)
app.add_typer(agreements_app, name="agreements")


@agreements_app.command("load", epilog="Example:\n\n  svduty agreements load agreements-export.json")
def agreements_load(
    path: Annotated[Path, typer.Argument(help="Register file (.json from /agreements/export.json, or TOML/YAML).")],
    workspace: WorkspaceOption = None,
) -> None:
    """Replace the workspace's copy of the register with FILE."""
    with user_errors(), Workspace.create(workspace) as ws:
        n = agreements_mod.load_register(ws.con, path)
        required = agreements_mod.required(ws.con)
    console.print(f"{n} agreements loaded; ingests {'refused' if required else 'warned'} without a current one")


@agreements_app.command("list")
def agreements_list(
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The agreements the workspace knows, and whether each is current today."""
    with user_errors(), Workspace.open(workspace, read_only=True) as ws:
        rows = agreements_mod.agreements_table(ws.con)
        required = agreements_mod.required(ws.con)
    if as_json:
        typer.echo(json.dumps({"require_current_agreement": required, "agreements": rows}, indent=2, default=str))
        return
    table = Table(title="Data-sharing agreements (workspace copy)", title_justify="left")
    for col in ("reference", "datasets", "status", "review on", "ends on", "current"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["reference"],
            ", ".join(r["datasets"]),
            r["status"],
            str(r["review_on"] or "") + (" (due)" if r["review_due"] else ""),
            str(r["ends_on"] or ""),
            "yes" if r["current"] else "no",
        )
    console.print(table)
    console.print(f"ingests without a current agreement are {'refused' if required else 'warned about'}")


@agreements_app.command("require")
def agreements_require(
    on: Annotated[bool, typer.Option("--on/--off", help="Refuse (on) or only warn about (off) ingests.")] = True,
    workspace: WorkspaceOption = None,
) -> None:
    """Refuse ingests that no current data-sharing agreement covers (--off: warn only)."""
    with user_errors(), Workspace.create(workspace) as ws:
        agreements_mod.set_required(ws.con, on)
    console.print(f"ingests without a current agreement are now {'refused' if on else 'warned about'}")


@app.command(
    "ed-descriptions",
    epilog=(
        "Example:\n\n  svduty ed-descriptions --analyst 'A. Analyst' --purpose 'check pub names in the town centre' "
        "--out descriptions.csv\n\nThe free text may name people or addresses: it is written only to the file you "
        "name, and every read is logged in the workspace (description_reads)."
    ),
)
def ed_descriptions(
    analyst: Annotated[str, typer.Option("--analyst", help="Your name (logged).")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why you need the free text (logged).")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Analysts only: ISTV free-text location descriptions (kept out of every report and export)."""
    import csv

    with user_errors(), Workspace.open(workspace) as ws:
        rows = istv.location_descriptions(ws, analyst=analyst, purpose=purpose)
    try:
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(
                ["attendance_id", "site_code", "month", "location_type", "description", "lsoa", "located_by"]
            )
            writer.writerows(rows)
    except OSError as exc:
        err_console.print(f"[bold red]error:[/] {out}: {exc.strerror}")
        raise typer.Exit(1) from None
    console.print(f"wrote {len(rows):,} descriptions to {out}; the read is logged in the workspace")


@app.command(
    "dual-kde",
    epilog=(
        "Example:\n\n  svduty dual-kde --from 2021-06 --to 2021-09 --out ed-vs-police\n\n"
        "ED (ISTV) assault locations against police-recorded violence of the same months on one grid with one "
        "bandwidth, as sfhotspot's hotspot_dual_kde: ratio (default), log, diff or sum."
    ),
)
def dual_kde_command(
    method: Annotated[str, typer.Option("--method", help="ratio, log, diff or sum.")] = "ratio",
    from_month: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    to_month: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    cell: Annotated[float | None, typer.Option("--cell", help="Cell size in metres (default: extent / 50).")] = None,
    bandwidth: Annotated[float | None, typer.Option("--bandwidth", help="Bandwidth in metres.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output stem: OUT.geojson/.csv/.json/.svg/.png.")] = Path(
        "dual-kde"
    ),
    workspace: WorkspaceOption = None,
) -> None:
    """Dual kernel density of ED assault locations vs police-recorded violence (hotspot layer from A&E data)."""
    import numpy as np

    from svduty.analysis import AnalysisError, health
    from svduty.cli.common import month_option
    from svduty.cli.hotspots import _write_outputs
    from svduty.report import maps

    start, end = month_option(from_month, "--from"), month_option(to_month, "--to")
    period = (start or date(1900, 1, 1), end or date(2999, 12, 1)) if (start or end) else None
    out = out.with_suffix("") if out.suffix else out
    with user_errors():
        with Workspace.open(workspace, read_only=True) as ws:
            grid, table = health.ed_police_dual_kde(ws.con, period, method=method, cell_size=cell, bandwidth=bandwidth)
            source = health.sources(ws.con)["ed"]
        value = table["value"].to_numpy(dtype=float)
        shown = np.where(np.isfinite(value), value, np.nan)
        synthetic = bool(table.attrs.get("synthetic"))
        meta = {
            "method": method,
            "bandwidth_m": table.attrs["bandwidth"],
            "cell_size_m": grid.cell_size,
            "cells": grid.n_cells,
            "ed_assaults": int(table["count_a"].sum()),
            "police_violence": int(table["count_b"].sum()),
            "synthetic": synthetic,
            "source": f"{source}; police-recorded violence of the same months",
        }
        fig = maps.grid_map(
            grid,
            shown,
            title=f"ED assaults vs police-recorded violence ({method})",
            subtitle=f"quartic kernel, bandwidth {table.attrs['bandwidth']:,.0f} m, {grid.cell_size:g} m cells",
            value_label={"ratio": "ED density / police density", "log": "log(ED / police)"}.get(method, method),
            source=meta["source"],
            synthetic=synthetic,
        )
        try:
            columns = {c: table[c].to_numpy() for c in ("count_a", "count_b", "kde_a", "kde_b", "value")}
            written = _write_outputs(out, grid, columns, meta)
            written.append(maps.save(fig, out.with_suffix(".svg")))
            written.append(maps.save(fig, out.with_suffix(".png")))
        except OSError as exc:
            raise AnalysisError(f"cannot write to {out}: {exc.strerror or exc}") from None
    console.print(
        f"dual KDE ({method}): {meta['ed_assaults']:,} ED assaults vs {meta['police_violence']:,} police records "
        f"on {grid.n_cells:,} cells"
    )
    for path in written:
        console.print(f"  wrote {path}")
