"""PCC decision records (e.g. DN50-24) and the append-only log of who moved each one through its workflow.

Fields follow the decision-record template PCCs publish under the Elected Local Policing Bodies (Specified
Information) Order 2011 (SI 2011/3050, amended by SI 2012/2479): title, background, recommendation, the decision,
implications, the PCC's declaration of interests and signature, the publication-scheme answers, and officer approval by
the Chief Executive confirming financial, legal and equalities advice was taken into account.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from simple_history.models import HistoricalRecords

from svduty.web.core.dbguards import AppendOnlyError, refuse_delete

from .options import Outcome, State


class DecisionSequence(models.Model):
    """The last number issued per two-digit year, so references run DN1-24, DN2-24, … and restart each year."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)


def next_reference(when=None) -> tuple[int, int, str]:
    """Take the next ``DN<n>-<yy>`` number for the year of ``when`` (row-locked on PostgreSQL)."""
    yy = (when or timezone.localdate()).year % 100
    with transaction.atomic():
        seq, _ = DecisionSequence.objects.select_for_update().get_or_create(year=yy)
        seq.last += 1
        seq.save(update_fields=["last"])
    return seq.last, yy, f"DN{seq.last}-{yy:02d}"


class DecisionRecord(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    number = models.PositiveIntegerField(editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    title = models.CharField(max_length=300)
    background = models.TextField()
    recommendation = models.TextField()
    financial_implications = models.TextField()
    legal_implications = models.TextField()
    equalities_implications = models.TextField()
    section_b = models.TextField("Section B report", blank=True)
    # Publication scheme
    section_b_published = models.BooleanField("Section B to be published", default=True)
    section_b_reason = models.TextField("reason Section B is not published", blank=True)
    publication_deferred = models.BooleanField(default=False)
    deferral_reason = models.TextField(blank=True)
    deferred_until = models.DateField(null=True, blank=True)
    # Officer approval (Chief Executive or nominee)
    officer_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    officer_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    officer_name = models.CharField(max_length=200, blank=True, editable=False)
    financial_advice_taken = models.BooleanField(default=False, editable=False)
    legal_advice_taken = models.BooleanField(default=False, editable=False)
    equalities_advice_taken = models.BooleanField(default=False, editable=False)
    # PCC decision
    decision = models.CharField(max_length=20, choices=Outcome.choices, blank=True, editable=False)
    decision_text = models.TextField(blank=True, editable=False)
    pcc_has_interest = models.BooleanField(null=True, editable=False)
    pcc_interest_details = models.TextField(blank=True, editable=False)
    pcc_signature = models.CharField(max_length=200, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    decided_on = models.DateField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="one_number_per_year")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def has_section_b(self) -> bool:
        return bool(self.section_b.strip())

    def save(self, *args, **kwargs):
        if not self.section_b.strip():
            # No Section B report: nothing to publish, so the record never claims "Section B published: Yes".
            self.section_b_published = False
            self.section_b_reason = ""
        if not self.reference:
            self.number, self.year, self.reference = next_reference()
        elif self.pk and type(self).objects.filter(pk=self.pk, state=State.PUBLISHED).exists():
            raise AppendOnlyError(f"{self.reference} is published: a published decision record is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.reference}: decision records are never deleted (the step log is evidence)")

    def publicly_visible(self, today=None) -> bool:
        """Published, and past any deferral date (SI 2011/3050: publish as soon as practicable)."""
        if self.state != State.PUBLISHED:
            return False
        if self.publication_deferred:
            today = today or timezone.localdate()
            return self.deferred_until is not None and self.deferred_until <= today
        return True

    @property
    def awards_total_pence(self) -> int:
        return sum(a.amount_pence for a in self.awards.all())


class DecisionEvent(models.Model):
    """One workflow step: who, when, from which state to which. Rows are only ever added."""

    record = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def step(self) -> str:
        """Human wording of the step, from the workflow declaration."""
        from svduty.web.workflows import DECISION_WORKFLOW

        labels = {t.name: t.label for t in DECISION_WORKFLOW.transitions}
        labels["draft"] = "Drafted"
        states = dict(State.choices)
        label = labels.get(self.action, self.action)
        moved = f"{states.get(self.from_state, 'new')} → {states.get(self.to_state, self.to_state)}"
        return f"{label} ({moved})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise AppendOnlyError("Decision events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Decision events are append-only")


class PublishedPDF(models.Model):
    """The public PDF of a published record, rendered once (WeasyPrint takes about a quarter of a second of CPU) and
    served from here on every request. A published record never changes, so neither does its PDF."""

    record = models.OneToOneField(DecisionRecord, on_delete=models.PROTECT, related_name="published_pdf")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField(auto_now_add=True)


# Deletes through a queryset or a cascade skip Model.delete() but send pre_delete: refuse them there too.
pre_delete.connect(refuse_delete, sender=DecisionEvent, dispatch_uid="svduty-decision-event-append-only")
pre_delete.connect(refuse_delete, sender=DecisionRecord, dispatch_uid="svduty-decision-record-never-deleted")
