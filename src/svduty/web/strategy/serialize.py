"""The strategy as plain data (the API and anything else that reads priorities and measures, e.g. a board pack)."""

from __future__ import annotations

from typing import Any

from .priority_view import priority_cards


def _value(v) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "period": v.period,
        "period_end": v.period_end.isoformat(),
        "value": v.value,
        "source": v.source,
        "synthetic": v.synthetic,
        "sna_version": v.sna_version.number if v.sna_version_id else None,
    }


def strategy_json(strategy, priorities, *, public: bool) -> dict[str, Any]:
    version = strategy.sna_version
    out: dict[str, Any] = {
        "id": strategy.pk,
        "title": strategy.title,
        "period": strategy.period,
        "starts_on": strategy.starts_on.isoformat(),
        "ends_on": strategy.ends_on.isoformat(),
        "status": str(strategy.status),
        "vision": strategy.vision,
        "principles": strategy.principle_list,
        "agreed_on": strategy.agreed_on.isoformat() if strategy.agreed_on else None,
        "published_on": strategy.published_on.isoformat() if strategy.published_on else None,
        "sna_version": _version(version),
        "definition": (
            {
                "name": strategy.definition.name,
                "version": strategy.definition.version,
                "rules": strategy.definition.rules,
            }
            if strategy.definition_id
            else None
        ),
        "demo": strategy.is_demo,
        "priorities": [],
    }
    for card in priority_cards(priorities, public=public):
        p = card.priority
        out["priorities"].append(
            {
                "id": p.pk,
                "order": p.order,
                "title": p.title,
                "description": p.description,
                "target_kind": str(p.target_kind),
                "target": p.target,
                "objectives": [o.text for o in card.objectives],
                "evidence": {
                    "sna_version": _version(card.version),
                    "derived_priority": p.sna_priority or None,
                    "rank": card.rank,
                    "ranked_of": card.ranked_of or None,
                    "tables": list(p.sna_tables or []),
                    "note": p.evidence_note,
                },
                "programmes": [
                    {"id": x.pk, "title": x.title, "organisation": x.organisation.name} for x in card.programmes
                ],
                "pathways": [{"slug": x.slug, "name": x.name} for x in card.pathways],
                "measures": [
                    {
                        "id": mc.measure.pk,
                        "kind": str(mc.measure.kind),
                        "national_key": mc.measure.national_key or None,
                        "name": mc.measure.name,
                        "unit": mc.measure.unit,
                        "direction": str(mc.measure.direction),
                        "baseline": {"value": mc.measure.baseline_value, "period": mc.measure.baseline_period},
                        "target": {"value": mc.measure.target_value, "period": mc.measure.target_period},
                        "latest": _value(mc.latest),
                        "values": [_value(v) for v in mc.values],
                    }
                    for mc in card.measures
                ],
            }
        )
    return out


def _version(version) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "number": version.number,
        "label": version.label,
        "period_from": version.period_from,
        "period_to": version.period_to,
        "synthetic": version.synthetic,
    }
