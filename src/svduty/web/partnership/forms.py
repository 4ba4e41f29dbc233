"""Forms for Serious Violence Board meetings, their decisions and actions."""

from django import forms

from svduty.web.core.forms import DateInput, GovukMessages

from .models import BoardAction, BoardDecision, BoardMeeting


class MeetingForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardMeeting
        fields = ["date", "location", "attendees", "attendee_names", "minutes"]
        widgets = {"date": DateInput(), "attendees": forms.CheckboxSelectMultiple}
        labels = {"attendees": "Organisations represented", "attendee_names": "People attending"}


class BoardDecisionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardDecision
        fields = ["text"]
        labels = {"text": "Decision"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class BoardActionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = BoardAction
        fields = ["text", "owner", "due"]
        labels = {"text": "Action"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due": DateInput()}
