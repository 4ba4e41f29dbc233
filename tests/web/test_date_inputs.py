"""GOV.UK date inputs everywhere (issue 17): every date a user types in the web app is the Design System's date
input (day, month and year boxes) with its per-part error messages, the widget commissioning and decisions use."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import svduty.web
from svduty.web.core.forms import GovukDateField, GovukDates

from .conftest import client_for


def _form_classes():
    for info in pkgutil.iter_modules(svduty.web.__path__):
        for suffix in ("forms", "application_forms", "forms_register"):
            try:
                module = importlib.import_module(f"svduty.web.{info.name}.{suffix}")
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_no_form_has_a_plain_date_field():
    """A form with a date either declares ``GovukDateField`` or mixes in ``GovukDates`` (which turns its model's
    date fields into one); nowhere is a browser ``<input type="date">`` or a free-text date left."""
    classes = list(_form_classes())
    assert len(classes) > 50
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField) and not issubclass(cls, GovukDates)
    ]
    assert not plain, plain
    widgets = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if getattr(field.widget, "input_type", "") == "date"
    ]
    assert not widgets, widgets


@pytest.mark.django_db
def test_model_form_dates_become_govuk_date_inputs_with_per_part_errors(world):
    from svduty.web.board.forms import ActionForm, MeetingForm

    form = MeetingForm()
    assert isinstance(form.fields["date"], GovukDateField) and form.fields["date"].required
    form = MeetingForm({"date_0": "24", "date_1": "", "date_2": "2025", "location": "Online"})
    assert not form.is_valid() and form.errors["date"] == ["Date must include a month"]
    form = MeetingForm({"date_0": "31", "date_1": "2", "date_2": "2025"})
    assert not form.is_valid() and form.errors["date"] == ["Date must be a real date"]
    form = MeetingForm({"date_0": "24", "date_1": "4", "date_2": "2025"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2025, 4, 24)
    # The ISO date the API and older clients post under the field's own name is still read.
    assert MeetingForm({"date": "2025-04-24"}).is_valid()
    # An optional date stays optional, and an existing value fills the three boxes.
    action = ActionForm(initial={"due": datetime.date(2025, 6, 30)})
    assert not action.fields["due"].required
    html = str(action["due"].as_widget())
    assert 'value="30"' in html and 'value="6"' in html and 'value="2025"' in html


@pytest.mark.django_db
def test_pages_show_the_date_input(world):
    officer = client_for("officer")
    pages = [
        reverse("board:meeting_new"),
        reverse("partnership:meeting_new"),
        reverse("agreements:new"),
    ]
    for url in pages:
        page = officer.get(url).content.decode()
        assert 'class="govuk-date-input"' in page, url
        assert 'type="date"' not in page, url
    # The error summary links to the day box, as the Design System asks.
    response = officer.post(reverse("board:meeting_new"), {"date_0": "", "date_1": "4", "date_2": "2025"})
    page = response.content.decode()
    assert 'href="#id_date_0"' in page and "Date must include a day" in page


def test_plain_forms_converted_too():
    from svduty.web.funding.forms import SpendForm
    from svduty.web.risk.forms import ChallengeForm
    from svduty.web.strategy.forms import AgreeForm

    assert isinstance(AgreeForm(partnership=None).fields["agreed_on"], GovukDateField)
    assert isinstance(ChallengeForm().fields["raised_on"], GovukDateField)
    paid_on = SpendForm().fields["paid_on"]
    assert isinstance(paid_on, GovukDateField) and paid_on.initial is not None
