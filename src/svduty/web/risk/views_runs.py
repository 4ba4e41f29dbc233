"""Scoring runs: importing the CLI's output, a run's aggregates (counts by band, the fairness table, validation,
model card) and adopting its threshold after reading the fairness table."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require

from . import imports
from . import permissions as perms
from . import versions as ops
from .forms import AdoptForm, RunUploadForm
from .models import IndexVersion, ScoringRun
from .options import RunSource
from .views import _form_page, _version


@require(perms.can_import_run)
def run_upload(request, number):
    version = _version(number)
    form = RunUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            output = imports.Output(
                scores=form.text("scores"),
                components=form.text("components"),
                fairness=form.text("fairness"),
                model_card=form.text("model_card"),
                fairness_sweep=form.text("fairness_sweep"),
            )
            run = imports.import_run(
                output, version, user=request.user, source=RunSource.UPLOAD, run_label=form.cleaned_data["label"]
            )
        except (imports.ImportRefused, ValueError) as exc:
            form.add_error(None, str(getattr(exc, "message", exc)))
        else:
            messages.success(request, _("Run %(pk)s imported: %(n)s people") % {"pk": run.pk, "n": run.people})
            return redirect("risk:run", run.pk)
    return _form_page(
        request,
        form,
        title=_("Import a scoring run"),
        version=version,
        button=_("Import the run"),
        intro=_(
            "The files written by svduty risk score --workspace WS --out DIR with this version's definition. "
            "Each person's contributions must add up to their score; nothing is saved unless every file is right."
        ),
        back=("risk:version", version.number),
        enctype=True,
    )


@require_POST
@require(perms.can_import_run)
def run_workspace(request, number):
    """Score the workspace with this version (the analysis module's CLI function) and import the output."""
    from . import scoring

    version = _version(number)
    try:
        run = scoring.score_workspace(version, user=request.user)
    except (scoring.ScoringUnavailable, imports.ImportRefused) as exc:
        messages.error(request, str(exc))
        return redirect("risk:version", version.number)
    messages.success(request, _("Run %(pk)s scored on the workspace: %(n)s people") % {"pk": run.pk, "n": run.people})
    return redirect("risk:run", run.pk)


def _run(pk) -> ScoringRun:
    return get_object_or_404(ScoringRun.objects.select_related("version", "imported_by"), pk=pk)


HIDDEN_COLUMNS = {"index_version", "synthetic"}  # the same on every row: shown once on the page
MAIN_COLUMNS = (
    "attribute",
    "group",
    "n",
    "selected",
    "selection_rate",
    "disparity_ratio",
    "reference_group",
    "fpr",
    "fnr",
    "p_value_vs_reference",
    "small_group",
    "four_fifths_flag",
)


def _fairness_table(run):
    """The fairness table's main columns (selection and error rates, the four-fifths flag) and the rest (score
    distributions) as (column, value) cells, breaches marked. The stored rows' key order is the database's, so the
    order is set here."""
    rows = run.fairness or []
    present = set().union(*(r.keys() for r in rows)) - HIDDEN_COLUMNS if rows else set()
    main = [c for c in MAIN_COLUMNS if c in present]
    rest = ["attribute", "group", *sorted(present - set(main))] if present - set(main) else []
    flagged = {(r.get("attribute"), r.get("group")) for r in ops.breaches(rows)}

    def cells(columns):
        return [
            ([(c, _shown(row.get(c, ""))) for c in columns], (row.get("attribute"), row.get("group")) in flagged)
            for row in rows
        ]

    return {"columns": main, "rows": cells(main), "other_columns": rest, "other_rows": cells(rest) if rest else []}


SWEEP_COLUMNS = ("n", "selected", "selection_rate", "fpr", "fnr", "disparity_ratio")


def _flag(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _sweep(run) -> list[dict]:
    """The fairness table at each candidate threshold (fairness_sweep.csv), one block a threshold, in file order:
    label, threshold, how many the cut selects overall, and each group's rates with its four-fifths flag."""
    blocks: dict[tuple[str, str], dict] = {}
    for row in run.fairness_sweep or []:
        key = (row.get("threshold_label", ""), row.get("threshold", ""))
        block = blocks.setdefault(
            key,
            {
                "label": key[0],
                "is_own": key[0] == "definition",
                "threshold": _shown(key[1]),
                "selected": row.get("overall_selected", ""),
                "share": _shown(row.get("overall_selection_rate", "")),
                "rows": [],
                "flags": 0,
            },
        )
        flagged = _flag(row.get("four_fifths_flag", ""))
        block["flags"] += flagged
        block["rows"].append(
            {
                "attribute": row.get("attribute", ""),
                "group": row.get("group", ""),
                "cells": [_shown(row.get(c, "")) for c in SWEEP_COLUMNS],
                "flagged": flagged,
            }
        )
    return list(blocks.values())


def _validation(run) -> dict | None:
    """The CLI's validation.json summary (AUC with interval, precision and recall at the threshold, calibration)."""
    summary = (run.validation or {}).get("validation.json")
    return summary if isinstance(summary, dict) else None


def _shown(value: str) -> str:
    """A decimal to three places (rates and ratios); anything else as written."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return f"{number:.3f}" if "." in str(value) and number == number else value


@require(perms.can_view_aggregates)
def run_detail(request, pk):
    run = _run(pk)
    return render(
        request,
        "risk/run.html",
        {
            "run": run,
            "version": run.version,
            "bands": ops.bands(run, run.threshold) if run.threshold is not None else [],
            **_fairness_table(run),
            "sweep": _sweep(run),
            "sweep_columns": SWEEP_COLUMNS,
            "validation": _validation(run),
            "breaches": ops.breaches(run.fairness),
            "adoptions": run.adoptions.select_related("adopted_by"),
            "can_adopt": perms.can_adopt_threshold(request.user, run.version),
        },
    )


@require(perms.can_view_aggregates)
def adopt(request, pk):
    run = _run(pk)
    version: IndexVersion = run.version
    denied = check(request, perms.can_adopt_threshold(request.user, version), _("Only the version's named owner"))
    if denied:
        return denied
    breaches = ops.breaches(run.fairness)
    form = AdoptForm(request.POST or None, needs_justification=bool(breaches))
    if request.method == "POST" and form.is_valid():
        try:
            ops.adopt_threshold(
                request.user,
                version,
                run,
                acknowledged=form.cleaned_data["acknowledged"],
                justification=form.cleaned_data.get("justification", ""),
            )
        except ops.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Threshold %(t)s adopted for version %(n)s") % {"t": f"{run.threshold:g}", "n": version.number},
            )
            return redirect("risk:version", version.number)
    return render(
        request,
        "risk/adopt.html",
        {
            "run": run,
            "version": version,
            "form": form,
            "breaches": breaches,
            **_fairness_table(run),
            "sweep": _sweep(run),
            "sweep_columns": SWEEP_COLUMNS,
        },
    )
