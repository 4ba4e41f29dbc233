"""The demo's index definition: the bundled default narrowed to the offence groups whose gravity weight is sourced
(the default's other weights are pending or cite a superseded guideline, which blocks approval), with a named
owner. Shared by ``demo.py`` and ``tools/risk_demo_fixture.py``, which wrote ``fixtures/demo_run``."""

from __future__ import annotations

from svduty.analysis.risk import IndexDefinition, default_definition

OWNER = "Partnership / VRU officer, Demoshire Violence Reduction Unit (DEMO)"


def demo_definition() -> dict:
    d = default_definition().to_dict()
    parsed = IndexDefinition.from_dict(d)
    usable = {g.offence_group for g in parsed.gravity if g.sourced and not g.superseded and g.offence_code is None}
    sourced = [g for g in d["gravity"] if g["offence_group"] in usable]
    groups = [g["offence_group"] for g in sourced if "offence_code" not in g]
    d.update(
        name="Demoshire knife-carrying index (DEMO: sourced weights only)",
        owner=OWNER,
        offence_groups=[g for g in d["offence_groups"] if g in groups],
        gravity=[g for g in sourced if g["offence_group"] in groups],
    )
    return d
