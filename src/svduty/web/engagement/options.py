"""Choices for consultations and partner networks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    YOUNG_PEOPLE = "young_people", _("Young people")
    COMMUNITY = "community", _("Residents and communities")
    PARENTS = "parents", _("Parents and carers")
    PARTNERS = "partners", _("Partner organisations")
    PRACTITIONERS = "practitioners", _("Practitioners")


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("One choice from a list")
    SCALE = "scale", _("Scale 1 to 5")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online survey")
    PAPER = "paper", _("Paper form")
    WORKSHOP = "workshop", _("Workshop or focus group")
    OUTREACH = "outreach", _("Street or detached outreach")


# Age bands only, never a date of birth: enough to read the young people's answers apart (the Duty's under-25s).
class AgeBand(models.TextChoices):
    UNDER_12 = "under_12", _("Under 12")
    A12_15 = "12-15", _("12 to 15")
    A16_17 = "16-17", _("16 to 17")
    A18_24 = "18-24", _("18 to 24")
    A25_PLUS = "25+", _("25 and over")
    UNKNOWN = "", _("Not given")


class NetworkKind(models.TextChoices):
    FAITH = "faith", _("Faith network")
    COMMUNITY = "community", _("Community network")
    VOLUNTARY = "voluntary", _("Voluntary sector network")
    YOUTH = "youth", _("Youth network")


class MemberKind(models.TextChoices):
    FAITH = "faith", _("Faith organisation")
    COMMUNITY = "community", _("Community group")
    VOLUNTARY = "voluntary", _("Voluntary organisation")
    YOUTH = "youth", _("Youth organisation")
    STATUTORY = "statutory", _("Statutory partner")


# Retention of free-text answers (they can hold what a young person wrote about themselves or others): erased this
# many months after the consultation closes unless the consultation sets its own period; theme codes, counts, age
# bands and areas stay for the published summary.
DEFAULT_RETENTION_MONTHS = 12
