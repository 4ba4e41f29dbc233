"""Evidence beside commissioning: an EOI's approaches with their ratings, the harmful warning, a round's mix."""

from __future__ import annotations

from django import template

from ..options import IMPACT_ORDER, IMPACT_TAG, Impact
from ..permissions import can_choose_approaches, can_justify, harmful_approaches, needs_justification

register = template.Library()


def _approaches(application):
    use = getattr(application, "evidence_use", None)
    return list(use.approaches.all()) if use is not None else []


@register.inclusion_tag("interventions/_ratings.html", takes_context=True)
def approach_ratings(context, application):
    user = context["request"].user
    use = getattr(application, "evidence_use", None)
    return {
        "application": application,
        "approaches": _approaches(application),
        "harmful": harmful_approaches(application),
        "needs_justification": needs_justification(application),
        "use": use,
        "can_choose": can_choose_approaches(user, application),
        "can_justify": can_justify(user, application),
    }


def evidence_mix_rows(round_):
    """Awarded money by the best-known impact band of each award's approaches (an award with several approaches
    counts once, under its lowest-rated approach, so a harmful component is never hidden)."""
    from svduty.web.commissioning.models import Award

    awards = Award.objects.filter(application__round=round_).prefetch_related("application__evidence_use__approaches")
    totals: dict[str, list[int]] = {}
    for award in awards:
        approaches = _approaches(award.application)
        band = max((a.impact for a in approaches), key=IMPACT_ORDER.index) if approaches else ""
        row = totals.setdefault(band, [0, 0])
        row[0] += 1
        row[1] += award.amount_pence
    labels = dict(Impact.choices)
    return [
        {
            "band": band,
            "label": labels.get(band, "No approach named or no published rating"),
            "tag": IMPACT_TAG[band],
            "count": totals[band][0],
            "pence": totals[band][1],
        }
        for band in IMPACT_ORDER
        if band in totals
    ]


@register.inclusion_tag("interventions/_mix.html")
def evidence_mix(round_):
    rows = evidence_mix_rows(round_)
    total = sum(r["pence"] for r in rows)
    for row in rows:
        row["share"] = round(100 * row["pence"] / total) if total else 0
    return {"rows": rows, "total": total}
