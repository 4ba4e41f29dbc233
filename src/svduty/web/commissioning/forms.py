"""Forms for rounds, question sets, EOIs, uploads, declarations, scoring, moderation and awards."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Max

from svduty.web.core.forms import DateInput, GovukMessages, PoundsField, YesNoField
from svduty.web.core.money import check_financial_year, format_pence
from svduty.web.partnership.models import Priority

from .models import Application, Award, Criterion, Moderation, Question, Round
from .options import UPLOAD_TYPES, PreventionLevel


class RoundForm(GovukMessages, forms.ModelForm):
    max_award = PoundsField(label="Maximum award", min_pence=1)

    class Meta:
        model = Round
        fields = [
            "title",
            "description",
            "stream",
            "priorities",
            "eligible_areas",
            "financial_years",
            "opens_on",
            "closes_on",
        ]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "priorities": forms.CheckboxSelectMultiple,
            "eligible_areas": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.largest_award_pence = 0
        if self.instance.pk:
            self.fields["max_award"].initial = self.instance.max_award_pence
            largest = Award.objects.filter(application__round=self.instance).aggregate(m=Max("amount_pence"))["m"]
            if largest is not None:
                # Awards are committed against this stream's budgets for these years and published (360Giving)
                # under its funder: moving the round would leave them pointing at the wrong money.
                self.largest_award_pence = largest
                for name in ("stream", "financial_years"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Fixed: this round has awards"

    def clean_financial_years(self):
        years = [y.strip() for y in self.cleaned_data["financial_years"].split(",") if y.strip()]
        try:
            years = [check_financial_year(y) for y in years]
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not years:
            raise forms.ValidationError("Enter at least one financial year, like 2024-25")
        return ", ".join(years)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        if data.get("max_award") is not None and data["max_award"] < self.largest_award_pence:
            self.add_error(
                "max_award",
                f"The maximum award cannot be less than this round's largest award of "
                f"{format_pence(self.largest_award_pence, whole=True)}",
            )
        return data

    def save(self, commit=True):
        self.instance.max_award_pence = self.cleaned_data["max_award"]
        return super().save(commit)


class PanelForm(GovukMessages, forms.Form):
    """The round's panel: its name and which partner assessors sit on it."""

    name = forms.CharField(label="Panel name", max_length=200)
    members = forms.ModelMultipleChoiceField(
        label="Assessors on the panel",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each will declare interests per application before seeing it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["members"].queryset = (
            get_user_model().objects.filter(profile__role="assessor").order_by("last_name", "first_name")
        )
        self.fields["members"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}, {u.profile.organisation or 'no organisation'}"
        )


class CriterionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "guidance", "weight", "max_score", "order"]
        labels = {"max_score": "Highest score", "weight": "Weight"}


class QuestionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "help_text", "required", "order"]


class ApplicationForm(GovukMessages, forms.ModelForm):
    """The EOI form: fixed fields, one budget field per financial year of the round, then the round's questions.

    Drafts may be incomplete; ``missing_for_submission`` says what must be filled in before submitting.
    """

    show_optional = False  # every field is needed to submit, only the draft may be partial

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "target_cohort",
            "age_min",
            "age_max",
            "area",
            "priority",
            "prevention_level",
            "outcomes",
            "safeguarding",
            "evidence",
        ]
        labels = {"title": "Name of the intervention", "age_min": "Youngest age", "age_max": "Oldest age"}
        help_texts = {
            "target_cohort": "Who the intervention is for, e.g. care leavers with Adverse Childhood Experiences",
            "evidence": "What evidence says this works (e.g. Youth Endowment Fund toolkit), and the local need",
            "safeguarding": "Your safeguarding policy and how staff are checked and supervised",
        }

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        for name in self.fields:
            self.fields[name].required = name == "title"
        self.fields["area"] = forms.ChoiceField(
            choices=[("", "Choose an area")] + [(a, a) for a in round_.area_list], required=False, label="Area"
        )
        self.fields["priority"].queryset = Priority.objects.filter(pk__in=round_.priorities.values("pk"))
        self.fields["priority"].empty_label = "Choose a priority"
        self.fields["prevention_level"] = forms.ChoiceField(
            choices=PreventionLevel.choices, widget=forms.RadioSelect, required=False, label="Prevention level"
        )
        lines = {}
        if self.instance.pk:
            lines = {b.financial_year: b.amount_pence for b in self.instance.budget_lines.all()}
        for year in round_.year_list:
            self.fields[f"budget_{year}"] = PoundsField(
                label=f"Budget requested for {year}", required=False, initial=lines.get(year)
            )
        answers = {}
        if self.instance.pk:
            answers = {a.question_id: a.text for a in self.instance.answers.all()}
        for question in round_.questions.all():
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                initial=answers.get(question.pk, ""),
            )

    def budget_fields(self):
        return [self[f"budget_{y}"] for y in self.round.year_list]

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.round.questions.all()]

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            self.add_error("age_max", "The oldest age must be the same as or more than the youngest age")
        total = sum(data.get(f"budget_{y}") or 0 for y in self.round.year_list)
        if total > self.round.max_award_pence:
            self.add_error(
                None,
                f"The budget requested ({format_pence(total, whole=True)}) is more than this round's maximum award "
                f"of {self.round.max_award_display}",
            )
        return data

    def save(self, commit=True):
        application = super().save(commit)
        for year in self.round.year_list:
            amount = self.cleaned_data.get(f"budget_{year}")
            if amount is None:
                application.budget_lines.filter(financial_year=year).delete()
            else:
                application.budget_lines.update_or_create(financial_year=year, defaults={"amount_pence": amount})
        for question in self.round.questions.all():
            application.answers.update_or_create(
                question=question, defaults={"text": self.cleaned_data.get(f"question_{question.pk}", "")}
            )
        return application


def missing_for_submission(application: Application) -> list[str]:
    """What a draft EOI still lacks; an empty list means it can be submitted."""
    missing = [
        label
        for field, label in (
            ("summary", "a summary"),
            ("target_cohort", "the target cohort"),
            ("area", "the area"),
            ("prevention_level", "the prevention level"),
            ("outcomes", "the outcomes"),
            ("safeguarding", "safeguarding arrangements"),
            ("evidence", "the evidence"),
        )
        if not str(getattr(application, field) or "").strip()
    ]
    if application.priority_id is None:
        missing.append("the priority it addresses")
    if application.age_min is None or application.age_max is None:
        missing.append("the age range of the cohort")
    if application.requested_pence <= 0:
        missing.append("the budget for at least one financial year")
    answered = {a.question_id for a in application.answers.all() if a.text.strip()}
    for question in application.round.questions.filter(required=True):
        if question.pk not in answered:
            missing.append(f"an answer to “{question.text}”")
    return missing


class DocumentForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="Upload a supporting document",
        help_text="PDF, Word (.docx), OpenDocument (.odt), Excel (.xlsx), PNG or JPEG, up to 5 MB",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {limit // (1024 * 1024)} MB")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        suffix = Path(upload.name).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            raise forms.ValidationError("The file must be a PDF, DOCX, ODT, XLSX, PNG or JPEG")
        content_type, magics = UPLOAD_TYPES[suffix]
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(m) for m in magics):
            raise forms.ValidationError(f"The file's contents are not a {suffix[1:].upper()} file")
        upload.svduty_content_type = content_type
        return upload


class DeclarationForm(GovukMessages, forms.Form):
    has_conflict = YesNoField(
        label="Do you have a personal, prejudicial or organisational interest in this application?",
        help_text="For example you, a relative or your organisation works for, funds or partners the applicant",
    )
    details = forms.CharField(label="Describe the interest", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not data.get("details", "").strip():
            self.add_error("details", "Describe the interest you are declaring")
        return data


class ScoreForm(GovukMessages, forms.Form):
    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {s.criterion_id: s.score for s in review.scores.all()} if review else {}
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (weight {criterion.weight})",
                help_text=criterion.guidance,
                choices=[(str(i), str(i)) for i in range(criterion.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"data-inline": "1"}),
                initial=str(existing[criterion.pk]) if criterion.pk in existing else None,
            )
        self.fields["comment"] = forms.CharField(
            label="Comments for the panel",
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            initial=review.comment if review else "",
        )


class ModerationForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Moderation
        fields = ["score_percent", "reason"]
        labels = {"score_percent": "Moderated score (out of 100)", "reason": "Reason for the moderated score"}


class AwardForm(GovukMessages, forms.Form):
    show_optional = False  # at least one year's amount is needed; which years is up to the officer
    conditions = forms.CharField(
        label="Conditions of the award",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="e.g. quarterly monitoring returns; evaluation with the VRU; the funder's grant conditions",
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        from svduty.web.decisions.models import DecisionRecord

        drafts = DecisionRecord.objects.filter(state="draft", awards__application__round=application.round).distinct()
        self.fields["record"] = forms.ChoiceField(
            label="Decision record",
            choices=[("new", "Draft a new decision record")]
            + [(r.reference, f"Add to draft {r.reference}: {r.title}") for r in drafts],
            initial="new",
            required=False,
            widget=forms.RadioSelect,
            help_text="One decision record can approve several awards of the round, as DN50-24 did",
        )
        lines = {b.financial_year: b.amount_pence for b in application.budget_lines.all()}
        for year in application.round.year_list:
            self.fields[f"amount_{year}"] = PoundsField(
                label=f"Award for {year}", required=False, initial=lines.get(year)
            )

    def amount_fields(self):
        return [self[f"amount_{y}"] for y in self.application.round.year_list]

    def split(self) -> dict[str, int]:
        return {
            y: self.cleaned_data[f"amount_{y}"]
            for y in self.application.round.year_list
            if self.cleaned_data.get(f"amount_{y}")
        }

    def clean(self):
        data = super().clean()
        total = sum(v for k, v in data.items() if k.startswith("amount_") and v)
        if total <= 0:
            raise forms.ValidationError("Enter the amount awarded for at least one financial year")
        if total > self.application.round.max_award_pence:
            raise forms.ValidationError(
                f"The award ({format_pence(total, whole=True)}) is more than the round's maximum of "
                f"{self.application.round.max_award_display}"
            )
        return data


class AgreementForm(GovukMessages, forms.Form):
    signed_on = forms.DateField(label="Date the grant agreement was signed", widget=DateInput())

    def clean_signed_on(self):
        from django.utils import timezone

        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date the agreement was signed cannot be in the future")
        return value
