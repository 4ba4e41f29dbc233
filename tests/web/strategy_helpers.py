"""Objects and the URL × role matrix for the strategy app (issue 15): local definition, SNA versions, strategy,
Duty calendar. The demo loads a published strategy; each call adds a draft strategy, a draft definition and an SNA
version with a PDF, so every page has an object in each state it treats differently."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse as u

ALL = {"admin", "officer", "assessor", "chief_executive", "pcc", "provider", "public"}
PARTNERS = {"admin", "officer", "assessor", "chief_executive", "pcc"}
LEADERSHIP = {"admin", "officer", "chief_executive", "pcc"}
STAFF = {"admin", "officer"}

SUMMARY = {
    "period": {"from": "2023-01", "to": "2023-12"},
    "serious_violence": 100,
    "all_crime": 1000,
    "by_crime_type": {"Robbery": 10},
    "priorities": [{"rank": 1, "name": "Robbery", "score": 5.0, "evidence": [], "synthetic": False}],
    "success_measures": {},
}


def sna_files(summary: dict | None = None, tables: dict | None = None, pdf: bytes | None = b"%PDF-1.4\n%%EOF\n"):
    from svduty.web.strategy.sna_versions import SnaFiles

    doc = summary or SUMMARY
    return SnaFiles(
        doc, json.dumps(doc).encode(), tables or {"by_crime_type": "crime_type,count\nRobbery,10\n"}, pdf, "test"
    )


def strategy_objects():
    from svduty.web.partnership.models import Partnership
    from svduty.web.strategy.models import LocalDefinition, Obligation, Strategy, StrategyPriority, SuccessMeasure
    from svduty.web.strategy.sna_versions import register

    officer = get_user_model().objects.get(username="officer")
    partnership = Partnership.objects.order_by("id").first()
    # the demo's published strategy (a POST test may have published and so superseded it: take the newest)
    published = Strategy.objects.filter(status="published").order_by("-id").first()
    draft = Strategy.objects.create(
        partnership=partnership,
        title="Matrix draft",
        period="2026-28",
        starts_on=date(2026, 4, 1),
        ends_on=date(2028, 3, 31),
        created_by=officer,
    )
    priority = StrategyPriority.objects.create(strategy=draft, title="Draft priority", target_kind="theme", target="x")
    measure = SuccessMeasure.objects.create(priority=priority, kind="local", name="Draft measure")
    approved = LocalDefinition.objects.get(is_demo=True)
    number = LocalDefinition.objects.filter(partnership=partnership).count() + 1
    draft_def = LocalDefinition.objects.create(
        partnership=partnership, version=number, name="Draft definition", rules=approved.rules, created_by=officer
    )
    version = register(sna_files(), partnership, officer, label="Matrix version")
    item = Obligation.objects.filter(partnership=partnership).first()
    return {
        "published": published,
        "published_priority": published.priorities.first(),
        "published_measure": SuccessMeasure.objects.filter(priority__strategy=published).first(),
        "draft": draft,
        "priority": priority,
        "measure": measure,
        "approved": approved,
        "draft_def": draft_def,
        "version": version,
        "demo_version": published.sna_version,
        "item": item,
    }


def strategy_matrix(w):
    """GET pages: partnership roles read; officers draft and edit; the board (officer, PCC, Chief Executive)
    records agreement; the published strategy is public."""
    o = strategy_objects()
    d, p = o["draft"], o["published"]
    return [
        ("strategy:index", u("strategy:index"), PARTNERS),
        ("strategy:new", u("strategy:new"), STAFF),
        ("strategy:detail", u("strategy:detail", args=[d.pk]), PARTNERS),
        ("strategy:detail", u("strategy:detail", args=[p.pk]), PARTNERS),
        ("strategy:edit", u("strategy:edit", args=[d.pk]), STAFF),
        # Agreed or published: nobody edits it (a revision is a new draft).
        ("strategy:edit", u("strategy:edit", args=[p.pk]), set()),
        ("strategy:agree", u("strategy:agree", args=[d.pk]), LEADERSHIP),
        ("strategy:agree", u("strategy:agree", args=[p.pk]), set()),
        ("strategy:history", u("strategy:history", args=[p.pk]), PARTNERS),
        ("strategy:pdf", u("strategy:pdf", args=[d.pk]), PARTNERS),
        ("strategy:priority_new", u("strategy:priority_new", args=[d.pk]), STAFF),
        ("strategy:priority_new", u("strategy:priority_new", args=[p.pk]), set()),
        ("strategy:priority_edit", u("strategy:priority_edit", args=[o["priority"].pk]), STAFF),
        ("strategy:priority_edit", u("strategy:priority_edit", args=[o["published_priority"].pk]), set()),
        ("strategy:measure_new", u("strategy:measure_new", args=[o["priority"].pk]), STAFF),
        ("strategy:measure_edit", u("strategy:measure_edit", args=[o["measure"].pk]), STAFF),
        ("strategy:measure_edit", u("strategy:measure_edit", args=[o["published_measure"].pk]), set()),
        # Monitoring values go on the strategy in force too.
        ("strategy:value_new", u("strategy:value_new", args=[o["published_measure"].pk]), STAFF),
        ("strategy:definitions", u("strategy:definitions"), PARTNERS),
        ("strategy:definition_new", u("strategy:definition_new"), STAFF),
        ("strategy:definition", u("strategy:definition", args=[o["approved"].pk]), PARTNERS),
        ("strategy:definition_edit", u("strategy:definition_edit", args=[o["draft_def"].pk]), STAFF),
        # Approved: never edited in place.
        ("strategy:definition_edit", u("strategy:definition_edit", args=[o["approved"].pk]), set()),
        ("strategy:definition_toml", u("strategy:definition_toml", args=[o["approved"].pk]), PARTNERS),
        ("strategy:sna_list", u("strategy:sna_list"), PARTNERS),
        ("strategy:sna_register", u("strategy:sna_register"), STAFF),
        ("strategy:sna_compare", u("strategy:sna_compare"), PARTNERS),
        ("strategy:sna", u("strategy:sna", args=[o["demo_version"].pk]), PARTNERS),
        ("strategy:sna_pdf", u("strategy:sna_pdf", args=[o["version"].pk]), PARTNERS),
        ("strategy:sna_table", u("strategy:sna_table", args=[o["version"].pk, "by_crime_type"]), PARTNERS),
        ("strategy:calendar", u("strategy:calendar"), PARTNERS),
        ("strategy:obligation_new", u("strategy:obligation_new"), STAFF),
        ("strategy:obligation_edit", u("strategy:obligation_edit", args=[o["item"].pk]), STAFF),
        ("strategy:public", u("strategy:public"), ALL),
        ("strategy:public_pdf", u("strategy:public_pdf"), ALL),
    ]


def strategy_post_matrix():
    """POST-only steps, as factories making a fresh object per role (tests/web/test_strategy.py runs them)."""
    from svduty.web.strategy.models import LocalDefinition, Obligation, Strategy
    from svduty.web.strategy.workflow import after_strategy_step

    def strategy_in(state):
        o = strategy_objects()
        s = o["draft"]
        if state != "draft":
            Strategy.objects.filter(pk=s.pk).update(status=state)
            s.refresh_from_db()
            after_strategy_step("test", s, "draft", get_user_model().objects.get(username="officer"), "")
        return s.pk

    def draft_definition():
        return strategy_objects()["draft_def"].pk

    def open_item():
        first = Obligation.objects.first()
        return Obligation.objects.create(
            partnership=first.partnership, kind="other", title="x", due_on=date(2025, 1, 1)
        ).pk

    return [
        ("strategy:publish", lambda: u("strategy:publish", args=[strategy_in("agreed")]), STAFF),
        ("strategy:publish", lambda: u("strategy:publish", args=[strategy_in("draft")]), set()),
        ("strategy:revise", lambda: u("strategy:revise", args=[strategy_in("agreed")]), STAFF),
        ("strategy:values_from_sna", lambda: u("strategy:values_from_sna", args=[strategy_in("draft")]), STAFF),
        ("strategy:definition_approve", lambda: u("strategy:definition_approve", args=[draft_definition()]), STAFF),
        (
            "strategy:definition_approve",
            lambda: u("strategy:definition_approve", args=[LocalDefinition.objects.get(is_demo=True).pk]),
            set(),
        ),
        ("strategy:obligation_done", lambda: u("strategy:obligation_done", args=[open_item()]), STAFF),
        ("strategy:calendar_year", lambda: u("strategy:calendar_year"), STAFF),
    ]
