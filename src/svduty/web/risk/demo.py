"""The demo's risk index (labelled DEMO, scores SYNTHETIC): the bundled default definition narrowed to its sourced
gravity weights (``demo_definition``) with its named owner, a filled and signed ALGO-CARE checklist, a DPIA signed
by the DPO, the ATRS record generated from the definition, the multi-agency panel (police, youth justice, children's
services) and — when the run's fixture is there — a scoring run of the seeded synthetic data written by ``svduty
risk score`` (``tools/risk_demo_fixture.py``), its threshold adopted after the fairness table, and the version
approved for use, so the panel list is filled.

The governance text below describes this demo's set-up; it is not a real partnership's assessment. Scores come only
from the fixture (``fixtures/demo_run/``, the CLI's own output on the synthetic layer): none is made up here.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from svduty.web.core.options import Role
from svduty.web.partnership.models import Organisation

from . import imports
from . import versions as ops
from .demo_definition import demo_definition
from .models import AlgoCareAnswer, Dpia, IndexVersion, Panel, PanelMember
from .options import Agency, AlgoCareHeading, RunSource
from .views import generated_atrs

RUN_FIXTURE = Path(__file__).with_name("fixtures") / "demo_run"

ALGO_CARE = {
    AlgoCareHeading.ADVISORY: (
        "The index only lists people for the multi-agency panel. The panel reviews each case and records its own "
        "decision with reasons; the service has no automatic action on a score.",
        "Panel terms of reference (DEMO); the service's panel pages record every decision with attendees.",
    ),
    AlgoCareHeading.LAWFUL: (
        "Serious Violence Duty (PCSC Act 2022 s.16) and the partners' data-sharing agreement; processing of "
        "pseudonymised police records under DPA 2018 Part 3 for the prevention of crime.",
        "Data-sharing agreement DSA-DEMO-001 in the register; DPIA for this version.",
    ),
    AlgoCareHeading.GRANULAR: (
        "The score breaks down into each counted record (offence group, month, gravity, recency, knife flag), so "
        "the panel sees what lies behind it; missing or wrong records can be challenged.",
        "The case page's component table; components.csv of each run.",
    ),
    AlgoCareHeading.OWNED: (
        "Owned by the Violence Reduction Unit; the named owner signs off this checklist and adopts the threshold.",
        "Version page: named owner; the definition's owner field.",
    ),
    AlgoCareHeading.CHALLENGEABLE: (
        "A person, their family or a practitioner can challenge the data; the panel records the challenge, the "
        "outcome, any correction and its effect on the score.",
        "Challenge records on each case page.",
    ),
    AlgoCareHeading.ACCURATE: (
        "Validated on a held-out later period of the synthetic data (AUC with interval, precision and recall at "
        "the threshold, calibration); to be repeated on real data before any live use.",
        "The run's validation files and model card.",
    ),
    AlgoCareHeading.RESPONSIBLE: (
        "Selection rates and error rates by age band, sex and ethnicity are reviewed before the threshold is "
        "adopted; four-fifths breaches need a written justification.",
        "The run's fairness table; the threshold adoption record.",
    ),
    AlgoCareHeading.EXPLAINABLE: (
        "The method and the weights are published in the definition; the ATRS record is on the public record.",
        "Public page /public/risk/; the definition JSON on the version page.",
    ),
}

DPIA = {
    "processing": "Pseudonymised police records of involvements (DEMO, synthetic), scored to list people for a "
    "multi-agency panel to consider offering support.",
    "necessity": "Prevention of serious violence under the Serious Violence Duty; pseudonyms only; scores kept "
    "with their version; only named panel members see a person's score.",
    "risks": "Unequal selection between groups; errors in the records; stigma from being listed; function creep.",
    "measures": "Fairness review before adoption; challenge and correction route; advisory only; access log of "
    "every view; no automatic action.",
    "consultation": "DEMO: partnership board, youth justice service, children's services.",
    "residual_risk": "DEMO: low with the measures above; no prior consultation with the ICO needed.",
    "dpo_advice": "DEMO: proceed with the measures above; review at each new version.",
}

PANEL = [
    ("panelpolice", "Priya", "Police-Member", "Demoshire Constabulary", Agency.POLICE),
    ("panelyjs", "Yan", "Youth-Justice", "Demoshire Youth Justice Service", Agency.YOUTH_JUSTICE),
    ("panelcs", "Cara", "Childrens-Services", "Demoshire County Council", Agency.CHILDRENS_SERVICES),
]


def _panel():
    from svduty.web.demo import _user

    panel, _created = Panel.objects.get_or_create(name="Demoshire multi-agency knife-carrying panel (DEMO)")
    for username, first, last, org_name, agency in PANEL:
        organisation = Organisation.objects.get(name=org_name)
        user = _user(username, first, last, Role.RISK_PANEL, organisation)
        PanelMember.objects.get_or_create(
            panel=panel, user=user, defaults={"organisation": organisation, "agency": agency}
        )
    return panel


def load() -> IndexVersion | None:
    """Once: returns None if the demo's version is already there."""
    if IndexVersion.objects.filter(is_demo=True).exists():
        return None
    users = get_user_model().objects
    owner, dpo, analyst = users.get(username="officer"), users.get(username="dpo"), users.get(username="analyst")
    version = ops.create_version(
        analyst,
        demo_definition(),
        owner=owner,
        change_note="DEMO: the bundled default, counting only possession of weapons and homicide",
        is_demo=True,
    )
    for heading, (answer, evidence) in ALGO_CARE.items():
        AlgoCareAnswer.objects.create(
            version=version, heading=heading, answer=answer, evidence=evidence, updated_by=owner
        )
    ops.sign_checklist(owner, version)
    Dpia.objects.create(version=version, updated_by=owner, signed_off_by=dpo, signed_off_at=timezone.now(), **DPIA)
    from .models import AtrsRecord

    AtrsRecord.objects.create(version=version, fields=generated_atrs(version), updated_by=owner)
    _panel()
    if (RUN_FIXTURE / "scores.csv").exists():
        run = imports.import_run(
            imports.read_directory(RUN_FIXTURE),
            version,
            user=analyst,
            source=RunSource.COMMAND,
            run_label="DEMO: svduty risk score on the seeded synthetic layer",
        )
        breaches = ops.breaches(run.fairness)
        ops.adopt_threshold(
            owner,
            version,
            run,
            acknowledged=True,
            justification=(
                "DEMO: adopted on synthetic data to show the panel journey; on real data a breach would be "
                "investigated and the threshold or the definition revisited before use."
            )
            if breaches
            else "",
        )
        if ops.is_ready(version):
            ops.approve(owner, version)
    return version
