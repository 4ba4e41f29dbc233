"""``svduty risk score``: the advisory risk index — scores, their explanation, validation, fairness, model card."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from svduty.cli.common import WorkspaceOption, console, err_console, month_option, user_errors
from svduty.cli.main import app
from svduty.report import ReportError

risk_app = typer.Typer(help="The advisory risk index (scores for a multi-agency panel; never an action).")
app.add_typer(risk_app, name="risk", no_args_is_help=True)


@risk_app.command(
    "score",
    epilog=(
        "Examples:\n\n"
        "  svduty risk score --out out/risk\n\n"
        "  svduty risk score --definition my-index.toml --as-of 2021-11 --out out/risk"
    ),
)
def score_command(
    workspace: WorkspaceOption = None,
    out: Path = typer.Option(Path("risk"), "--out", metavar="DIR", help="Output folder."),
    definition: Path | None = typer.Option(
        None,
        "--definition",
        metavar="FILE",
        help="Index definition (TOML; default: the bundled default_index.toml).",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="MONTH", help="Score as of this month, YYYY-MM (default: latest month held)."
    ),
    horizon: int = typer.Option(
        12, "--horizon", metavar="N", min=1, help="Validation: months of outcomes after the validation as-of."
    ),
) -> None:
    """Write scores.csv, components.csv, fairness.csv, fairness_sweep.csv, validation.csv/.json, calibration.csv and
    model_card.md."""
    from svduty.analysis.risk import IndexDefinition, assess, default_definition
    from svduty.data.person_records import involvement_records, person_attributes
    from svduty.data.workspace import Workspace
    from svduty.report.risk_card import model_card

    as_of_month = month_option(as_of, "--as-of")
    with user_errors():
        d = IndexDefinition.from_toml(definition) if definition else default_definition()
        with Workspace.open(workspace) as ws:
            records = involvement_records(ws.con)
            attributes = person_attributes(ws.con)
        a = assess(records, attributes, d, as_of=as_of_month, horizon_months=horizon)
        card = model_card(
            d, a.scored, a.validation, a.fairness, validation_note=a.validation_note, fairness_sweep=a.fairness_sweep
        )
        _write(out, a, card)
    s = a.scored.scores
    synthetic = bool(s["synthetic"].any()) if len(s) else False
    label = " (SYNTHETIC DATA)" if synthetic else ""
    console.print(
        f"risk index {d.version}{label}, as of {a.scored.as_of:%Y-%m}: {len(s):,} people scored, "
        f"{int(s['above_threshold'].sum()):,} at or above the threshold {d.threshold:g} (advisory only)"
    )
    v = a.validation
    if v is None:
        console.print(a.validation_note)
    else:
        console.print(
            f"validation {v.as_of:%Y-%m} → outcomes {v.outcome_from:%Y-%m}…{v.outcome_to:%Y-%m}: AUC {v.auc:.3f} "
            f"(95% CI {v.auc_low:.3f}–{v.auc_high:.3f}), precision {v.precision:.3f}, recall {v.recall:.3f} "
            f"at the threshold; {v.positives:,} of {v.n:,} with the outcome"
        )
        for c in v.caveats:
            console.print(f"[yellow]caveat:[/] {c}", highlight=False)
        flagged = a.fairness[a.fairness["four_fifths_flag"]] if a.fairness is not None else []
        if len(flagged):
            groups = ", ".join(f"{r.attribute}={r.group}" for r in flagged.itertuples())
            console.print(f"[yellow]four-fifths rule flagged:[/] {groups}", highlight=False)
        if a.fairness_sweep is not None and len(a.fairness_sweep):
            console.print("fairness at candidate thresholds (fairness_sweep.csv):")
            for (label, t), part in a.fairness_sweep.groupby(["threshold_label", "threshold"], sort=False):
                bad = part[part["four_fifths_flag"]]
                flags = ", ".join(f"{r.attribute}={r.group}" for r in bad.itertuples()) or "none"
                console.print(
                    f"  {label:>10} (score ≥ {t:g}): {int(part['overall_selected'].iloc[0]):,} selected "
                    f"({part['overall_selection_rate'].iloc[0]:.1%}); four-fifths flags: {flags}",
                    highlight=False,
                )
    problems = d.approval_problems()
    if problems:
        err_console.print(
            "[yellow]this definition cannot be approved for use yet:[/] " + "; ".join(problems), highlight=False
        )
    console.print(f"wrote {out}/")


def _write(out: Path, a, card: str) -> None:
    import pandas as pd

    from svduty.analysis.risk.fairness import FAIRNESS_COLUMNS, SWEEP_COLUMNS

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create {out}: {exc.strerror}") from exc
    s, comp = a.scored.scores, a.scored.components
    synthetic = bool(s["synthetic"].any()) if len(s) else False
    s.to_csv(out / "scores.csv", index=False)
    comp.assign(index_version=a.definition.version, synthetic=synthetic).to_csv(out / "components.csv", index=False)
    fairness = a.fairness if a.fairness is not None else pd.DataFrame(columns=list(FAIRNESS_COLUMNS))
    fairness.assign(index_version=a.definition.version, synthetic=synthetic).to_csv(out / "fairness.csv", index=False)
    sweep = a.fairness_sweep if a.fairness_sweep is not None else pd.DataFrame(columns=list(SWEEP_COLUMNS))
    sweep.assign(index_version=a.definition.version, synthetic=synthetic).to_csv(
        out / "fairness_sweep.csv", index=False
    )
    v = a.validation
    summary = v.to_dict() if v is not None else {"not_run": a.validation_note}
    summary |= {"index_version": a.definition.version, "synthetic": synthetic}
    metrics = {k: val for k, val in summary.items() if k not in ("calibration", "caveats")}
    pd.DataFrame({"metric": list(metrics), "value": list(metrics.values())}).to_csv(out / "validation.csv", index=False)
    (out / "validation.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    if v is not None:
        v.calibration.assign(index_version=a.definition.version, synthetic=synthetic).to_csv(
            out / "calibration.csv", index=False
        )
    (out / "definition.json").write_text(
        json.dumps(a.definition.to_dict() | {"content_hash": a.definition.content_hash()}, indent=2) + "\n",
        encoding="utf-8",
    )
    (out / "model_card.md").write_text(card, encoding="utf-8")
    (out / "README.txt").write_text(
        f"svduty risk index {a.definition.version}{' — SYNTHETIC DATA' if synthetic else ''}. ADVISORY ONLY: a score "
        "lists a person for a multi-agency panel to consider; it never triggers an action by itself. "
        f"Made {date.today().isoformat()}. See model_card.md.\n",
        encoding="utf-8",
    )
