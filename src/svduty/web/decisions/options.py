"""Decision-record states and outcomes. The transitions between states are declared in ``svduty.web.workflows``."""

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    OFFICER_APPROVED = "officer_approved", "Officer approved"
    DECIDED = "decided", "Decided"
    PUBLISHED = "published", "Published"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    NOT_APPROVED = "not_approved", "Not approved"
