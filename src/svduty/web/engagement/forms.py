"""Forms for consultations (set-up, questions, one response entered by hand, a CSV import, theme coding, findings)
and the partner network."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukDates, GovukMessages

from .models import Consultation, Finding, Network, NetworkActivity, NetworkMember, Question, Theme
from .options import AgeBand, Channel, QuestionKind


class ConsultationForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["title", "purpose", "audience", "opens_on", "closes_on", "retention_months"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The closing date must be on or after the opening date"))
        return data


class SummaryForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["we_asked", "you_said", "we_did"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in ["we_asked", "you_said", "we_did"]}


class QuestionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["order", "text", "kind", "choices"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean(self):
        data = super().clean()
        order = data.get("order")
        taken = Question.objects.filter(consultation=self.consultation, order=order).exclude(pk=self.instance.pk)
        if order is not None and taken.exists():
            self.add_error("order", _("Another question already has this number"))
        if (
            data.get("kind") == QuestionKind.CHOICE
            and len([c for c in (data.get("choices") or "").splitlines() if c.strip()]) < 2
        ):
            self.add_error("choices", _("Enter at least two choices, one a line"))
        return data


class ThemeForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if (
            Theme.objects.filter(consultation=self.consultation, name__iexact=name)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(_("This consultation already has a theme with this name"))
        return name


class FindingForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["text", "theme", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(consultation=consultation)
        self.fields["theme"].required = False


def citable_priorities():
    """Priorities of strategies still in force (not superseded)."""
    from svduty.web.strategy.models import StrategyPriority

    return StrategyPriority.objects.exclude(strategy__status="superseded").select_related("strategy")


class CiteForm(forms.Form):
    priorities = forms.ModelMultipleChoiceField(
        label=_("Strategy priorities"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = citable_priorities()


class ResponseForm(GovukDates, forms.Form):
    """One response typed in (a paper form, a workshop's notes): no name or contact field, by design."""

    reference = forms.CharField(label=_("Reference"), max_length=40, help_text=_("The number on the form, e.g. P-014"))
    submitted_on = forms.DateField(label=_("Submitted on"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices, required=False)
    area = forms.CharField(label=_("Area"), max_length=100, required=False)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["submitted_on"].initial = timezone.localdate()
        self.questions = list(consultation.questions.all())
        for q in self.questions:
            label = f"Q{q.order}. {q.text}"
            if q.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    label=label, choices=[("", "")] + [(c, c) for c in q.choice_list], required=False
                )
            elif q.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(
                    label=label, choices=[("", "")] + [(str(i), str(i)) for i in range(1, 6)], required=False
                )
            else:
                field = forms.CharField(
                    label=label, widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10_000
                )
            self.fields[f"q{q.order}"] = field

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if self.consultation.responses.filter(reference=reference).exists():
            raise forms.ValidationError(_("Another response already has this reference"))
        return reference


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: reference, submitted_on (YYYY-MM-DD), channel, age_band, area, then q1, q2 … for the answers"
        ),
    )


class CodingForm(forms.Form):
    """Themes for each answer to one question (a checkbox group per answer)."""

    def __init__(self, *args, answers, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        choices = [(t.pk, t.name) for t in themes]
        for answer in answers:
            self.fields[f"a{answer.pk}"] = forms.MultipleChoiceField(
                label=answer.response.reference,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[t.pk for t in answer.themes.all()],
            )

    def rows(self):
        for answer in self.answers:
            yield answer, self[f"a{answer.pk}"]


class NetworkForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Network
        fields = [
            "name",
            "kind",
            "description",
            "areas",
            "coordinator",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "areas": forms.Textarea(attrs={"rows": 3})}


class MemberForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = ["name", "kind", "organisation", "area", "contact", "joined_on"]


class ActivityForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = NetworkActivity
        fields = ["title", "description", "area", "held_on", "participants"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
