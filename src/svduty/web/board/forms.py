"""Forms for the board: the meeting, its agenda, papers, attendance, decisions, actions, the risk log and packs."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages
from svduty.web.partnership.models import BoardAction, BoardDecision, BoardMeeting, Organisation
from svduty.web.partnership.options import RELEVANT, SPECIFIED

from .models import AgendaItem, Paper, Risk
from .options import Attendance
from .quarters import quarter_of

PAPER_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/csv": ".csv",
}
PAPER_MAX_BYTES = 20 * 1024 * 1024


class MeetingForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardMeeting
        fields = ["date", "location", "attendee_names", "minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8})}
        labels = {
            "date": _("Date"),
            "location": _("Location"),
            "attendee_names": _("People attending"),
            "minutes": _("Minutes"),
        }
        help_texts = {"attendee_names": _("One person a line: name, role, organisation")}


class AgendaItemForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "kind", "presenter", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class PaperForm(GovukMessages, forms.ModelForm):
    upload = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel or CSV, up to 20 MB"))

    class Meta:
        model = Paper
        fields = ["title", "agenda_item"]

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting)
        self.fields["agenda_item"].required = False

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        kind = (upload.content_type or "").split(";")[0]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in PAPER_TYPES.values():
            raise forms.ValidationError(_("The file must be a PDF, Word (.docx), Excel (.xlsx) or CSV file"))
        if upload.size > PAPER_MAX_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 20 MB"))
        if suffix == ".pdf" and not upload.read(5).startswith(b"%PDF-"):
            raise forms.ValidationError(_("The file is not a PDF (it does not start with %PDF-)"))
        upload.seek(0)
        self.content_type = kind if kind in PAPER_TYPES else next(k for k, v in PAPER_TYPES.items() if v == suffix)
        return upload


def authority_label(organisation: Organisation) -> str:
    if organisation.kind in SPECIFIED:
        return str(_("specified authority"))
    if organisation.kind in RELEVANT:
        return str(_("relevant authority"))
    return organisation.get_kind_display()


class AttendanceForm(forms.Form):
    """One attendance choice and representative per member organisation (specified and relevant authorities
    first, as the Duty expects them at the board). Leaving the choice blank records nothing for that organisation."""

    def __init__(self, *args, organisations, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        choices = [("", _("Not recorded")), *Attendance.choices]
        for org in organisations:
            record = current.get(org.pk)
            self.fields[f"status_{org.pk}"] = forms.ChoiceField(
                label=f"{org.name} ({authority_label(org)})",
                choices=choices,
                required=False,
                initial=record.status if record else "",
            )
            self.fields[f"rep_{org.pk}"] = forms.CharField(
                label=_("Represented by (role)"),
                required=False,
                max_length=200,
                initial=record.representative if record else "",
            )

    def rows(self):
        for org in self.organisations:
            yield org, self[f"status_{org.pk}"], self[f"rep_{org.pk}"]


class DecisionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardDecision
        fields = ["text"]
        labels = {"text": _("Decision")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ActionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardAction
        fields = ["text", "owner", "due", "status", "update"]
        labels = {
            "text": _("Action"),
            "owner": _("Owner"),
            "due": _("Due"),
            "status": _("Status"),
            "update": _("Progress"),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "update": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Carried forward" is set only by carrying the action forward (a new action on the later meeting).
        self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != "carried"]


class RiskForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["title", "description", "owner", "likelihood", "impact", "mitigation", "status", "reviewed_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "likelihood": forms.RadioSelect(attrs={"data-inline": "1"}),
            "impact": forms.RadioSelect(attrs={"data-inline": "1"}),
        }


def quarter_choices(today=None, count: int = 12):
    current = quarter_of(today or timezone.localdate())
    quarters = [current.previous(i) for i in range(count)]
    return [(q.code, q.label) for q in quarters]


class PackForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), help_text=_("Financial-year quarter (Q1 is April to June)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices(count=16)
