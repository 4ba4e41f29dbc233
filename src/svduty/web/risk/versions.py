"""Index versions: making one from a definition (validated by ``svduty.analysis.risk``), what still stands in the
way of using it, threshold adoption after the fairness table, and approval. Views call these; none is automatic."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.analysis.risk import DefinitionError, IndexDefinition, default_definition

from .models import IndexVersion, ScoringRun, ThresholdAdoption
from .options import AlgoCareHeading, VersionStatus

MIN_JUSTIFICATION = 40


class Refused(ValueError):
    """A governance rule refused the step; the message says which and why."""


def parse(definition: dict) -> IndexDefinition:
    """The validated definition; ``Refused`` names the wrong field (from the analysis module's ``DefinitionError``)."""
    try:
        return IndexDefinition.from_dict(definition)
    except DefinitionError as exc:
        raise Refused(str(exc)) from exc


def create_version(user, definition: dict, *, owner, change_note: str = "", parent=None, is_demo=False):
    """A new version (the next number) of a validated definition; the same content as an existing version is
    refused, since it would be the same version under another number."""
    parsed = parse(definition)
    data = parsed.to_dict()
    content_hash = parsed.content_hash()
    with transaction.atomic():
        existing = IndexVersion.objects.select_for_update().filter(content_hash=content_hash).first()
        if existing is not None:
            raise Refused(
                _("This definition is identical to version %(n)s: change something to make a new version")
                % {"n": existing.number}
            )
        number = (IndexVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1
        return IndexVersion.objects.create(
            number=number,
            name=parsed.name,
            definition=data,
            content_hash=content_hash,
            parent=parent,
            change_note=change_note,
            created_by=user,
            owner=owner,
            is_demo=is_demo,
        )


def default_definition_dict() -> dict:
    return default_definition().to_dict()


def label(version) -> str:
    """The version label the CLI prints in ``index_version`` (first 12 hex digits of the content hash)."""
    return version.content_hash[:12]


def definition_problems(version) -> list[str]:
    """What in the definition stops approval. Second-hand gravity figures stop it too, except for the labelled DEMO
    version (synthetic data only), where they are shown as warnings (``second_hand_figures``) instead."""
    return parse(version.definition).approval_problems(allow_second_hand=bool(version.is_demo))


def second_hand_figures(version) -> list[str]:
    return parse(version.definition).second_hand_figures()


def checklist_complete(version) -> bool:
    answered = {a.heading for a in version.algocare.all() if a.answer.strip() and a.evidence.strip()}
    return answered >= set(AlgoCareHeading.values)


def latest_adoption(version):
    return version.adoptions.select_related("run", "adopted_by").first()


def readiness(version) -> list[tuple[str, bool]]:
    """Each condition for "approved for use", and whether it is met (all must be)."""
    dpia = getattr(version, "dpia", None)
    return [
        (
            _("The definition names an owner and every gravity weight cites its source"),
            not definition_problems(version),
        ),
        (_("ALGO-CARE: all eight headings answered with evidence"), checklist_complete(version)),
        (_("ALGO-CARE checklist signed off by the named owner"), version.checklist_signed_at is not None),
        (_("DPIA recorded and signed off by the data protection officer"), bool(dpia and dpia.signed_off_at)),
        (_("Fairness results of a scoring run seen and the threshold adopted"), latest_adoption(version) is not None),
    ]


def is_ready(version) -> bool:
    return all(ok for _label, ok in readiness(version))


def sign_checklist(user, version) -> None:
    if not checklist_complete(version):
        raise Refused(_("Every ALGO-CARE heading needs an answer and its evidence before sign-off"))
    IndexVersion.objects.filter(pk=version.pk).update(checklist_signed_by=user, checklist_signed_at=timezone.now())
    version.refresh_from_db()


def breaches(fairness: list[dict]) -> list[dict]:
    """Rows of the fairness table flagged by the four-fifths rule."""
    return [row for row in fairness if str(row.get("four_fifths_flag", "")).strip().lower() in ("true", "1", "yes")]


def fairness_sha256(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode("utf-8")).hexdigest()


def adopt_threshold(user, version, run: ScoringRun, *, acknowledged: bool, justification: str = ""):
    """Record that ``user`` adopted the run's threshold having seen its fairness table (stored as shown)."""
    if run.version_id != version.pk:
        raise Refused(_("The run was scored with another version"))
    if run.threshold is None:
        raise Refused(_("The run has no threshold"))
    if not run.fairness:
        raise Refused(_("The run has no fairness table: import fairness.csv before adopting a threshold"))
    if not acknowledged:
        raise Refused(_("Confirm that you have read the fairness table"))
    flagged = breaches(run.fairness)
    if flagged and len(justification.strip()) < MIN_JUSTIFICATION:
        raise Refused(
            _("The fairness table shows four-fifths breaches: write a justification of at least %(n)s characters")
            % {"n": MIN_JUSTIFICATION}
        )
    return ThresholdAdoption.objects.create(
        version=version,
        run=run,
        threshold=run.threshold,
        fairness_shown=run.fairness,
        fairness_sha256=fairness_sha256(run.fairness),
        breaches=[{"attribute": r.get("attribute"), "group": r.get("group")} for r in flagged],
        justification=justification.strip(),
        adopted_by=user,
    )


def approve(user, version) -> None:
    """Approve a version for use; the previously approved version is retired (one in use at a time)."""
    with transaction.atomic():
        fresh = IndexVersion.objects.select_for_update().get(pk=version.pk)
        if fresh.status != VersionStatus.DRAFT:
            raise Refused(_("Only a draft version can be approved"))
        missing = [text for text, ok in readiness(fresh) if not ok]
        if missing:
            raise Refused(_("Not ready for use: %(missing)s") % {"missing": "; ".join(missing)})
        now = timezone.now()
        IndexVersion.objects.filter(status=VersionStatus.APPROVED).update(status=VersionStatus.RETIRED, retired_at=now)
        fresh.status, fresh.approved_by, fresh.approved_at = VersionStatus.APPROVED, user, now
        fresh.save(update_fields=["status", "approved_by", "approved_at"])
    version.refresh_from_db()


def in_use():
    """The version approved for use, its adoption and that adoption's run (the panel list), or Nones."""
    version = IndexVersion.objects.filter(status=VersionStatus.APPROVED).first()
    if version is None:
        return None, None, None
    adoption = latest_adoption(version)
    return version, adoption, adoption.run if adoption else None


def panel_scores(run, threshold):
    """People at or above the adopted threshold in the run: the panel's list (a list to review, nothing more)."""
    return run.scores.filter(score__gte=threshold).order_by("rank", "pk")


def bands(run, threshold) -> list[dict]:
    """Counts of people by score band relative to the threshold: the aggregate analysts see instead of scores."""
    scores = list(run.scores.values_list("score", flat=True))
    if not scores:
        return []
    edges = [0.0, threshold / 4, threshold / 2, threshold, threshold * 2]
    names = [
        _("0 to a quarter of the threshold"),
        _("a quarter to half"),
        _("half to the threshold"),
        _("threshold to twice it"),
        _("twice the threshold or more"),
    ]
    out = []
    for i, name in enumerate(names):
        low = edges[i]
        high = edges[i + 1] if i + 1 < len(edges) else None
        n = sum(1 for s in scores if s >= low and (high is None or s < high))
        out.append({"band": name, "low": low, "high": high, "people": n})
    return out


__all__ = [
    "Refused",
    "adopt_threshold",
    "approve",
    "bands",
    "breaches",
    "create_version",
    "in_use",
    "panel_scores",
    "readiness",
]
