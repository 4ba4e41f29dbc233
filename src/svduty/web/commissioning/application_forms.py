"""The applicant's forms: the EOI a task-list section at a time (uploads saved with the answers in one form), the
check-answers declaration, answering a request for more information, messages and withdrawal."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages, PoundsField, check_word_limit
from svduty.web.core.money import format_pence
from svduty.web.partnership.models import Priority

from .models import Application, Document, Round
from .options import UPLOAD_TYPES, PreventionLevel, QuestionKind

# The EOI's task list: section key, title, the fixed fields it holds. "budget" and "questions" add the round's
# per-year budget fields and question fields; "documents" the supporting-document upload.
SECTIONS = (
    (
        "about",
        _("About the intervention"),
        ("title", "summary", "target_cohort", "age_min", "age_max", "area", "priority", "prevention_level"),
    ),
    ("budget", _("Budget"), ()),
    ("delivery", _("Outcomes, safeguarding and evidence"), ("outcomes", "safeguarding", "evidence")),
    ("questions", _("This round's questions"), ()),
    ("documents", _("Supporting documents"), ()),
)
SECTION_KEYS = [key for key, _title, _fields in SECTIONS]
WORD_LIMITS = {"summary": 250, "outcomes": 300, "safeguarding": 300, "evidence": 300}


def check_upload(upload):
    """Refuse a file that is too big, empty, of a type not accepted or whose bytes do not match its name."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(gettext("The file must be smaller than %(mb)s MB") % {"mb": limit // (1024 * 1024)})
    if upload.size == 0:
        raise forms.ValidationError(gettext("The selected file is empty"))
    suffix = Path(upload.name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise forms.ValidationError(gettext("The file must be a PDF, DOCX, ODT, XLSX, PNG or JPEG"))
    content_type, magics = UPLOAD_TYPES[suffix]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise forms.ValidationError(
            gettext("The file's contents are not a %(type)s file") % {"type": suffix[1:].upper()}
        )
    upload.svduty_content_type = content_type
    return upload


UPLOAD_HINT = _("PDF, Word (.docx), OpenDocument (.odt), Excel (.xlsx), PNG or JPEG, up to 5 MB")


class ApplicationForm(GovukMessages, forms.ModelForm):
    """The EOI form, one task-list section at a time (``section``) or whole (``section=None``). Drafts may be
    incomplete; ``missing_by_section`` says what must be filled in before submitting. A file chosen here is saved
    with the answers (issue 17 defect 1: a separate upload form threw away what had been typed)."""

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
        labels = {
            "title": _("Name of the intervention"),
            "summary": _("Summary"),
            "target_cohort": _("Target cohort"),
            "age_min": _("Youngest age"),
            "age_max": _("Oldest age"),
            "priority": _("Priority"),
            "outcomes": _("Outcomes"),
            "safeguarding": _("Safeguarding"),
            "evidence": _("Evidence"),
        }
        help_texts = {
            "target_cohort": _("Who the intervention is for, e.g. care leavers with Adverse Childhood Experiences"),
            "evidence": _("What evidence says this works (e.g. Youth Endowment Fund toolkit), and the local need"),
            "safeguarding": _("Your safeguarding policy and how staff are checked and supervised"),
        }

    def __init__(self, *args, round_: Round, section: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.section = section
        for name in self.fields:
            self.fields[name].required = name == "title"
        self.fields["title"].error_messages["required"] = gettext("Enter the name of the intervention")
        self.fields["area"] = forms.ChoiceField(
            choices=[("", _("Choose an area"))] + [(a, a) for a in round_.area_list], required=False, label=_("Area")
        )
        self.fields["priority"].queryset = Priority.objects.filter(pk__in=round_.priorities.values("pk"))
        self.fields["priority"].empty_label = gettext("Choose a priority")
        self.fields["prevention_level"] = forms.ChoiceField(
            choices=PreventionLevel.choices, widget=forms.RadioSelect, required=False, label=_("Prevention level")
        )
        for name, limit in WORD_LIMITS.items():
            self.fields[name].widget = forms.Textarea(attrs={"rows": 5, "data-maxwords": limit})
        lines = {b.financial_year: b.amount_pence for b in self.instance.budget_lines.all()} if self.instance.pk else {}
        for year in round_.year_list:
            self.fields[f"budget_{year}"] = PoundsField(
                label=_("Budget requested for %(year)s") % {"year": year}, required=False, initial=lines.get(year)
            )
        answers = {a.question_id: a.text for a in self.instance.answers.all()} if self.instance.pk else {}
        self.questions = list(round_.questions.all())
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = self._question_field(question, answers.get(question.pk, ""))
        self.fields["document"] = forms.FileField(
            label=_("Upload a supporting document"), help_text=UPLOAD_HINT, required=False
        )
        if section is not None:
            keep = set(self.section_field_names(section))
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]

    def _question_field(self, question, answer: str):
        common = {"label": question.text, "help_text": question.help_text, "required": False, "initial": answer}
        if question.kind == QuestionKind.NUMBER:
            return forms.DecimalField(**common, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        if question.kind == QuestionKind.CHOICE:
            return forms.ChoiceField(**common, choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect)
        if question.kind == QuestionKind.FILE:
            common["help_text"] = " ".join(str(t) for t in (question.help_text, UPLOAD_HINT) if t)
            common.pop("initial")
            return forms.FileField(**common)
        attrs = {"rows": 4}
        if question.word_limit:
            attrs["data-maxwords"] = question.word_limit
        return forms.CharField(**common, widget=forms.Textarea(attrs=attrs))

    def section_field_names(self, section: str) -> list[str]:
        if section == "budget":
            return [f"budget_{y}" for y in self.round.year_list]
        if section == "questions":
            return [f"question_{q.pk}" for q in self.questions]
        if section == "documents":
            return ["document"]
        return list(dict((key, names) for key, _t, names in SECTIONS)[section])

    def budget_fields(self):
        return [self[f"budget_{y}"] for y in self.round.year_list if f"budget_{y}" in self.fields]

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions if f"question_{q.pk}" in self.fields]

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return check_upload(upload) if upload else None

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            self.add_error("age_max", gettext("The oldest age must be the same as or more than the youngest age"))
        for name, limit in WORD_LIMITS.items():
            if name in self.fields and data.get(name):
                try:
                    check_word_limit(data[name], limit)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        for question in self.questions:
            name = f"question_{question.pk}"
            if name not in self.fields or not data.get(name):
                continue
            try:
                if question.kind == QuestionKind.FILE:
                    check_upload(data[name])
                elif question.kind == QuestionKind.TEXT:
                    check_word_limit(data[name], question.word_limit)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        year_fields = [f"budget_{y}" for y in self.round.year_list if f"budget_{y}" in self.fields]
        total = sum(data.get(name) or 0 for name in year_fields)
        if year_fields and total > self.round.max_award_pence:
            # On the first budget field, so the error summary links to it (issue 17 defect 9).
            self.add_error(
                year_fields[0],
                gettext("The budget requested (%(total)s) is more than this round's maximum award of %(max)s")
                % {"total": format_pence(total, whole=True), "max": self.round.max_award_display},
            )
        return data

    def save(self, user=None, commit=True):
        application = super().save(commit)
        for year in self.round.year_list:
            name = f"budget_{year}"
            if name not in self.fields:
                continue
            amount = self.cleaned_data.get(name)
            if amount is None:
                application.budget_lines.filter(financial_year=year).delete()
            else:
                application.budget_lines.update_or_create(financial_year=year, defaults={"amount_pence": amount})
        for question in self.questions:
            name = f"question_{question.pk}"
            if name not in self.fields:
                continue
            value = self.cleaned_data.get(name)
            if question.kind == QuestionKind.FILE:
                if value:
                    application.documents.filter(question=question).delete()
                    document = _store(application, value, user, question)
                    application.answers.update_or_create(question=question, defaults={"text": document.original_name})
                continue
            text = "" if value is None else str(value)
            application.answers.update_or_create(question=question, defaults={"text": text})
        if self.cleaned_data.get("document"):
            _store(application, self.cleaned_data["document"], user, None)
        return application


def _store(application, upload, user, question) -> Document:
    return Document.objects.create(
        application=application,
        question=question,
        file=upload,
        original_name=upload.name[:200],
        content_type=upload.svduty_content_type,
        size=upload.size,
        uploaded_by=user or application.created_by,
    )


def missing_by_section(application: Application) -> dict[str, list[str]]:
    """What a draft EOI still lacks, per task-list section; every list empty means it can be submitted."""
    missing: dict[str, list[str]] = {key: [] for key in SECTION_KEYS}
    for field, label in (
        ("summary", gettext("a summary")),
        ("target_cohort", gettext("the target cohort")),
        ("area", gettext("the area")),
        ("prevention_level", gettext("the prevention level")),
    ):
        if not str(getattr(application, field) or "").strip():
            missing["about"].append(label)
    if application.priority_id is None:
        missing["about"].append(gettext("the priority it addresses"))
    if application.age_min is None or application.age_max is None:
        missing["about"].append(gettext("the age range of the cohort"))
    if application.requested_pence <= 0:
        missing["budget"].append(gettext("the budget for at least one financial year"))
    for field, label in (
        ("outcomes", gettext("the outcomes")),
        ("safeguarding", gettext("safeguarding arrangements")),
        ("evidence", gettext("the evidence")),
    ):
        if not str(getattr(application, field) or "").strip():
            missing["delivery"].append(label)
    answered = {a.question_id for a in application.answers.all() if a.text.strip()}
    for question in application.round.questions.filter(required=True):
        if question.pk not in answered:
            missing["questions"].append(gettext("an answer to “%(q)s”") % {"q": question.text})
    return missing


def missing_for_submission(application: Application) -> list[str]:
    return [item for items in missing_by_section(application).values() for item in items]


def section_started(application: Application, section: str) -> bool:
    if section == "about":
        return bool(application.summary or application.target_cohort or application.area)
    if section == "budget":
        return application.budget_lines.exists()
    if section == "delivery":
        return bool(application.outcomes or application.safeguarding or application.evidence)
    if section == "questions":
        return any(a.text.strip() for a in application.answers.all())
    return application.documents.exists()


class ApplicantDeclarationForm(GovukMessages, forms.Form):
    """The declaration on the check-answers page, before submitting."""

    confirm = forms.BooleanField(
        label=_(
            "I confirm that the information in this application is correct, that I am authorised to submit it for "
            "my organisation, and that the partnership may share it with the partners on its assessment panel"
        ),
    )
    confirm.error_messages["required"] = _("Confirm the declaration to submit your application")
    confirm.explicit_required_message = True
    full_name = forms.CharField(label=_("Your full name"), max_length=200)


class AnswerForm(GovukMessages, forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the partnership's request"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Change your application's answers first if they need it; this message goes with them"),
    )
    answer.error_messages["required"] = _("Enter your answer to the request")
    answer.explicit_required_message = True


class MessageForm(GovukMessages, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    body.error_messages["required"] = _("Enter a message")
    body.explicit_required_message = True


class WithdrawForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing this application?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partnership sees this; a withdrawn application cannot be resubmitted"),
    )
    reason.error_messages["required"] = _("Enter why you are withdrawing the application")
    reason.explicit_required_message = True


class StartForm(GovukMessages, forms.Form):
    """Starting an EOI needs a name, so an empty click no longer makes an "Untitled intervention" (defect 2)."""

    title = forms.CharField(label=_("Name of the intervention"), max_length=200)
    title.error_messages["required"] = _("Enter the name of the intervention")
    title.explicit_required_message = True
