"""A practice note's first draft from its evaluation and programme, and the public JSON form of a note.

The prefill only copies what is known: the approaches the programme names from the evidence library, the EOI's
cohort and ages, the area from the evaluation's data, the award as the cost, the estimate with its interval, and the
Maryland level with its reason. Staff then edit it before publishing.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from .options import Design


def chance_words(low: float, high: float) -> str:
    """As the evaluation report words it (``svduty.report.evaluation.chance_words``)."""
    if low > 0 or high < 0:
        return _("The interval excludes no change, so chance alone is an unlikely explanation.")
    return _("The interval includes no change, so the data cannot rule out chance.")


def _num(value: float) -> str:
    digits = 2 if abs(value) < 10 else 1
    return f"{value:,.{digits}f}".replace("-", "−")


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _num(value)


def result_sentence(evaluation) -> str:
    """The estimate with its interval and p-value, in words, from the evaluation's own figures."""
    document = evaluation.result
    data = document.get("data") if isinstance(document.get("data"), dict) else {}
    measure = data.get("value_label") or data.get("label") or _("the outcome")
    what = {
        Design.ITS: _("Change in level at the interruption in %(measure)s, beyond trend and season"),
        Design.DID: _("Average effect on %(measure)s in the treated units against the comparison units"),
        Design.SYNTH: _("Average gap in %(measure)s between the area and its synthetic control after the start"),
    }[Design(evaluation.design)] % {"measure": measure}
    parts = [f"{what}: {_signed(evaluation.estimate)}"]
    if evaluation.ci_low is not None and evaluation.ci_high is not None:
        parts.append(
            _("(%(pct)s%% interval %(low)s to %(high)s)")
            % {"pct": evaluation.confidence_pct, "low": _num(evaluation.ci_low), "high": _num(evaluation.ci_high)}
        )
    sentence = " ".join(parts)
    if evaluation.p_value is not None:
        label = "placebo-in-space p" if evaluation.design == Design.SYNTH else "p"
        sentence += f"; {label} = {evaluation.p_value:.3f}"
    relative = document.get("relative_change")
    if isinstance(relative, int | float) and not isinstance(relative, bool) and math.isfinite(relative):
        sentence += _("; a relative change of %(pct)s") % {"pct": f"{relative * 100:+.1f}%".replace("-", "−")}
    sentence += "."
    if evaluation.ci_low is not None and evaluation.ci_high is not None:
        sentence += " " + chance_words(evaluation.ci_low, evaluation.ci_high)
    if evaluation.synthetic:
        sentence += " " + _("SYNTHETIC DATA: this figure comes from generated data, not real records.")
    return sentence


def _for_whom(application) -> str:
    parts = [application.target_cohort] if application.target_cohort else []
    if application.age_min is not None and application.age_max is not None:
        parts.append(_("aged %(low)s to %(high)s") % {"low": application.age_min, "high": application.age_max})
    return ", ".join(parts)


def _contact(organisation, user) -> str:
    parts = [organisation.name + (f" ({organisation.website})" if organisation.website else "")]
    if user is not None and getattr(user, "email", ""):
        name = user.get_full_name() or user.get_username()
        parts.append(_("partnership contact: %(name)s, %(email)s") % {"name": name, "email": user.email})
    return "; ".join(parts)


def prefill(evaluation, user=None) -> dict[str, Any]:
    """Initial values for ``PracticeNoteForm`` from the evaluation and its programme (``user``: the staff member
    writing the note, offered as the partnership's contact)."""
    programme = evaluation.programme
    application = programme.award.application
    approaches = list(programme.approaches.all())
    done = [application.summary] if application.summary else []
    done += [
        _("Approach in the evidence library: %(name)s. %(summary)s") % {"name": a.name, "summary": a.summary}
        for a in approaches
    ]
    data = evaluation.result.get("data") if isinstance(evaluation.result.get("data"), dict) else {}
    where = data.get("area") or ""
    if data.get("period"):
        where = f"{where} ({data['period']})" if where else data["period"]
    return {
        "title": programme.title,
        "what_was_done": "\n\n".join(done) or programme.title,
        "for_whom": _for_whom(application),
        "where": where[:300],
        "area_code": programme.beneficiary_geo_code,
        "cost_pence": programme.award.amount_pence,
        "cost_note": _("The award from the partnership (%(ref)s)") % {"ref": programme.reference},
        "result": result_sentence(evaluation),
        "strength_level": evaluation.msms_level,
        "strength_reason": evaluation.msms_reason,
        "contact": _contact(programme.organisation, user)[:300],
    }


def note_json(note, *, base_url: str = "") -> dict[str, Any]:
    """A published note as other areas read it (``/public/practice.json`` and ``/api/v1/practice-notes/``)."""
    from django.urls import reverse

    evaluation = note.evaluation
    return {
        "id": note.pk,
        "reference": note.reference,
        "url": base_url + reverse("evaluation:public_note", args=[note.pk]),
        "title": note.title,
        "what_was_done": note.what_was_done,
        "for_whom": note.for_whom,
        "where": note.where,
        "area_code": note.area_code,
        "cost_pence": note.cost_pence,
        "cost_note": note.cost_note,
        "result": note.result,
        "strength_of_evidence": {
            "scale": "Maryland Scientific Methods Scale",
            "level": note.strength_level,
            "reason": note.strength_reason,
        },
        "contact": note.contact,
        "approaches": [a.slug for a in evaluation.programme.approaches.all()],
        "evaluation": {
            "design": evaluation.design,
            "question": evaluation.title,
            "estimate": evaluation.estimate,
            "interval": [evaluation.ci_low, evaluation.ci_high] if evaluation.ci_low is not None else None,
            "confidence": 1 - evaluation.alpha,
            "p_value": evaluation.p_value,
            "synthetic": evaluation.synthetic,
        },
        "demo": note.is_demo or evaluation.is_demo,
        "published_at": note.published_at.isoformat() if note.published_at else None,
    }
