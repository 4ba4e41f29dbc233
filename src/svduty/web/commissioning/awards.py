"""Making an award: commit the money (refused if over-committed), record the award, draft the PCC decision record."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from svduty.web.core.money import format_pence
from svduty.web.decisions.models import DecisionEvent, DecisionRecord
from svduty.web.funding import ledger
from svduty.web.workflows import APPLICATION_WORKFLOW, TransitionRefused, perform

from .models import Application, Award


def draft_decision_text(awards: list[Award]) -> dict[str, str]:
    """The decision record's standard paragraphs, filled from the awards (officers edit them before approval)."""
    first = awards[0].application
    round_ = first.round
    total = sum(a.amount_pence for a in awards)
    lines = []
    years: dict[str, int] = {}
    for award in awards:
        app = award.application
        lines.append(f"- {app.organisation.name}: {app.title} — {format_pence(award.amount_pence, whole=True)}")
        for c in award.commitments.all():
            years[c.financial_year] = years.get(c.financial_year, 0) + c.amount_pence
    split = "; ".join(f"{y}: {format_pence(v, whole=True)}" for y, v in sorted(years.items()))
    if len(awards) == 1:
        title = _("%(round)s: award to %(org)s (%(title)s)") % {
            "round": round_.title,
            "org": first.organisation.name,
            "title": first.title,
        }
    else:
        title = _("%(round)s: %(n)s awards totalling %(total)s") % {
            "round": round_.title,
            "n": len(awards),
            "total": format_pence(total, whole=True),
        }
    return {
        "title": title[:300],
        "background": _(
            "The %(stream)s funds interventions under the Serious Violence Duty. Expressions of interest for "
            "'%(round)s' were assessed by a panel of partners against weighted criteria, after each assessor declared "
            "any interests."
        )
        % {"stream": round_.stream.name, "round": round_.title},
        "recommendation": _("That the Commissioner approves the following award(s):") + "\n" + "\n".join(lines),
        "financial_implications": _(
            "%(total)s from the %(stream)s (%(split)s). The amounts are committed against the stream's budgets and "
            "are released if the decision is not approved."
        )
        % {"total": format_pence(total, whole=True), "stream": round_.stream.name, "split": split},
        "legal_implications": _(
            "Grant agreements on the partnership's standard terms, including the funder's conditions."
        ),
        "equalities_implications": _(
            "Interventions were assessed for their reach into the cohorts the SNA identifies."
        ),
    }


def make_award(application: Application, split: dict[str, int], conditions: str, user, record=None) -> Award:
    """Award ``split`` (financial year → pence) to ``application``, drafting a decision record or adding the award
    to ``record`` (a draft, whose standard paragraphs are redrafted for all its awards). Raises
    ledger.OverCommitment or workflows.TransitionRefused with a message for the user."""
    with transaction.atomic():
        perform(APPLICATION_WORKFLOW, "award", application, user)
        award = Award.objects.create(
            application=application, amount_pence=sum(split.values()), conditions=conditions, created_by=user
        )
        ledger.commit(
            application.round.stream,
            split,
            f"Award: {application.organisation.name} — {application.title}",
            award=award,
            user=user,
        )
        if record is None:
            record = DecisionRecord.objects.create(
                created_by=user, is_demo=application.is_demo, **draft_decision_text([award])
            )
            DecisionEvent.objects.create(
                record=record, action="draft", to_state=record.state, user=user, note="Drafted from an award"
            )
            award.decision_record = record
            award.save(update_fields=["decision_record"])
        else:
            record = DecisionRecord.objects.select_for_update().get(pk=record.pk)
            if record.state != "draft":
                raise TransitionRefused(
                    _("%(ref)s is no longer a draft: draft a new decision record") % {"ref": record.reference}
                )
            award.decision_record = record
            award.save(update_fields=["decision_record"])
            for field, value in draft_decision_text(list(record.awards.all())).items():
                setattr(record, field, value)
            record.save()
    return award
