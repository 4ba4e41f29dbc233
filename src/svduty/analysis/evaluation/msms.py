"""Strength of evidence on the Maryland Scientific Methods Scale (Sherman et al. 1997, *Preventing Crime*; Farrington
et al. 2002), with the reason for the level, so a board reads how far the design can carry a causal claim.

Levels: 1 correlation or before/after without controls; 2 before/after with controls (or cross-section with a
comparison); 3 before/after with a comparison group (difference-in-differences); 4 comparison that controls for
unobserved differences, e.g. a natural experiment with a comparison group or a well-fitted synthetic control;
5 random assignment. A design's level is lowered when its own checks fail (pre-trends, a loose pre-period fit, a
placebo that finds an effect), as the What Works Centres do when they score studies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NAMES = {
    1: "Level 1: correlation or before/after without controls",
    2: "Level 2: before/after without a comparable comparison group",
    3: "Level 3: before/after with a comparison group",
    4: "Level 4: comparison group and controls for unobserved differences",
    5: "Level 5: random assignment",
}


@dataclass
class Rating:
    level: int
    reason: str
    caveats: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return NAMES[self.level]

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "name": self.name, "reason": self.reason, "caveats": self.caveats}


def rate_its(*, n_pre: int, placebo_passed: bool | None, natural_experiment: bool) -> Rating:
    caveats = []
    if natural_experiment:
        caveats.append(
            "The timing was set from outside (a natural experiment), which rules out the intervention being timed to "
            "a peak; it does not supply the comparison group that level 3 or 4 needs."
        )
    if n_pre < 12:
        return Rating(
            1,
            f"Interrupted time series with only {n_pre} pre-periods: trend and seasonality cannot be "
            "separated from the change, so it is little more than a before/after comparison.",
            caveats,
        )
    if placebo_passed is False:
        return Rating(
            1,
            "Interrupted time series whose placebo interruption in the pre-period also shows a change: "
            "the trend control does not hold.",
            caveats,
        )
    return Rating(
        2,
        "Interrupted time series: before/after with controls for the pre-existing trend and seasonality, "
        "but no untreated comparison group, so anything else that changed at the same time (here or "
        "nationally) is mixed into the estimate.",
        caveats,
    )


def rate_did(
    *, pretrend_p: float | None, n_treated: int, n_control: int, natural_experiment: bool, staggered: bool
) -> Rating:
    caveats = []
    if n_treated + n_control < 30:
        caveats.append(f"{n_treated + n_control} units in all: few clusters make the interval approximate.")
    if pretrend_p is None:
        return Rating(
            2,
            "Difference-in-differences without pre-periods to test parallel trends: a comparison "
            "group, but its credibility cannot be checked.",
            caveats,
        )
    if pretrend_p < 0.05:
        return Rating(
            2,
            f"Difference-in-differences whose pre-trend test fails (p = {pretrend_p:.3f}): treated and "
            "comparison units were already diverging, so the comparison group does not stand in for the "
            "counterfactual.",
            caveats,
        )
    what = "staggered adoption, Callaway–Sant'Anna" if staggered else "two-way fixed effects"
    if natural_experiment:
        return Rating(
            4,
            f"Difference-in-differences ({what}) on a natural experiment: exposure set from outside, a "
            f"comparison group, and no detectable pre-trend (p = {pretrend_p:.2f}).",
            caveats,
        )
    return Rating(
        3,
        f"Difference-in-differences ({what}): before/after with a comparison group and no detectable "
        f"pre-trend (p = {pretrend_p:.2f}); units chose or were chosen for the intervention, so unobserved "
        "differences that change over time remain possible.",
        caveats,
    )


def rate_synth(*, pre_fit_good: bool, placebo_time_ok: bool | None, donors: int, natural_experiment: bool) -> Rating:
    caveats = []
    if donors < 19:
        caveats.append(f"{donors} donors: the placebo test cannot reach p < 0.05.")
    if not pre_fit_good:
        return Rating(
            2,
            "Synthetic control whose pre-period fit is loose: the weighted donors do not reproduce the "
            "treated unit, so the comparison is weak.",
            caveats,
        )
    if placebo_time_ok is False:
        return Rating(
            2,
            "Synthetic control whose placebo date in the pre-period shows a gap as large as after the "
            "intervention: the fit does not hold out of sample.",
            caveats,
        )
    if natural_experiment:
        return Rating(
            4,
            "Synthetic control on a natural experiment: a weighted comparison matched on the whole "
            "pre-period (which balances unobserved factors that drive the outcome) and exposure set from "
            "outside.",
            caveats,
        )
    return Rating(
        3,
        "Synthetic control: a comparison group built to match the treated unit over the pre-period, "
        "before/after; the choice of treated unit was not random.",
        caveats,
    )
