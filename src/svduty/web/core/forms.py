"""Form fields shared by the apps: amounts in pounds stored as pence, ISO dates, yes/no radios."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .money import format_pence, parse_pounds


class GovukMessages:
    """GOV.UK error wording for missing answers: "Enter the title", "Select the decision" (not "This field is
    required"). Mix in before forms.Form / forms.ModelForm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = required_message(field)


def required_message(field) -> str:
    raw = str(field.label or "")
    label = re.sub(r"\s*\(.*\)$", "", raw).strip()
    label = label[0].lower() + label[1:] if label and not label[:2].isupper() else label
    if isinstance(field.widget, forms.CheckboxInput):
        return gettext("Confirm that %(label)s") % {"label": label}
    if raw.endswith("?"):
        choices = {str(v).lower() for v, _ in getattr(field, "choices", [])}
        if choices == {"yes", "no"}:
            return gettext("Select yes or no")
        return gettext("Answer the question: %(question)s") % {"question": raw}
    if isinstance(field.widget, forms.RadioSelect | forms.Select | forms.CheckboxSelectMultiple):
        if label.startswith(("your ", "the ")):
            return gettext("Select %(label)s") % {"label": label}
        return gettext("Select the %(label)s") % {"label": label}
    if label.startswith(("your ", "the ", "a ", "an ")):
        return gettext("Enter %(label)s") % {"label": label}
    return gettext("Enter the %(label)s") % {"label": label}


class PoundsField(forms.CharField):
    """Accepts '£90,000' or '90000.50'; cleans to integer pence."""

    def __init__(self, *args, min_pence: int = 0, **kwargs):
        kwargs.setdefault("help_text", _("In pounds, for example 90,000"))
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
            raise forms.ValidationError(
                gettext("Enter at least %(amount)s") % {"amount": format_pence(self.min_pence, whole=True)}
            )
        return pence


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


YES_NO = [("no", _("No")), ("yes", _("Yes"))]


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
