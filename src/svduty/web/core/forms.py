"""Form fields shared by the apps: amounts in pounds stored as pence, ISO dates, yes/no radios."""

from __future__ import annotations

from django import forms

from .money import format_pence, parse_pounds


class PoundsField(forms.CharField):
    """Accepts '£90,000' or '90000.50'; cleans to integer pence."""

    def __init__(self, *args, min_pence: int = 0, **kwargs):
        kwargs.setdefault("help_text", "In pounds, for example 90,000")
        super().__init__(*args, **kwargs)
        self.min_pence = min_pence
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_pence(value, whole=True).lstrip("£")
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            pence = parse_pounds(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if pence < self.min_pence:
            raise forms.ValidationError(f"Enter at least {format_pence(self.min_pence, whole=True)}")
        return pence


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


YES_NO = [("no", "No"), ("yes", "Yes")]


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("widget", forms.RadioSelect(attrs={"data-inline": "1"}))
        kwargs.setdefault("coerce", lambda v: v == "yes")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value
