"""Choices for the risk index: version status, the ALGO-CARE headings, panel agencies and decisions, challenges and
the access log's actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: not for use")
    APPROVED = "approved", _("Approved for use")
    RETIRED = "retired", _("Retired")


class AlgoCareHeading(models.TextChoices):
    """The eight ALGO-CARE headings (Oswald, Grace, Urwin and Barnes 2018, built around Durham's HART)."""

    ADVISORY = "advisory", _("Advisory")
    LAWFUL = "lawful", _("Lawful")
    GRANULAR = "granular", _("Granular")
    OWNED = "owned", _("Owned")
    CHALLENGEABLE = "challengeable", _("Challengeable")
    ACCURATE = "accurate", _("Accurate")
    RESPONSIBLE = "responsible", _("Responsible")
    EXPLAINABLE = "explainable", _("Explainable")


ALGO_CARE_QUESTIONS = {
    AlgoCareHeading.ADVISORY: _(
        "Is the output advisory only? Does a human officer keep the discretion to decide, and is that real in practice?"
    ),
    AlgoCareHeading.LAWFUL: _(
        "What is the policing or statutory purpose and the lawful basis? Is the use necessary and proportionate, "
        "and is the data processed lawfully (UK GDPR, DPA 2018 Part 3, Human Rights Act)?"
    ),
    AlgoCareHeading.GRANULAR: _(
        "Does the index give sufficiently granular, meaningful output? How are data gaps, uncertainty and the "
        "limits of the categories handled?"
    ),
    AlgoCareHeading.OWNED: _(
        "Who owns the index, its definition and the data? Who maintains it and is accountable for its use?"
    ),
    AlgoCareHeading.CHALLENGEABLE: _(
        "How can a person or a practitioner challenge a score or the data behind it? Is there a regular review "
        "and oversight of its use?"
    ),
    AlgoCareHeading.ACCURATE: _(
        "How accurate is the index on later data (validation, calibration)? How is accuracy monitored and how "
        "are errors, including unequal error rates between groups, handled?"
    ),
    AlgoCareHeading.RESPONSIBLE: _(
        "Is the use fair and ethical? Has bias been assessed (selection rates, error rates by group), and is it "
        "in the public interest?"
    ),
    AlgoCareHeading.EXPLAINABLE: _(
        "Can each score be explained to the panel and to the person (which records, which weights)? Is the "
        "method published?"
    ),
}


class Agency(models.TextChoices):
    """The agencies on the multi-agency panel."""

    POLICE = "police", _("Police")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice")
    CHILDRENS_SERVICES = "childrens_services", _("Children's services")


class PanelOutcome(models.TextChoices):
    SUPPORT = "support_offered", _("Support offered")
    NO_ACTION = "no_action", _("No action")
    REFER_ELSEWHERE = "refer_elsewhere", _("Refer elsewhere")


class RunSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded CLI output")
    COMMAND = "command", _("Imported by the management command")
    WORKSPACE = "workspace", _("Scored on the workspace")


class ChallengeRaisedBy(models.TextChoices):
    PERSON = "person", _("The person")
    PARENT = "parent_carer", _("A parent or carer")
    ADVOCATE = "advocate", _("An advocate or solicitor")
    PRACTITIONER = "practitioner", _("A practitioner")
    PANEL = "panel_member", _("A panel member")


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: data corrected")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class AccessAction(models.TextChoices):
    LIST = "list", _("Viewed the panel list (scores)")
    CASE = "case", _("Viewed a person's score and explanation")
    API_LIST = "api_list", _("Read the panel list through the API")
    API_CASE = "api_case", _("Read a person's score through the API")
    DECISION = "decision", _("Recorded a panel decision")
    CHALLENGE = "challenge", _("Recorded or resolved a challenge")
