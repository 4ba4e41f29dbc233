"""Glossary: the terms a board member meets in this report, in plain words."""

from __future__ import annotations

from svduty.report.sna.common import ReportInput, Section

TERMS: tuple[tuple[str, str], ...] = (
    ("95% interval", "The range within which the true rate probably lies, given chance variation in small counts."),
    ("Annualised", "A figure for a period shorter than a year scaled to 12 months; marked wherever it is shown."),
    (
        "Community Safety Partnership (CSP)",
        "The statutory partnership of a local authority area (council, police, fire, probation, health).",
    ),
    (
        "Concentration index",
        "How unevenly violence falls across people ranked from most to least deprived: from −1 (all in the most "
        "deprived) through 0 (no gradient) to +1 (all in the least deprived).",
    ),
    ("Decile", "One tenth of all neighbourhoods of England (or of Wales), ranked by deprivation; 1 = most deprived."),
    (
        "Gini coefficient",
        "How unevenly crime is spread over places: 0 = the same in every place, 1 = all in one place.",
    ),
    (
        "Index of Multiple Deprivation (IMD)",
        "The official measure of relative deprivation of small areas, combining income, employment, education, "
        "health, crime, housing and living environment. England and Wales publish their own.",
    ),
    ("Kernel density", "A smoothed map of how many crimes happen near each point, per square kilometre."),
    (
        "Lorenz curve",
        "A line showing what share of violence the busiest places hold; the further it bows above the diagonal, the "
        "more concentrated the violence.",
    ),
    (
        "LSOA",
        "Lower layer Super Output Area: a neighbourhood of about 1,500 residents, the smallest area with published "
        "population and deprivation figures. Boundaries were redrawn in 2021; both versions appear in police data.",
    ),
    ("Police force area (PFA)", "The local authorities a police force covers; this report's area by default."),
    ("Rate per 1,000 residents", "Crimes divided by the people living in the area, times 1,000."),
    (
        "Serious violence (police.uk proxy)",
        "The police.uk categories Violence and sexual offences, Robbery and Possession of weapons. Broader than the "
        "Home Office definition: compare trends and places, not levels.",
    ),
    (
        "Slope index of inequality (SII)",
        "The difference in rate between the most and the least deprived ends of the area, from a line fitted across "
        "all deciles.",
    ),
    ("Synthetic data", "Generated records used to preview sections whose real data are not loaded; never facts."),
)


def build(r: ReportInput) -> Section:
    return Section(id="glossary", title="Glossary", ctx={"terms": TERMS})
