"""Shared helpers for the risk index tests: its demo accounts, a CLI output with hand-computed scores, and a world of
versions in every governance state (a fully governed version in use, a draft ready for sign-offs, a bare draft).

The hand-made output follows the CLI contract: contribution = gravity × recency factor × (knife weight if knife),
recency factor = 0.5 ** (months before the as-of month ÷ half-life); each person's contributions sum to the score.
"""

from __future__ import annotations

import copy
from datetime import date

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

RISK_USERS = {
    "risk_panel": "panelpolice",
    "risk_panel_yjs": "panelyjs",
    "risk_panel_former": "panelformer",  # risk panel role, but no active seat: sees no scores
}
SIGNED_IN_AGGREGATES = {"admin", "officer", "analyst", "dpo", "risk_panel", "risk_panel_yjs"}
PANEL = {"risk_panel", "risk_panel_yjs"}
EDITORS = {"admin", "officer", "analyst"}
u = reverse


def user(username):
    return get_user_model().objects.get(username=username)


def client_as(username) -> Client:
    client = Client()
    if username:
        client.force_login(user(username))
    return client


def sourced_definition(**changes) -> dict:
    """The bundled default with every gravity weight cited (test values: 180 days for each group, with a test
    source) and an owner, so the definition itself does not block approval."""
    from svduty.web.risk.versions import default_definition_dict

    d = copy.deepcopy(default_definition_dict())
    for weight in d["gravity"]:
        weight.update(
            days=180.0,
            status="sourced",
            guideline="Test guideline",
            guideline_date="2024-01-01",
            source="tests/web/risk_helpers.py (test value, not a guideline figure)",
        )
        weight.pop("note", None)
        weight.pop("superseded", None)
    d["owner"] = "Olive Officer, Demoshire VRU (test)"
    d["threshold"] = 360.0
    d.update(changes)
    return d


# Hand-computed people (half-life 12 months, knife weight 2; months before the as-of month 2026-11 in brackets), with
# the test definition's threshold of 360:
#   P-HIGH: robbery 180 × 1.0 (0) × 2 (knife) = 360, violence 180 × 0.5 (12) = 90  → 450, above
#   P-EDGE: possession 180 × 1.0 (0) × 2 (knife) = 360                            → 360, exactly the threshold: above
#   P-LOW : violence 180 × 0.5 (12) = 90                                           → 90, below
PEOPLE = [
    (
        "P-HIGH",
        [
            ("INC-1", "2026-11", "Robbery", 180.0, 1.0, True, 360.0),
            ("INC-2", "2025-11", "Violence with injury", 180.0, 0.5, False, 90.0),
        ],
    ),
    ("P-EDGE", [("INC-3", "2026-11", "Possession of weapons", 180.0, 1.0, True, 360.0)]),
    ("P-LOW", [("INC-5", "2025-11", "Violence with injury", 180.0, 0.5, False, 90.0)]),
]
FAIRNESS = [
    ("sex", "F", 40, 0.05, 0.1, 0.4, "false"),
    ("sex", "M", 60, 0.10, 0.2, 0.3, "false"),
    ("ethnicity", "White", 70, 0.10, 0.15, 0.3, "false"),
    ("ethnicity", "Black", 30, 0.06, 0.25, 0.2, "true"),
]


def cli_output(version, *, people=PEOPLE, synthetic=True, label=None):
    from svduty.web.risk.imports import Output
    from svduty.web.risk.versions import label as version_label

    tag = label or version_label(version)
    threshold = version.threshold
    totals = [(p, sum(c[-1] for c in comps)) for p, comps in people]
    ranked = sorted(totals, key=lambda x: -x[1])
    rank = {p: i + 1 for i, (p, _s) in enumerate(ranked)}
    scores = ["person,score,rank,above_threshold,index_version,synthetic"]
    for p, s in totals:
        scores.append(f"{p},{s},{rank[p]},{str(s >= threshold).lower()},{tag},{str(synthetic).lower()}")
    components = ["person,incident_id,month,offence_group,gravity,recency_factor,knife_flag,contribution"]
    for p, comps in people:
        for inc, month, group, g, r, knife, c in comps:
            components.append(f"{p},{inc},{month},{group},{g},{r},{str(knife).lower()},{c}")
    fairness = ["attribute,group,n,selection_rate,fpr,fnr,four_fifths_flag"]
    fairness += [",".join(str(v) for v in row) for row in FAIRNESS]
    return Output(
        scores="\n".join(scores) + "\n",
        components="\n".join(components) + "\n",
        fairness="\n".join(fairness) + "\n",
        model_card="# Model card (test)\n",
    )


def _ensure_users():
    from svduty.web.core.options import Role
    from svduty.web.demo import _user
    from svduty.web.partnership.models import Organisation
    from svduty.web.risk.models import Panel, PanelMember

    former = _user(
        "panelformer", "Fern", "Former", Role.RISK_PANEL, Organisation.objects.get(name="Demoshire Constabulary")
    )
    panel = Panel.objects.get()
    PanelMember.objects.update_or_create(
        panel=panel,
        user=former,
        defaults={"organisation": former.profile.organisation, "agency": "police", "active": False},
    )


def govern(version, *, sign_checklist=True, dpia=True, sign_dpia=True):
    from django.utils import timezone

    from svduty.web.risk import versions as ops
    from svduty.web.risk.models import AlgoCareAnswer, Dpia
    from svduty.web.risk.options import AlgoCareHeading

    owner = version.owner
    for heading in AlgoCareHeading.values:
        AlgoCareAnswer.objects.create(
            version=version, heading=heading, answer=f"Answer {heading}", evidence="Evidence", updated_by=owner
        )
    if sign_checklist:
        ops.sign_checklist(owner, version)
    if dpia:
        Dpia.objects.create(
            version=version,
            processing="p",
            necessity="n",
            risks="r",
            measures="m",
            residual_risk="low",
            updated_by=owner,
            signed_off_by=user("dpo") if sign_dpia else None,
            signed_off_at=timezone.now() if sign_dpia else None,
        )


def risk_world():
    """in_use: governed, run imported, threshold adopted (with a justification: one breach), approved.
    ready: checklist complete but unsigned, DPIA unsigned, a run not adopted. bare: nothing."""
    from svduty.web.risk import imports
    from svduty.web.risk import versions as ops
    from svduty.web.risk.models import Challenge
    from svduty.web.risk.options import RunSource

    _ensure_users()
    officer, analyst = user("officer"), user("analyst")
    in_use = ops.create_version(analyst, sourced_definition(), owner=officer)
    govern(in_use)
    run = imports.import_run(cli_output(in_use), in_use, user=analyst, source=RunSource.UPLOAD)
    ops.adopt_threshold(officer, in_use, run, acknowledged=True, justification="x" * 45)
    ops.approve(officer, in_use)
    ready = ops.create_version(analyst, sourced_definition(threshold=300.0), owner=officer, parent=in_use)
    govern(ready, sign_checklist=False, sign_dpia=False)
    ready_run = imports.import_run(cli_output(ready), ready, user=analyst, source=RunSource.UPLOAD)
    bare = ops.create_version(analyst, sourced_definition(threshold=200.0), owner=officer)
    scores = {s.person: s for s in run.scores.all()}
    challenge = Challenge.objects.create(
        score=scores["P-HIGH"],
        raised_by="person",
        raised_on=date(2026, 11, 20),
        what="INC-2 was not me",
        recorded_by=user("panelpolice"),
        score_before=scores["P-HIGH"].score,
    )
    return {
        "in_use": in_use,
        "run": run,
        "ready": ready,
        "ready_run": ready_run,
        "bare": bare,
        "high": scores["P-HIGH"],
        "edge": scores["P-EDGE"],
        "low": scores["P-LOW"],
        "challenge": challenge,
    }


def risk_matrix(r):
    """(url name, url, roles allowed to GET it) for every risk URL; role keys of conftest.USERS, REFERRAL_USERS and
    RISK_USERS."""
    n_use, n_ready, n_bare = r["in_use"].number, r["ready"].number, r["bare"].number
    agg = SIGNED_IN_AGGREGATES
    return [
        ("risk:index", u("risk:index"), agg),
        ("risk:version", u("risk:version", args=[n_use]), agg),
        ("risk:version_new", u("risk:version_new", args=[n_use]), EDITORS),
        ("risk:algocare", u("risk:algocare", args=[n_ready]), agg),
        ("risk:algocare_edit", u("risk:algocare_edit", args=[n_ready, "lawful"]), EDITORS),
        # signed off: fixed
        ("risk:algocare_edit", u("risk:algocare_edit", args=[n_use, "lawful"]), set()),
        # the named owner (the officer) signs a complete checklist; not an incomplete one
        ("risk:algocare_sign", u("risk:algocare_sign", args=[n_ready]), {"officer"}),
        ("risk:algocare_sign", u("risk:algocare_sign", args=[n_bare]), set()),
        ("risk:dpia", u("risk:dpia", args=[n_use]), agg),
        ("risk:dpia_edit", u("risk:dpia_edit", args=[n_bare]), {"admin", "officer", "dpo"}),
        ("risk:dpia_edit", u("risk:dpia_edit", args=[n_use]), set()),
        ("risk:dpia_sign", u("risk:dpia_sign", args=[n_ready]), {"dpo"}),
        ("risk:dpia_sign", u("risk:dpia_sign", args=[n_use]), set()),
        ("risk:atrs", u("risk:atrs", args=[n_use]), agg),
        ("risk:atrs_edit", u("risk:atrs_edit", args=[n_use]), EDITORS),
        ("risk:atrs_csv", u("risk:atrs_csv", args=[n_use]), agg),
        ("risk:atrs_json", u("risk:atrs_json", args=[n_use]), agg),
        ("risk:approve", u("risk:approve", args=[n_ready]), {"officer"}),
        ("risk:approve", u("risk:approve", args=[n_use]), set()),
        ("risk:run_upload", u("risk:run_upload", args=[n_bare]), {"admin", "analyst"}),
        ("risk:run", u("risk:run", args=[r["run"].pk]), agg),
        ("risk:adopt", u("risk:adopt", args=[r["ready_run"].pk]), {"officer"}),
        ("risk:adopt", u("risk:adopt", args=[r["run"].pk]), set()),
        ("risk:panel", u("risk:panel"), PANEL),
        ("risk:case", u("risk:case", args=[r["high"].pk]), PANEL),
        # below the threshold and never decided on: not on any list
        ("risk:case", u("risk:case", args=[r["low"].pk]), set()),
        ("risk:decide", u("risk:decide", args=[r["edge"].pk]), PANEL),
        ("risk:decide", u("risk:decide", args=[r["low"].pk]), set()),
        ("risk:challenge", u("risk:challenge", args=[r["high"].pk]), PANEL),
        ("risk:resolve", u("risk:resolve", args=[r["challenge"].pk]), PANEL),
        ("risk:access_log", u("risk:access_log"), {"admin", "dpo"}),
        *risk_public_matrix(),
    ]


def risk_public_matrix(everyone="ALL"):
    """The public record: ATRS Tier 1 of versions in use; everyone (test_permission_matrix passes its ALL)."""
    from svduty.web.risk.models import IndexVersion

    version = IndexVersion.objects.filter(status="approved").first()
    rows = [("risk_public:records", u("risk_public:records"), everyone)]
    if version is not None:
        rows.append(("risk_public:record", u("risk_public:record", args=[version.number]), everyone))
    return rows


POST_ONLY = ["risk:run_workspace"]  # tested in test_risk.test_score_the_workspace_is_post_only_for_importers
