"""The demo's index definition: the bundled default narrowed to its knife-carrying core, possession of weapons and
homicide (weapons' figure is still only read second-hand and the violence groups are unsourced, which blocks a real
approval; the demo shows the journey on synthetic data), with a named owner. Shared by ``demo.py`` and
``tools/risk_demo_fixture.py``, which wrote ``fixtures/demo_run``."""

from __future__ import annotations

from svduty.analysis.risk import IndexDefinition, default_definition

OWNER = "Partnership / VRU officer, Demoshire Violence Reduction Unit (DEMO)"
GROUPS = ("Possession of weapons", "Homicide")


def demo_definition() -> dict:
    d = default_definition().to_dict()
    parsed = IndexDefinition.from_dict(d)
    usable = {
        g.offence_group
        for g in parsed.gravity
        if g.offence_group in GROUPS and g.has_figure and not g.superseded and g.offence_code is None
    }
    sourced = [g for g in d["gravity"] if g["offence_group"] in usable]
    groups = [g["offence_group"] for g in sourced if "offence_code" not in g]
    d.update(
        name="Demoshire knife-carrying index (DEMO: weapons and homicide weights only)",
        owner=OWNER,
        offence_groups=[g for g in d["offence_groups"] if g in groups],
        gravity=[g for g in sourced if g["offence_group"] in groups],
    )
    return d
