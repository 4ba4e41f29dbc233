"""Form fields shared by the apps: amounts in pounds stored as pence, ISO dates, yes/no radios."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from .money import format_pence, parse_pounds


def _is_empty(value) -> bool:
    return value in (None, "", [], ()) or (isinstance(value, str) and not value.strip())


def _empty_value(field: forms.Field):
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return field.queryset.none() if isinstance(field, forms.ModelMultipleChoiceField) else []
    if hasattr(field, "empty_value"):
        return field.empty_value
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return ""
    return None


class ConditionalReveals:
    """The GOV.UK conditional reveal: a radio (or checkbox) answer that reveals a nested question.

    ``conditional_reveals = {"has_conflict": {"yes": ("details",)}}`` nests ``details`` under the Yes of
    ``has_conflict`` (``govuk_field`` renders it there, and nowhere else). With JavaScript off the nested field is
    simply shown. The server makes a revealed field required only when its controlling answer is chosen (the field's
    own "required" message is used) and discards what was typed in it otherwise, as the Design System asks. A single
    checkbox (``forms.BooleanField``) is controlled by the key ``"on"``. Mix in before forms.Form / forms.ModelForm.
    """

    conditional_reveals: dict[str, dict[str, tuple[str, ...]]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.revealed_fields():
            if name in self.fields:
                self.fields[name].conditionally_required = True

    def revealed_fields(self) -> set[str]:
        """The fields nested under an answer of a controlling field this form has."""
        return {
            dep
            for controller, options in self.conditional_reveals.items()
            if controller in self.fields
            for deps in options.values()
            for dep in deps
            if dep in self.fields
        }

    def chosen_values(self, name: str) -> set[str]:
        """The controlling field's answer(s) as posted (or its initial value on an unbound form), as strings."""
        if name not in self.fields:
            return set()
        bound = self[name]
        raw = bound.data if self.is_bound else bound.value()
        if isinstance(raw, bool):
            return {"on"} if raw else set()
        if isinstance(raw, list | tuple | set):
            return {str(v) for v in raw}
        if raw is True:
            return {"on"}
        return {str(raw)} if raw not in (None, "") else set()

    def clean(self):
        data = super().clean()
        needed: set[str] = set()
        for controller, options in self.conditional_reveals.items():
            chosen = self.chosen_values(controller)
            for value, deps in options.items():
                if str(value) in chosen:
                    needed.update(deps)
        for name in self.revealed_fields():
            field = self.fields[name]
            if name in needed:
                if name not in self._errors and _is_empty(self.cleaned_data.get(name)):
                    self.add_error(name, field.error_messages["required"])
            else:
                # The answer that revealed it is not chosen: what was typed in the hidden field is discarded, and
                # so are its errors (a half-typed date under a No blocks nothing).
                self._errors.pop(name, None)
                self.cleaned_data[name] = _empty_value(field)
        return self.cleaned_data if data is None else data


class GovukDates:
    """Every date a user types is the GOV.UK date input (day, month and year boxes, with its per-part errors):
    a ``forms.DateField`` of the form, including a model form's, becomes a ``GovukDateField`` keeping its label,
    hint, initial value and whether it is required. Mix in before forms.Form / forms.ModelForm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField):
                self.fields[name] = govuk_date_from(field)


def govuk_date_from(field: forms.DateField) -> GovukDateField:
    new = GovukDateField(
        label=field.label,
        required=field.required,
        initial=field.initial,
        disabled=field.disabled,
        validators=list(field.validators),
        **({"help_text": field.help_text} if field.help_text else {}),
    )
    if "required" in field.error_messages and getattr(field, "explicit_required_message", False):
        new.error_messages["required"] = field.error_messages["required"]
        new.explicit_required_message = True
    return new


class GovukMessages(GovukDates, ConditionalReveals):
    """GOV.UK error wording for missing answers: "Enter the title", "Select the decision" (not "This field is
    required"). Mix in before forms.Form / forms.ModelForm."""

    # Fields that are optional in general but needed under an answer (e.g. details under a Yes): their label does not
    # say "(optional)" (issue 17 defect 9); the form's clean() makes them required when they apply.
    required_if: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not getattr(field, "explicit_required_message", False):
                field.error_messages["required"] = required_message(field)
            if name in self.required_if:
                field.conditionally_required = True


# Labels that already read as an instruction ("Choose a password", "Describe the interest") or a question without
# a question mark ("What it is for"): "Enter the …" in front of them is ungrammatical (issue 17 defect 9).
_IMPERATIVES = ("choose", "describe", "give", "tell", "list", "enter", "select", "upload", "confirm", "explain")
_INTERROGATIVES = ("what", "how", "who", "why", "when", "where", "which", "whether")


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text and not text[:2].isupper() else text


def required_message(field) -> str:
    """The grammar is decided on the English label (its first word, article, question mark), then the sentence is
    written in the active language around the translated label: a Welsh "Dewiswch gyfrinair" is an instruction
    because "Choose a password" is."""
    with translation.override(settings.LANGUAGE_CODE):
        english = str(field.label or "")
    raw = str(field.label or "")
    en = re.sub(r"\s*\(.*\)$", "", english).strip()
    label = re.sub(r"\s*\(.*\)$", "", raw).strip()
    first = en.split(" ", 1)[0].lower() if en else ""
    if first in _IMPERATIVES:
        return label[0].upper() + label[1:]
    en, label = _lower_first(en), _lower_first(label)
    if first in _INTERROGATIVES and not english.endswith("?"):
        return gettext("Enter %(label)s") % {"label": label}
    if isinstance(field.widget, forms.CheckboxInput):
        return gettext("Confirm that %(label)s") % {"label": label}
    if english.endswith("?"):
        choices = {str(v).lower() for v, _ in getattr(field, "choices", [])}
        if choices == {"yes", "no"}:
            return gettext("Select yes or no")
        return gettext("Answer the question: %(question)s") % {"question": raw}
    if isinstance(field.widget, forms.RadioSelect | forms.Select | forms.CheckboxSelectMultiple):
        if en.startswith(("your ", "the ")):
            return gettext("Select %(label)s") % {"label": label}
        return gettext("Select the %(label)s") % {"label": label}
    if en.startswith(("your ", "the ", "a ", "an ")):
        return gettext("Enter %(label)s") % {"label": label}
    return gettext("Enter the %(label)s") % {"label": label}


class PoundsField(forms.CharField):
    """Accepts '£90,000' or '90000.50'; cleans to integer pence."""

    def __init__(self, *args, min_pence: int = 0, **kwargs):
        kwargs.setdefault("help_text", gettext_lazy("In pounds, for example 90,000"))
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


YES_NO = [("no", gettext_lazy("No")), ("yes", gettext_lazy("Yes"))]


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


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (rendered by ``govuk_field``). A single ISO value posted
    under the field's own name (``2025-03-31``, as the API and older forms send) is accepted too."""

    template_name = "django/forms/widgets/multiwidget.html"

    def __init__(self, attrs=None):
        boxes = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in range(3)]
        super().__init__(boxes, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            y, m, d = value.split("-")
            return [int(d), int(m), int(y)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data and not any(f"{name}_{i}" in data for i in range(3)):
            return self.decompress(data.get(name))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class GovukDateField(forms.MultiValueField):
    """A date from the GOV.UK date input, with the Design System's error messages."""

    widget = GovukDateWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", gettext_lazy("For example, 27 3 2025"))
        fields = [forms.CharField(required=False) for _ in range(3)]
        super().__init__(fields, *args, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(str(v or "").strip() for v in data_list):
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        label = str(self.label or gettext("The date"))
        for value, part in ((day, gettext("day")), (month, gettext("month")), (year, gettext("year"))):
            if not value:
                raise forms.ValidationError(
                    gettext("%(label)s must include a %(part)s") % {"label": label, "part": part}
                )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(gettext("%(label)s must be a real date") % {"label": label})
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(gettext("%(label)s must be a real date") % {"label": label}) from None


def count_words(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def check_word_limit(text: str, limit: int | None) -> None:
    """Raise the GOV.UK character-count error when ``text`` is over ``limit`` words."""
    if limit and count_words(text) > limit:
        raise forms.ValidationError(gettext("Use %(limit)s words or fewer") % {"limit": limit})
