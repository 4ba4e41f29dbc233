"""The Algorithmic Transparency Recording Standard (ATRS) record of an index version: the standard's attributes, a
first draft generated from the definition and the governance records, and the exports.

Field references, attribute names, names, tiers and categories are those of ATRS v3.0 (March 2024), as published by
CDDO in ``template_table.md`` of github.com/co-cddo/algorithmic-transparency-recording-standard. The model
specification (2.4.2.x) describes the index itself; a partnership edits every field before publishing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

STANDARD_VERSION = "3.0"
SOURCE = "https://github.com/co-cddo/algorithmic-transparency-recording-standard (template_table.md, v3.0)"


@dataclass(frozen=True)
class Field:
    reference: str
    attribute: str
    name: str
    tier: str  # "N/A" (metadata), "1" or "2"
    category: str
    required: bool


def _f(reference, attribute, name, tier, category, required=True) -> Field:
    return Field(reference, attribute, name, tier, category, required)


OWNER = N_("Owner and Responsibility")
RATIONALE = N_("Description and Rationale")
PROCESS = N_("Decision-making Process")
TOOL = N_("Tool Specification")
MODEL = N_("Model Specification")
DATA = N_("Data Specification")
RISKS = N_("Risks, mitigations and impact assessments")

FIELDS: tuple[Field, ...] = (
    _f("0.2", "standard_version", N_("Standard version"), "N/A", N_("Metadata")),
    _f("0.3", "organisation_type", N_("Organisation type"), "N/A", N_("Metadata")),
    _f("0.4", "function", N_("Function"), "N/A", N_("Metadata")),
    _f("0.5", "capability", N_("Capability"), "N/A", N_("Metadata")),
    _f("0.6", "task", N_("Task"), "N/A", N_("Metadata")),
    _f("0.7", "tags", N_("Tags"), "N/A", N_("Metadata")),
    _f("0.8", "date_of_completion", N_("Date of completion"), "N/A", N_("Metadata")),
    _f("0.9", "date_updated", N_("Date updated"), "N/A", N_("Metadata")),
    _f("0.11", "title", N_("Title"), "N/A", N_("Title Information")),
    _f("0.12", "organisation_name", N_("Organisation name"), "N/A", N_("Title Information")),
    _f("0.13", "phase", N_("Phase"), "N/A", N_("Title Information")),
    _f("0.14", "region", N_("Region"), "N/A", N_("Title Information")),
    _f("0.15", "one_sentence_description", N_("One sentence description"), "N/A", N_("Title Information")),
    _f("1.1", "name", N_("Name"), "1", N_("Tier 1 Information")),
    _f("1.2", "description", N_("Description"), "1", N_("Tier 1 Information")),
    _f("1.3", "website_url", N_("Website URL"), "1", N_("Tier 1 Information")),
    _f("1.4", "contact_email", N_("Contact email"), "1", N_("Tier 1 Information")),
    _f("2.1.1", "organisation_or_department", N_("Organisation or department"), "2", OWNER),
    _f("2.1.2", "team", N_("Team"), "2", OWNER),
    _f("2.1.3", "senior_responsible_owner", N_("Senior responsible owner"), "2", OWNER),
    _f("2.1.4", "external_supplier_involvement", N_("External supplier involvement"), "2", OWNER),
    _f("2.1.4.1", "external_supplier", N_("External supplier"), "2", OWNER, False),
    _f("2.1.4.2", "companies_house_number", N_("Companies House Number"), "2", OWNER, False),
    _f("2.1.4.3", "external_supplier_role", N_("External supplier role"), "2", OWNER, False),
    _f("2.1.4.4", "procurement_procedure_type", N_("Procurement procedure type"), "2", OWNER, False),
    _f("2.1.4.5", "data_access_terms", N_("Data access terms"), "2", OWNER, False),
    _f("2.2.1", "detailed_description", N_("Detailed description"), "2", RATIONALE, False),
    _f("2.2.2", "scope", N_("Scope"), "2", RATIONALE),
    _f("2.2.3", "benefit", N_("Benefit"), "2", RATIONALE),
    _f("2.2.4", "previous_process", N_("Previous process"), "2", RATIONALE, False),
    _f("2.2.5", "alternatives_considered", N_("Alternatives considered"), "2", RATIONALE, False),
    _f("2.3.1", "process_integration", N_("Process integration"), "2", PROCESS),
    _f("2.3.2", "provided_information", N_("Provided information"), "2", PROCESS),
    _f("2.3.3", "frequency_and_scale_of_usage", N_("Frequency and scale of usage"), "2", PROCESS),
    _f("2.3.4", "human_decisions_and_review", N_("Human decisions and review"), "2", PROCESS),
    _f("2.3.5", "required_training", N_("Required training"), "2", PROCESS),
    _f("2.3.6", "appeals_and_review", N_("Appeals and review"), "2", PROCESS, False),
    _f("2.4.1.1", "system_architecture", N_("System architecture"), "2", TOOL),
    _f("2.4.1.2", "phase", N_("Phase"), "2", TOOL),
    _f("2.4.1.3", "maintenance", N_("Maintenance"), "2", TOOL),
    _f("2.4.1.4", "models", N_("Models"), "2", TOOL),
    _f("2.4.2.1", "model_name", N_("Model name"), "2", MODEL),
    _f("2.4.2.2", "model_version", N_("Model version"), "2", MODEL),
    _f("2.4.2.3", "model_task", N_("Model task"), "2", MODEL),
    _f("2.4.2.4", "model_input", N_("Model input"), "2", MODEL),
    _f("2.4.2.5", "model_output", N_("Model output"), "2", MODEL),
    _f("2.4.2.6", "model_architecture", N_("Model architecture"), "2", MODEL),
    _f("2.4.2.7", "model_performance", N_("Model performance"), "2", MODEL),
    _f("2.4.2.8", "datasets", N_("Datasets"), "2", MODEL),
    _f("2.4.2.9", "dataset_purposes", N_("Dataset purposes"), "2", MODEL),
    _f("2.4.3.1", "source_data_name", N_("Source data name"), "2", DATA),
    _f("2.4.3.2", "data_modality", N_("Data modality"), "2", DATA),
    _f("2.4.3.3", "data_description", N_("Data description"), "2", DATA),
    _f("2.4.3.4", "data_quantities", N_("Data quantities"), "2", DATA),
    _f("2.4.3.5", "sensitive_attributes", N_("Sensitive attributes"), "2", DATA),
    _f(
        "2.4.3.6", "data_completeness_and_representativeness", N_("Data completeness and representativeness"), "2", DATA
    ),
    _f("2.4.3.7", "source_data_url", N_("Source data URL"), "2", DATA),
    _f("2.4.3.8", "data_collection", N_("Data collection"), "2", DATA),
    _f("2.4.3.9", "data_cleaning", N_("Data cleaning"), "2", DATA, False),
    _f("2.4.3.10", "data_sharing_agreements", N_("Data sharing agreements"), "2", DATA),
    _f("2.4.3.11", "data_access_and_storage", N_("Data access and storage"), "2", DATA),
    _f("2.5.1", "impact_assessment", N_("Impact assessment"), "2", RISKS),
    _f("2.5.2", "risks_and_mitigations", N_("Risks and mitigations"), "2", RISKS),
)
"""The standard's fields in its order. ``phase`` appears twice in the standard (0.13 and 2.4.1.2), as here; both
hold the same value, so a record keys its values by ``reference``."""

TIER1 = tuple(f for f in FIELDS if f.tier == "1")
BY_REFERENCE = {f.reference: f for f in FIELDS}


def describe_definition(definition: dict) -> str:
    """A plain listing of the definition's parameters, for the detailed description (every value shown as stored)."""
    lines = []
    for key, value in definition.items():
        if isinstance(value, dict):
            inner = "; ".join(f"{k}: {_short(v)}" for k, v in value.items())
            lines.append(f"{key}: {inner}")
        else:
            lines.append(f"{key}: {_short(value)}")
    return "\n".join(lines)


def _short(value) -> str:
    if isinstance(value, list):
        return ", ".join(_short(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {_short(v)}" for k, v in value.items())
    return str(value)


def generate(version, *, organisation: str, contact_email: str, website_url: str, owner: str) -> dict[str, str]:
    """A first draft of every field from the version's definition; the partnership then edits and publishes it."""
    d = version.definition
    threshold = version.threshold
    text = {
        "0.2": STANDARD_VERSION,
        "0.3": "Police and Crime Commissioner-led Serious Violence Duty partnership",
        "0.4": "Crime and justice; children and young people",
        "0.5": "Risk scoring to prioritise people for multi-agency review",
        "0.6": "Ranking people by a transparent points index for a human panel to review",
        "0.7": "serious violence, knife crime, early intervention, multi-agency panel",
        "0.11": version.name,
        "0.12": organisation,
        "0.13": "Pilot",
        "0.14": "England and Wales",
        "0.15": "A points index that lists young people for a multi-agency panel to consider offering support.",
        "1.1": version.name,
        "1.2": (
            "The partnership adds up points for recent police-recorded incidents involving a young person, weighted "
            "by how serious the offence is, how recent it is and whether a knife was involved. People above a set "
            "score are listed for a panel of police, youth justice and children's services, who decide together "
            "whether to offer one-to-one support. The score never triggers any action by itself."
        ),
        "1.3": website_url,
        "1.4": contact_email,
        "2.1.1": organisation,
        "2.1.2": "Violence Reduction Unit analysts and the multi-agency panel",
        "2.1.3": owner,
        "2.1.4": "No: built and run by the partnership with the open-source svduty software.",
        "2.2.1": (
            "Each counted involvement contributes gravity × recency factor (× the knife weight where a knife was "
            "recorded); a person's score is the sum of their contributions, so every score can be broken down "
            "into the incidents behind it. Definition version "
            f"{version.number} (content hash {version.content_hash[:12]}):\n{describe_definition(d)}"
        ),
        "2.2.2": (
            "For listing people for a multi-agency panel that may offer support. Not for charging, sentencing, "
            "bail, immigration, employment or any decision about a person without human review; not a prediction "
            "that a person will offend."
        ),
        "2.2.3": "A consistent, explainable way to find young people who may benefit from support early.",
        "2.3.1": (
            "The index produces a list. The panel reviews each listed person's records and decides: support offered, "
            "no action, or refer elsewhere, with reasons. Nothing happens automatically from a score."
        ),
        "2.3.2": "A score, a rank and the breakdown by incident (gravity, recency, knife flag, contribution).",
        "2.3.3": "Scored when the partnership runs the index; the panel meets on its own schedule.",
        "2.3.4": "Every listed person is reviewed by the panel, which records its decision, reasons and attendees.",
        "2.3.5": "Panel members are trained on the index's method, its limits and the fairness results.",
        "2.3.6": (
            "A person, their family or a practitioner can challenge the data behind a score; the panel records the "
            "challenge, its outcome, any correction and its effect on the score."
        ),
        "2.4.1.1": "svduty: workspace of pseudonymised records, the analysis module, and this web service.",
        "2.4.1.2": "Pilot",
        "2.4.1.3": "Each change of the definition makes a new version, re-validated and re-checked for fairness.",
        "2.4.1.4": "One rule-based points model (recency, frequency and gravity).",
        "2.4.2.1": version.name,
        "2.4.2.2": f"{version.number} ({version.content_hash[:12]})",
        "2.4.2.3": "Rank people by a weighted count of their recent recorded involvements.",
        "2.4.2.4": "Pseudonymised person × involvement × incident records (offence group, month, role, knife flag).",
        "2.4.2.5": "Score and rank per person; a flag at or above the threshold"
        + (f" ({threshold:g})." if threshold is not None else "."),
        "2.4.2.6": "Rule-based additive points index (not machine learning).",
        "2.4.3.5": "Age band, sex and ethnicity, where recorded, used only to check fairness, not in the score.",
        "2.5.1": "Data protection impact assessment (this service's DPIA record); ALGO-CARE checklist.",
    }
    return {f.reference: text.get(f.reference, "") for f in FIELDS}


def record_rows(values: dict[str, str], fields=FIELDS) -> list[dict[str, str]]:
    return [
        {
            "reference": f.reference,
            "attribute": f.attribute,
            "name": f.name,
            "label": gettext(f.name),
            "tier": f.tier,
            "category": f.category,
            "category_label": gettext(f.category),
            "value": values.get(f.reference, ""),
        }
        for f in fields
    ]


def to_csv(values: dict[str, str], fields=FIELDS) -> str:
    """The record in the standard's table layout: one row per attribute, with the value."""
    from svduty.web.core.exports import csv_text

    keys = ["reference", "attribute", "name", "tier", "category", "value"]
    header = ["reference number", *keys[1:]]
    return csv_text(header, ([row[k] for k in keys] for row in record_rows(values, fields)))


def to_json(values: dict[str, str], fields=FIELDS) -> str:
    """The record keyed by the standard's attribute names, grouped by category (``phase`` in both places)."""
    grouped: dict[str, dict[str, str]] = {}
    for f in fields:
        grouped.setdefault(f.category, {})[f.attribute] = values.get(f.reference, "")
    return json.dumps({"standard_version": STANDARD_VERSION, "source": SOURCE, **grouped}, indent=2, ensure_ascii=False)
