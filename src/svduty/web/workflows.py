"""Every workflow in svduty, declared as data in one place (Hypha's pattern).

A workflow is a list of transitions: from which states, to which state, and the permission function that decides who
may take it. Views never set a ``state``/``status`` field themselves; they call ``perform`` which checks the rule,
applies the change and, for decision records, appends a ``DecisionEvent`` (who, when, from, to) so history is kept
and never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from svduty.web.commissioning import permissions as cp
from svduty.web.commissioning.options import ApplicationStatus as A
from svduty.web.decisions import permissions as dp
from svduty.web.decisions.options import Outcome
from svduty.web.decisions.options import State as D


class TransitionRefused(Exception):
    """The user may not take this step now; the message says why."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: tuple[str, ...]
    target: str
    allowed: Callable
    who: str


@dataclass(frozen=True)
class Workflow:
    name: str
    state_field: str
    transitions: tuple[Transition, ...]

    def get(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(name)

    def available(self, obj, user) -> list[Transition]:
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions if state in t.source and t.allowed(user, obj)]


DECISION_WORKFLOW = Workflow(
    name="PCC decision record",
    state_field="state",
    transitions=(
        Transition(
            "submit",
            _("Submit for officer approval"),
            (D.DRAFT,),
            D.SUBMITTED,
            dp.can_submit_for_approval,
            "officer, once the draft is complete",
        ),
        Transition(
            "return",
            _("Return to the officers with comments"),
            (D.SUBMITTED,),
            D.DRAFT,
            dp.can_return_decision,
            "Chief Executive or nominee",
        ),
        Transition(
            "officer_approve",
            _("Give officer approval"),
            (D.SUBMITTED,),
            D.OFFICER_APPROVED,
            dp.can_officer_approve,
            "Chief Executive or nominee, confirming financial, legal and equalities advice was taken into account",
        ),
        Transition("decide", _("Record the PCC's decision"), (D.OFFICER_APPROVED,), D.DECIDED, dp.can_decide, "PCC"),
        Transition("publish", _("Publish the decision"), (D.DECIDED,), D.PUBLISHED, dp.can_publish, "Officer or PCC"),
    ),
)

APPLICATION_WORKFLOW = Workflow(
    name="Expression of interest",
    state_field="status",
    transitions=(
        Transition("submit", _("Submit"), (A.DRAFT,), A.SUBMITTED, cp.can_submit_application, "Provider"),
        Transition(
            "request_info", _("Request more information"), (A.SUBMITTED,), A.MORE_INFO, cp.can_determine, "Officer"
        ),
        Transition("resubmit", _("Answer and resubmit"), (A.MORE_INFO,), A.SUBMITTED, cp.can_resubmit, "Provider"),
        Transition("withdraw", _("Withdraw"), (A.SUBMITTED, A.MORE_INFO), A.WITHDRAWN, cp.can_withdraw, "Provider"),
        Transition("award", _("Recommend an award"), (A.SUBMITTED,), A.AWARDED, cp.can_award, "Officer"),
        Transition(
            "decline", _("Do not award"), (A.SUBMITTED, A.MORE_INFO), A.NOT_AWARDED, cp.can_determine, "Officer"
        ),
        # The PCC's approval of the award's decision record makes the award final (set by _after_decision).
        Transition("funded", _("Award approved by the PCC"), (A.AWARDED,), A.FUNDED, lambda u, o: True, "PCC"),
    ),
)


def perform(workflow: Workflow, name: str, obj, user, *, note: str = "", **changes):
    """Take transition ``name`` on ``obj`` as ``user``, applying ``changes`` to its fields in the same transaction.

    The state and the permission are checked on a copy re-read under ``select_for_update`` inside the transaction,
    not on ``obj`` as the caller loaded it: two requests in flight (two PCC decisions, an edit racing an approval)
    would otherwise both pass their check on stale copies and the second would overwrite the first. ``obj`` is
    refreshed from the saved copy so the caller sees the new state."""
    transition = workflow.get(name)
    with transaction.atomic():
        fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        state = getattr(fresh, workflow.state_field)
        if state not in transition.source:
            raise TransitionRefused(
                gettext("%(step)s is not possible: the %(what)s is %(state)s")
                % {"step": transition.label, "what": str(workflow.name).lower(), "state": state}
            )
        if not transition.allowed(user, fresh):
            raise TransitionRefused(
                gettext("%(step)s: only the %(who)s can do this now")
                % {"step": transition.label, "who": transition.who}
            )
        for field, value in changes.items():
            setattr(fresh, field, value)
        setattr(fresh, workflow.state_field, transition.target)
        fresh.save()
        if workflow is DECISION_WORKFLOW:
            from svduty.web.decisions.models import DecisionEvent

            DecisionEvent.objects.create(
                record=fresh, action=transition.name, from_state=state, to_state=transition.target, user=user, note=note
            )
            _after_decision(transition.name, fresh)
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(fresh, field.attname))
    return obj


def _after_decision(name: str, record) -> None:
    """A PCC 'Not approved' releases the awards' commitments and marks their EOIs not awarded; 'Approved' marks them
    awarded (they stayed "Award recommended" before, issue 17 defect 3)."""
    if name != "decide":
        return
    for award in record.awards.select_related("application"):
        application = award.application
        if record.decision == Outcome.NOT_APPROVED:
            award.commitments.update(released=True)
            application.status = A.NOT_AWARDED
        elif application.status == A.AWARDED:
            application.status = A.FUNDED
        application.save(update_fields=["status"])
