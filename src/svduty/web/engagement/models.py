"""Community and young people's engagement: consultations (questions, responses without names, staff-coded
themes, findings and a "we asked, you said, we did" summary that can be published) and the partner network of
community, faith and voluntary organisations the partnership works through."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.partnership.models import Organisation, Partnership

from .options import (
    DEFAULT_RETENTION_MONTHS,
    AgeBand,
    Audience,
    Channel,
    ConsultationStatus,
    MemberKind,
    NetworkKind,
    QuestionKind,
)


class Consultation(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="consultations")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), help_text=_("What the partnership wants to learn and why"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    we_asked = models.TextField(_("we asked"), blank=True)
    you_said = models.TextField(_("you said"), blank=True)
    we_did = models.TextField(_("we did"), blank=True)
    retention_months = models.PositiveSmallIntegerField(
        _("keep free-text answers for (months after closing)"), default=DEFAULT_RETENTION_MONTHS
    )
    answers_erased_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def summary_complete(self) -> bool:
        return bool(self.we_asked.strip() and self.you_said.strip() and self.we_did.strip())


class Question(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("type of answer"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One a line, for a choice question"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "order"], name="engagement_question_order")]

    def __str__(self) -> str:
        return f"Q{self.order}. {self.text}"

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Theme(models.Model):
    """A theme staff code answers with (e.g. "feeling unsafe in the town centre after dark")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="engagement_theme_unique")]

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    """One person's (or one group's) answers. No name, contact or date of birth is asked for: an age band and an
    area are enough for the analysis, and the free text is erased after the retention period."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    reference = models.CharField(_("reference"), max_length=40, help_text=_("The response's number in its source"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True, help_text=_("e.g. the district or ward"))
    submitted_on = models.DateField(_("submitted on"))
    imported = models.BooleanField(default=False)
    import_row = models.PositiveIntegerField(null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "submitted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "reference"], name="engagement_response_reference")
        ]

    def __str__(self) -> str:
        return self.reference


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")
    erased = models.BooleanField(default=False)

    class Meta:
        ordering = ["response", "question__order"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="engagement_one_answer")]


class Finding(models.Model):
    """What the partnership took from the consultation, in a sentence a strategy priority can cite."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="findings")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings")
    text = models.TextField(_("finding"))
    order = models.PositiveSmallIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Network(models.Model):
    """A network the partnership works through, e.g. a multi-faith alliance on violence reduction."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="networks")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=NetworkKind.choices)
    description = models.TextField(_("description"), blank=True)
    areas = models.TextField(_("areas"), blank=True, help_text=_("One area a line"))
    contact_name = models.CharField(_("contact (name or role)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinating organisation"),
    )
    priorities = models.ManyToManyField(
        "strategy.StrategyPriority",
        blank=True,
        related_name="networks",
        verbose_name=_("strategy priorities supported"),
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords(m2m_fields=[priorities])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def area_list(self) -> list[str]:
        return [a.strip() for a in self.areas.splitlines() if a.strip()]


class NetworkMember(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=MemberKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organisation record"),
        help_text=_("If the member is already one of the partnership's organisations"),
    )
    area = models.CharField(_("area"), max_length=200, blank=True)
    contact = models.CharField(_("contact (role or shared mailbox)"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "name"]

    def __str__(self) -> str:
        return self.name


class NetworkActivity(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    area = models.CharField(_("area"), max_length=200, blank=True)
    held_on = models.DateField(_("date"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("people taking part"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "-held_on", "id"]
        verbose_name_plural = "network activities"

    def __str__(self) -> str:
        return self.title


class PriorityCitation(models.Model):
    """A strategy priority citing a consultation finding as part of its evidence (the strategy app's priorities
    are not edited here: the link lives on the engagement side and is shown on both)."""

    priority = models.ForeignKey(
        "strategy.StrategyPriority", on_delete=models.CASCADE, related_name="consultation_citations"
    )
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="citations")
    note = models.CharField(_("how the finding supports the priority"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "finding__order", "id"]
        constraints = [models.UniqueConstraint(fields=["priority", "finding"], name="engagement_cite_once")]

    def __str__(self) -> str:
        return f"{self.priority} ← {self.finding}"
