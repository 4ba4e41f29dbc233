"""The return workflow: save a draft, submit (a version is frozen), accept or return with a comment.

Each step re-reads the return under ``select_for_update`` and re-checks state and permission on that fresh copy, so
two requests in flight cannot both submit or both decide (the same rule as ``svduty.web.workflows``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions as perms
from .case_data import refresh_case_values
from .models import MonitoringReturn, ReachCount, ReturnValue, ReturnVersion
from .options import ReturnStatus


class ReturnRefused(Exception):
    """A step that is not allowed now (the sentence says why)."""


def snapshot(monitoring_return: MonitoringReturn) -> dict:
    return {
        "total_reached": monitoring_return.total_reached,
        "spend_to_date_pence": monitoring_return.spend_to_date_pence,
        "narrative": monitoring_return.narrative,
        "risks": monitoring_return.risks,
        "case_studies": monitoring_return.case_studies,
        "values": {str(v.indicator_id): v.actual for v in monitoring_return.values.all()},
        "case_sources": {
            str(i.pk): i.case_source for i in monitoring_return.programme.indicators.all() if i.case_source
        },
        "reach": [
            [r.dimension, r.category, r.count] for r in monitoring_return.reach.order_by("dimension", "category")
        ],
    }


def missing_for_submission(monitoring_return: MonitoringReturn) -> list[str]:
    missing = []
    indicators = list(monitoring_return.programme.indicators.all())
    have = {v.indicator_id for v in monitoring_return.values.all()}
    missing += [_("the actual for “%(name)s”") % {"name": i.name} for i in indicators if i.pk not in have]
    if monitoring_return.total_reached is None:
        missing.append(_("the number of people reached"))
    if monitoring_return.spend_to_date_pence is None:
        missing.append(_("spend to date"))
    if not monitoring_return.narrative.strip():
        missing.append(_("what was delivered"))
    return missing


@transaction.atomic
def save_draft(monitoring_return: MonitoringReturn, data: dict, user) -> MonitoringReturn:
    """Write the form's cleaned values. Refused once the return is submitted or accepted."""
    fresh = MonitoringReturn.objects.select_for_update().select_related("programme").get(pk=monitoring_return.pk)
    if not perms.can_edit_return(user, fresh):
        raise ReturnRefused(_("This return has been submitted and can no longer be changed."))
    for field in ("total_reached", "spend_to_date_pence", "narrative", "risks", "case_studies"):
        setattr(fresh, field, data[field])
    fresh.save()
    sourced = {i.pk for i in fresh.programme.indicators.all() if i.case_source}
    for indicator_id, actual in data["values"].items():
        if indicator_id in sourced:
            continue  # counted from case records below, never taken from the provider
        if actual is None:
            ReturnValue.objects.filter(monitoring_return=fresh, indicator_id=indicator_id).delete()
        else:
            ReturnValue.objects.update_or_create(
                monitoring_return=fresh, indicator_id=indicator_id, defaults={"actual": actual}
            )
    fresh.reach.all().delete()
    ReachCount.objects.bulk_create(
        [
            ReachCount(monitoring_return=fresh, dimension=d, category=c, count=n)
            for (d, c), n in data["reach"].items()
            if n
        ]
    )
    refresh_case_values(fresh)
    return fresh


@transaction.atomic
def submit(monitoring_return: MonitoringReturn, user) -> ReturnVersion:
    fresh = MonitoringReturn.objects.select_for_update().select_related("programme").get(pk=monitoring_return.pk)
    if not perms.can_submit_return(user, fresh):
        raise ReturnRefused(_("This return cannot be submitted now."))
    refresh_case_values(fresh)  # the version keeps the count from case records as it stands at submission
    missing = missing_for_submission(fresh)
    if missing:
        raise ReturnRefused(_("Before you can submit, add %(what)s.") % {"what": "; ".join(missing)})
    now = timezone.now()
    number = fresh.versions.count() + 1
    version = ReturnVersion.objects.create(
        monitoring_return=fresh, number=number, data=snapshot(fresh), submitted_by=user, submitted_at=now
    )
    fresh.status = ReturnStatus.SUBMITTED
    fresh.submitted_at = now
    fresh.submitted_by = user
    fresh.save()
    return version


@transaction.atomic
def review(monitoring_return: MonitoringReturn, user, *, accept: bool, comment: str) -> MonitoringReturn:
    """Accept, or return to the provider with a comment (required); recorded on the submitted version."""
    fresh = MonitoringReturn.objects.select_for_update().select_related("programme").get(pk=monitoring_return.pk)
    if not perms.can_review_return(user, fresh):
        raise ReturnRefused(_("Only a submitted return can be accepted or returned."))
    if not accept and not comment.strip():
        raise ReturnRefused(_("Say what the provider needs to change"))
    now = timezone.now()
    version = fresh.versions.order_by("-number").first()
    version.decision = "accepted" if accept else "returned"
    version.comment = comment
    version.decided_by = user
    version.decided_at = now
    version.save()
    fresh.status = ReturnStatus.ACCEPTED if accept else ReturnStatus.RETURNED
    fresh.reviewed_at = now
    fresh.reviewed_by = user
    fresh.review_comment = comment
    fresh.save()
    return fresh
