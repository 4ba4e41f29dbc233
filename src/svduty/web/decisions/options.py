"""Decision-record states and outcomes. The transitions between states are declared in ``svduty.web.workflows``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting officer approval")
    OFFICER_APPROVED = "officer_approved", _("Officer approved")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")
