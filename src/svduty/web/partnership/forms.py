"""Forms for Serious Violence Board meetings, their decisions and actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages

from .models import BoardAction, BoardDecision, BoardMeeting


class MeetingForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardMeeting
        fields = ["date", "location", "attendees", "attendee_names", "minutes"]
        widgets = {"attendees": forms.CheckboxSelectMultiple}
        labels = {"attendees": _("Organisations represented"), "attendee_names": _("People attending")}


class BoardDecisionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardDecision
        fields = ["text"]
        labels = {"text": _("Decision")}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class BoardActionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardAction
        fields = ["text", "owner", "due"]
        labels = {"text": _("Action")}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
        }
