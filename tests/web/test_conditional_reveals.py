"""GOV.UK conditional reveals (issue 17): a radio or checkbox answer reveals a nested question. The nested field is
rendered once, inside the answer's ``govuk-radios__conditional`` block (hidden only by the Design System's CSS when
JavaScript runs, so with JavaScript off it is shown); the server makes it required only under that answer and
discards what was typed in it otherwise."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from .conftest import client_for


def _render(form, *names) -> str:
    tpl = Template("{% load svduty %}" + "".join(f"{{% govuk_field form.{n} %}}" for n in names))
    return tpl.render(Context({"form": form}))


def test_declaration_reveal_validates_both_ways():
    from svduty.web.commissioning.forms import DeclarationForm

    form = DeclarationForm({"has_conflict": "yes", "details": "  "})
    assert not form.is_valid()
    assert form.errors["details"] == ["Describe the interest you are declaring"]
    form = DeclarationForm({"has_conflict": "no"})
    assert form.is_valid(), form.errors
    # Typed under Yes, then the answer changed to No: the hidden text is discarded.
    form = DeclarationForm({"has_conflict": "no", "details": "My brother runs it"})
    assert form.is_valid() and form.cleaned_data["details"] == ""
    form = DeclarationForm({"has_conflict": "yes", "details": "My brother runs it"})
    assert form.is_valid() and form.cleaned_data["details"] == "My brother runs it"


def test_reveal_markup_nested_once_hidden_until_chosen():
    from svduty.web.commissioning.forms import DeclarationForm

    html = _render(DeclarationForm(), "has_conflict", "details")
    assert html.count('name="details"') == 1
    yes = re.search(r'<input[^>]*value="yes"[^>]*>', html).group(0)
    assert 'data-aria-controls="conditional-id_has_conflict_1"' in yes
    block = re.search(r'<div class="govuk-radios__conditional([^"]*)" id="conditional-id_has_conflict_1">', html)
    assert block and block.group(1) == " govuk-radios__conditional--hidden"
    # The nested question sits inside the block, right after the Yes item; "(optional)" is not shown.
    after = html.split('id="conditional-id_has_conflict_1">', 1)[1]
    assert after.lstrip().startswith('<div class="govuk-form-group') and 'name="details"' in after
    assert "(optional)" not in html
    # Conditional reveals are not put in inline radios.
    assert "govuk-radios--inline" not in html
    # Posted with Yes and an empty answer: the block is shown, with the error inside it.
    form = DeclarationForm({"has_conflict": "yes", "details": ""})
    form.is_valid()
    html = _render(form, "has_conflict", "details")
    assert 'class="govuk-radios__conditional" id="conditional-id_has_conflict_1"' in html
    assert 'id="id_details-error"' in html.split("conditional-id_has_conflict_1", 2)[2]


def test_single_checkbox_reveal_on_the_decision_record():
    from svduty.web.decisions.forms import DecisionRecordForm

    base = {
        "title": "T",
        "background": "B",
        "recommendation": "R",
        "financial_implications": "None",
        "legal_implications": "None",
        "equalities_implications": "None",
    }
    form = DecisionRecordForm({**base, "publication_deferred": "on"})
    assert not form.is_valid()
    assert form.errors["deferral_reason"] == ["Give the reason publication is deferred"]
    assert form.errors["deferred_until"] == ["Enter the date the decision will be published"]
    form = DecisionRecordForm({**base, "deferral_reason": "Purdah", "deferred_until_0": "1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deferral_reason"] == "" and form.cleaned_data["deferred_until"] is None
    html = _render(DecisionRecordForm(), "publication_deferred", "deferral_reason", "deferred_until")
    assert 'data-aria-controls="conditional-id_publication_deferred"' in html
    assert 'class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden"' in html
    assert html.count('name="deferral_reason"') == 1 and html.count('name="deferred_until_0"') == 1


@pytest.mark.parametrize(
    ("path", "kwargs", "controller", "answer", "other", "field", "message"),
    [
        (
            "svduty.web.decisions.forms.PCCDecisionForm",
            {},
            "pcc_has_interest",
            "yes",
            "no",
            "pcc_interest_details",
            "Describe the interest you are declaring",
        ),
        (
            "svduty.web.referrals.forms.RespondForm",
            {},
            "decision",
            "reject",
            "accept",
            "reason",
            "Enter the reason for rejecting the referral",
        ),
        (
            "svduty.web.referrals.forms.DoneForm",
            {},
            "successful",
            "no",
            "yes",
            "reason",
            "Select why the referral did not succeed",
        ),
        (
            "svduty.web.referrals.forms.ConsentForm",
            {},
            "status",
            "overridden",
            "given",
            "reason",
            "Enter the reason consent is overridden",
        ),
        (
            "svduty.web.programmes.forms.ReviewForm",
            {},
            "decision",
            "return",
            "accept",
            "comment",
            "Say what the provider needs to change",
        ),
    ],
)
def test_every_if_yes_question_is_a_reveal(path, kwargs, controller, answer, other, field, message):
    import importlib

    module, name = path.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    form = cls({controller: answer}, **kwargs)
    form.is_valid()
    assert form.errors.get(field) == [message]
    form = cls({controller: other, field: "typed then changed"}, **kwargs)
    form.is_valid()
    assert field not in form.errors
    assert form.cleaned_data.get(field) in ("", None)
    html = _render(cls(**kwargs), controller, field)
    assert html.count(f'name="{field}"') == 1 and "__conditional--hidden" in html


def test_consent_override_reveals_basis_and_reason_and_resolve_correction():
    from svduty.web.referrals.forms import ConsentForm
    from svduty.web.risk.forms import ResolveForm
    from svduty.web.risk.models import Component

    form = ConsentForm({"kind": ConsentForm.base_fields["kind"].choices[0][0], "status": "overridden"})
    form.is_valid()
    assert form.errors["lawful_basis"] == ["Select the lawful basis for sharing without consent"]
    form = ResolveForm({"status": "upheld", "outcome": "Wrong person"}, components=Component.objects.none())
    assert not form.is_valid() and form.errors["correction"] == ["An upheld challenge says what was corrected"]
    form = ResolveForm({"status": "not_upheld", "outcome": "Right"}, components=Component.objects.none())
    assert form.is_valid(), form.errors


def test_declare_page_reveals_details_and_works_without_javascript(world):
    client = client_for("assessor")
    url = reverse("commissioning:declare", args=[world.submitted_fresh.pk])
    page = client.get(url).content.decode()
    assert "govuk-radios__conditional govuk-radios__conditional--hidden" in page
    assert page.count('name="details"') == 1
    # The server, not the script, decides: Yes without details is refused, with the error summary linking to it.
    response = client.post(url, {"has_conflict": "yes", "details": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_details"' in body and "Describe the interest you are declaring" in body
