"""Choices for the partnership app: who the Serious Violence Duty names (Police, Crime, Sentencing and Courts Act
2022, Part 2 ch. 1; Home Office statutory guidance, 2022) and who else takes part."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    POLICE = "police", "Specified authority: police"
    COUNCIL = "council", "Specified authority: local authority"
    HEALTH = "health", "Specified authority: health / integrated care board"
    FIRE = "fire", "Specified authority: fire and rescue"
    PROBATION = "probation", "Specified authority: probation"
    YOUTH_JUSTICE = "youth_justice", "Specified authority: youth justice"
    EDUCATION = "education", "Relevant authority: education"
    PRISONS = "prisons", "Relevant authority: prisons / youth custody"
    PCC = "pcc", "Police and Crime Commissioner (lead convenor)"
    PROVIDER = "provider", "Provider"
    VOLUNTARY = "voluntary", "Voluntary / community organisation"


SPECIFIED = {"police", "council", "health", "fire", "probation", "youth_justice"}
RELEVANT = {"education", "prisons"}


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CARRIED = "carried", _("Carried forward")
    DROPPED = "dropped", _("Dropped")


# Statuses that still need the board's attention (an open action in the board pack).
ACTION_LIVE = {"open", "in_progress"}
