"""The risk index's model card (markdown): what it is for, what it is built on, how well and how fairly it ranks.

Written by ``svduty risk score`` next to the scores; the web app's ATRS and DPIA records can quote it. Plain
markdown, so it diffs and reads anywhere.
"""

from __future__ import annotations

import math
import numbers
from datetime import date

import numpy as np
import pandas as pd

from svduty.analysis.risk.definition import IndexDefinition
from svduty.analysis.risk.scoring import Scored
from svduty.analysis.risk.validation import Validation


def _f(x, digits: int = 3) -> str:
    if isinstance(x, str):
        return x
    if x is None or (isinstance(x, float | np.floating) and math.isnan(x)):
        return "n/a"
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, numbers.Integral):
        return f"{int(x):,}"
    return f"{x:.{digits}f}"


def _table(df: pd.DataFrame, columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in df[columns].to_dict(orient="records"):  # keeps each column's type (iterrows would make ints floats)
        lines.append("| " + " | ".join(_f(r[c]) for c in columns) + " |")
    return "\n".join(lines)


def model_card(
    definition: IndexDefinition,
    scored: Scored,
    validation: Validation | None,
    fairness: pd.DataFrame | None,
    *,
    validation_note: str = "",
    made_on: date | None = None,
    fairness_sweep: pd.DataFrame | None = None,
) -> str:
    synthetic = bool(scored.scores["synthetic"].any()) if len(scored.scores) else False
    problems = definition.approval_problems()
    out = [f"# Model card: {definition.name}", ""]
    if synthetic:
        out += [
            "> **SYNTHETIC DATA.** Every figure below comes from the generated synthetic layer. It tests the",
            "> machinery and says nothing about any real person or population.",
            "",
        ]
    out += [
        f"- **Index version:** `{definition.version}` (SHA-256 of the definition: `{definition.content_hash()}`)",
        f"- **Scored as of:** {scored.as_of:%Y-%m} (window: the {definition.lookback_months} months ending then)",
        f"- **Made on:** {(made_on or date.today()).isoformat()}",
        f"- **Owner:** {definition.owner or 'NOT NAMED — required before approval'}",
        f"- **Approval blockers in the definition:** {'; '.join(problems) if problems else 'none'}",
        "",
        "## Intended use",
        "",
        "Advisory only. The score lists people for a multi-agency panel (police, youth justice, children's services)",
        "to consider offering one-to-one support. It never triggers an action by itself: every listed case gets a",
        "recorded human decision with reasons, the person's score explanation (`components.csv`) is in front of the",
        "panel, and there is a route to challenge and correct the records behind it. It is not a prediction that a",
        "person will carry a knife, not evidence, and not for enforcement, charging, sentencing or vetting.",
        "",
        "## Definition",
        "",
        definition.description,
        "",
        f"- Records counted: roles {', '.join(definition.roles)}; "
        f"offence groups {', '.join(definition.offence_groups)}",
        f"- Recency: weight halves every {definition.half_life_months:g} months; look-back {definition.lookback_months}"
        " months, both ends inclusive",
        f"- Frequency: `{definition.frequency.mode}`"
        + (f" (n = {definition.frequency.n})" if definition.frequency.n else "")
        + (f" (ratio = {definition.frequency.ratio:g})" if definition.frequency.ratio else ""),
        f"- Knife flag: contribution × {definition.knife_weight:g}",
        f"- Refer-to-panel threshold: score ≥ {definition.threshold:g}",
        f"- Proactively found offences excluded where the data mark them: {_f(definition.exclude_proactive)}"
        " (no current source marks them)",
        f"- Gravity source: {definition.gravity_source} (guidelines read {definition.guidelines_date})",
        "",
        "| offence group | code | days | from offence | category used | starting point | guideline (in force from) |"
        " status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in definition.gravity:
        out.append(
            f"| {g.offence_group} | {g.offence_code or ''} | {f'{g.days:g}' if g.days is not None else '—'} | "
            f"{g.offence} | {g.category or '—'} | {g.starting_point or '—'} | "
            f"{g.guideline or '—'} ({g.guideline_date or '—'}) | {g.status} |"
        )
    out += [
        "",
        "Sources of the gravity figures (status `secondary`: read second-hand, to be checked at the source):",
        "",
    ]
    for g in definition.gravity:
        where = f"{g.source}" if g.source else "none found"
        via = f" Read via: {g.read_via}." if g.read_via else ""
        note = f" {g.note}" if g.note else ""
        out.append(f"- **{g.offence_group}** ({g.status}): {where}.{via}{note}")
    s = scored.scores
    out += [
        "",
        "## Data",
        "",
        f"{len(s):,} people with a record in a counted role in the window; {int(s['above_threshold'].sum()):,} at or"
        f" above the threshold; {len(scored.components):,} counted records.",
        "Records left out: " + "; ".join(f"{k}: {v:,}" for k, v in scored.excluded.items()) + ".",
        "People are pseudonyms (keyed HMAC-SHA256); no name or source identifier is in any output.",
        "",
        "## Validation",
        "",
    ]
    if validation is None:
        out += [validation_note or "Not run.", ""]
    else:
        v = validation
        out += [
            f"Scored at {v.as_of:%Y-%m} with records up to then; outcome = recorded again as "
            f"{'/'.join(definition.roles)} for {', '.join(definition.outcome_groups)}"
            f"{' with the knife flag' if definition.outcome_knife_only else ''} in {v.outcome_from:%Y-%m} …"
            f" {v.outcome_to:%Y-%m}.",
            "",
            f"- People: {v.n:,}; with the outcome: {v.positives:,}",
            f"- AUC {_f(v.auc)} (95% DeLong interval {_f(v.auc_low)} – {_f(v.auc_high)})",
            f"- At the threshold: {v.selected:,} selected; precision {_f(v.precision)}, recall {_f(v.recall)}",
            "",
            "Observed outcome rate by score decile (1 = lowest):",
            "",
            _table(v.calibration, ["decile", "n", "score_min", "score_max", "outcomes", "observed_rate"]),
            "",
            *[f"> {c}" for c in v.caveats],
            "",
        ]
    out += ["## Fairness", ""]
    if fairness is None or fairness.empty:
        out += ["Not computed (no validation period).", ""]
    else:
        flagged = fairness[fairness["four_fifths_flag"]]
        out += [
            "Selection at the threshold in the validation period, by group. `disparity_ratio` = the group's selection"
            " rate ÷ the highest group's; below 0.8 fails the four-fifths rule and is flagged for the panel.",
            "",
            _table(
                fairness,
                [
                    "attribute",
                    "group",
                    "n",
                    "selection_rate",
                    "fpr",
                    "fnr",
                    "score_q50",
                    "disparity_ratio",
                    "four_fifths_flag",
                    "small_group",
                ],
            ),
            "",
            f"Flagged: {', '.join(f'{r.attribute} = {r.group}' for r in flagged.itertuples()) or 'none'}.",
            "",
        ]
    if fairness_sweep is not None and not fairness_sweep.empty:
        out += [
            "### At candidate thresholds",
            "",
            "The same table at the definition's threshold and at the scores that select the top 1, 2, 5 and 10% of"
            " the validation cohort (`fairness_sweep.csv` has every column), so the panel can see what each choice"
            " would do before adopting one.",
            "",
            "| threshold | score ≥ | selected | share | four-fifths flags |",
            "|---|---|---|---|---|",
        ]
        for (label, t), part in fairness_sweep.groupby(["threshold_label", "threshold"], sort=False):
            bad = part[part["four_fifths_flag"]]
            flags = ", ".join(f"{r.attribute} = {r.group}" for r in bad.itertuples()) or "none"
            out.append(
                f"| {label} | {t:g} | {int(part['overall_selected'].iloc[0]):,} | "
                f"{_f(part['overall_selection_rate'].iloc[0])} | {flags} |"
            )
        out.append("")
    out += [
        "## Limitations",
        "",
        "- Built on recorded crime: it measures police contact as much as behaviour, and inherits any bias in who is",
        "  stopped, searched and recorded. Possession offences are mostly found by proactive policing; no source",
        "  marks that yet, so the CCHI exclusion cannot be applied.",
        "- Gravity is a guideline starting point for the offence type, not the harm of the actual incident; police",
        "  offence groups are broad, so one offence stands for each group.",
        "- A person's records are linked only as well as the pseudonymised identifier links them.",
        "- Fairness figures are only as good as the recorded demographics; 'Not recorded' is shown as its own group.",
        "- The threshold is a policy choice: it must be set by the panel after reading the fairness table.",
        "",
        "## Owner and review",
        "",
        f"Owner: {definition.owner or 'not named'}. Any change to the definition makes a new version with a new hash;",
        "scores always carry the version they were made with. ALGO-CARE checklist, ATRS record and DPIA are kept in",
        "the web app's risk domain and must be complete before a version is used.",
        "",
    ]
    return "\n".join(out)
