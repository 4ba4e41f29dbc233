"""Commissioning: rounds, expressions of interest (EOIs), panels, conflict declarations, scoring, moderation, awards.

Modelled on Hypha's funds/review/determinations apps, plus what the Duty needs: priorities from the strategy,
prevention level, budgets per financial year.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.core.dbguards import AppendOnlyError, refuse_delete
from svduty.web.core.money import format_pence
from svduty.web.funding.models import FundingStream
from svduty.web.partnership.models import Organisation, Partnership, Priority

from .options import ApplicationStatus, MessageKind, Outcome, PreventionLevel, QuestionKind, Recommendation


class PrivateStorage(FileSystemStorage):
    """Files with no public URL: ``url()`` refuses, so a template can never link straight to an upload."""

    def url(self, name):
        raise ValueError("Private files have no public URL; use commissioning:document_download")


def private_storage():
    """Uploads go to PRIVATE_MEDIA_ROOT, which no URL maps to (served only by a permission-checked view)."""
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)


class Round(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rounds")
    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, help_text=_("The strategy priorities this round targets"))
    eligible_areas = models.TextField(help_text=_("One area a line, e.g. a district or community safety partnership"))
    financial_years = models.CharField(max_length=60, help_text=_("Comma-separated, e.g. 2024-25, 2025-26"))
    opens_on = models.DateField()
    closes_on = models.DateField()
    max_award_pence = models.BigIntegerField("maximum award (pence)")
    available_budget_pence = models.BigIntegerField(_("budget available for this round (pence)"), null=True, blank=True)
    reviews_required = models.PositiveSmallIntegerField(
        _("reviews needed before a decision"), default=2, validators=[MinValueValidator(1)]
    )
    review_deadline = models.DateField(_("assessors' deadline"), null=True, blank=True)
    launch_record = models.ForeignKey(
        "decisions.DecisionRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="launched_rounds",
        verbose_name=_("launch decision record"),
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def area_list(self) -> list[str]:
        return [a.strip() for a in self.eligible_areas.splitlines() if a.strip()]

    @property
    def year_list(self) -> list[str]:
        return [y.strip() for y in self.financial_years.split(",") if y.strip()]

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    @property
    def max_award_display(self) -> str:
        return format_pence(self.max_award_pence, whole=True)

    def launch_warning(self) -> str:
        """Why opening (or having opened) this round is premature: its launch decision is not yet approved by the
        PCC. Empty when the launch record is approved."""
        record = self.launch_record
        if record is None:
            return str(_("No launch decision record is linked to this round."))
        if record.decision == "approved":
            return ""
        return str(
            _("Its launch decision record %(ref)s is %(state)s, not yet approved by the PCC.")
            % {"ref": record.reference, "state": record.get_state_display().lower()}
        )


class Question(models.Model):
    """A round-specific question staff add to the EOI form (the question set)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("type of answer"), max_length=10, choices=QuestionKind.choices, default="text")
    choices = models.TextField(_("options"), blank=True, help_text=_("For a choice question: one option a line"))
    word_limit = models.PositiveSmallIntegerField(_("word limit"), null=True, blank=True)
    required = models.BooleanField(_("an answer is needed to submit"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class Application(models.Model):
    """An expression of interest from a provider organisation."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)
    title = models.CharField("intervention", max_length=200)
    summary = models.TextField(blank=True)
    target_cohort = models.CharField(max_length=200, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    age_max = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    area = models.CharField(max_length=200, blank=True)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True)
    prevention_level = models.CharField(max_length=12, choices=PreventionLevel.choices, blank=True)
    outcomes = models.TextField(blank=True)
    safeguarding = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    declaration_name = models.CharField(_("name of the person declaring"), max_length=200, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"EOI-{self.round_id}-{self.pk:04d}"

    @property
    def requested_pence(self) -> int:
        return sum(b.amount_pence for b in self.budget_lines.all())

    @property
    def requested_display(self) -> str:
        return format_pence(self.requested_pence, whole=True)

    @property
    def awarded_pence(self) -> int | None:
        """The amount awarded, once an award is made and not turned down by the PCC."""
        award = getattr(self, "award", None) if self.status in ("awarded", "funded") else None
        return award.amount_pence if award else None


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    financial_year = models.CharField(max_length=7)
    amount_pence = models.BigIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["financial_year"]
        constraints = [models.UniqueConstraint(fields=["application", "financial_year"], name="one_line_per_year")]


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="one_answer_per_question")]


class Document(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )  # set when the upload answers a file question
    file = models.FileField(storage=private_storage, upload_to="eoi/%Y/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Panel(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="panel")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panels", blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    max_score = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.name} (weight {self.weight})"


class Declaration(models.Model):
    """An assessor's declaration of interests for one application, made before seeing it; never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="declarations")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "assessor"], name="one_declaration")]


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    comment = models.TextField(blank=True)
    recommendation = models.CharField(max_length=5, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "assessor"], name="one_review")]

    def weighted_percent(self, criteria=None) -> Decimal:
        """Σ weightᵢ·scoreᵢ/maxᵢ ÷ Σ weightᵢ × 100, over the round's criteria (unscored counts as 0). A caller
        ranking many reviews of one round passes its criteria once instead of a query per review."""
        criteria = list(self.application.round.criteria.all()) if criteria is None else criteria
        return weighted_percent_of({s.criterion_id: s.score for s in self.scores.all()}, criteria)


def weighted_percent_of(scores: dict[int, int], criteria) -> Decimal:
    """``Review.weighted_percent`` from criterion id → score (the ranking reads scores as plain rows)."""
    total_weight = sum(c.weight for c in criteria)
    if not total_weight:
        return Decimal(0)
    value = sum(Decimal(c.weight) * Decimal(scores.get(c.id, 0)) / Decimal(c.max_score) for c in criteria)
    return (value * 100 / total_weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")]


class Moderation(models.Model):
    """A moderated score with its reason; the latest one stands, earlier ones stay as history."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moderations")
    score_percent = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    reason = models.TextField()
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moderated_at", "-id"]


class ModerationReopening(models.Model):
    """The officer re-opens moderation so assessors may change their scores again: who, when and why. Scores are
    locked whenever the latest moderation is newer than the latest re-opening."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.TextField()
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reopened_at", "-id"]


class Determination(models.Model):
    """A staff determination on an EOI (Hypha's: dismissed, more information requested, approved), with the reason
    given and, when made before the round closed, why. Rows are only added: together they are the EOI's history."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="determinations")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.TextField()
    before_close_reason = models.TextField(blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]


class Message(models.Model):
    """The message thread on an EOI, shared by the applicant and staff (assessors do not see it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]


class ReviewReminder(models.Model):
    """One reminder e-mailed to an assessor about a review due (or overdue), so a daily run does not repeat it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_reminders")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)  # "due" or "overdue"
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor", "kind", "sent_on"], name="one_review_reminder_a_day"
            )
        ]


class Award(models.Model):
    """An award to an EOI; its split by financial year lives as funding commitments. Drafts a PCC decision record."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    amount_pence = models.BigIntegerField()
    conditions = models.TextField(blank=True)
    decision_record = models.ForeignKey(
        "decisions.DecisionRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    agreement_signed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{format_pence(self.amount_pence, whole=True)} to {self.application.organisation}"

    @property
    def amount_display(self) -> str:
        return format_pence(self.amount_pence, whole=True)

    @property
    def status(self) -> str:
        record = self.decision_record
        if record is None or not record.decision:
            return str(_("Awaiting PCC decision"))
        return str(_("Approved by the PCC")) if record.decision == "approved" else str(_("Not approved by the PCC"))


def _guard_award(sender, instance, **kwargs):
    """An award's EOI and amount are fixed once made (its commitments hold the money); only the ledger and the
    workflow touch it."""
    if not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values("application_id", "amount_pence").first()
    if old and (old["application_id"] != instance.application_id or old["amount_pence"] != instance.amount_pence):
        raise AppendOnlyError("An award's application and amount cannot be changed once it is made")


pre_save.connect(_guard_award, sender=Award, dispatch_uid="svduty-award-guard")
pre_delete.connect(refuse_delete, sender=Award, dispatch_uid="svduty-award-never-deleted")
