"""Forms for rounds, question sets, EOIs, uploads, declarations, scoring, moderation and awards."""

from __future__ import annotations

from django import forms
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukDateField, GovukMessages, PoundsField, YesNoField
from svduty.web.core.money import check_financial_year, format_pence

from .models import Award, Criterion, Moderation, Question, Round
from .options import Recommendation


class RoundForm(GovukMessages, forms.ModelForm):
    max_award = PoundsField(label=_("Maximum award"), min_pence=1)
    available_budget = PoundsField(
        label=_("Budget available for this round"),
        required=False,
        help_text=_("In pounds, for example 200,000. The ranking draws the funding line at this amount."),
    )
    opens_on = GovukDateField(label=_("Opens on"))
    closes_on = GovukDateField(label=_("Closes on"))
    review_deadline = GovukDateField(
        label=_("Assessors' deadline"),
        required=False,
        help_text=_("Reviews are due by this date; assessors are reminded before it. For example, 27 3 2025"),
    )
    confirm_open = forms.BooleanField(
        label=_("Open the round even though its launch decision is not approved"),
        required=False,
    )

    class Meta:
        model = Round
        fields = [
            "title",
            "description",
            "stream",
            "priorities",
            "eligible_areas",
            "financial_years",
            "opens_on",
            "closes_on",
            "reviews_required",
            "review_deadline",
            "launch_record",
        ]
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "stream": _("Funding stream"),
            "priorities": _("Priorities"),
            "eligible_areas": _("Eligible areas"),
            "financial_years": _("Financial years"),
            "reviews_required": _("Reviews needed before a decision"),
            "launch_record": _("Launch decision record"),
        }
        help_texts = {
            "priorities": _("The strategy priorities this round targets"),
            "eligible_areas": _("One area a line, e.g. a district or community safety partnership"),
            "financial_years": _("Comma-separated, e.g. 2024-25, 2025-26"),
            "launch_record": _("The PCC decision that approves launching this round"),
        }
        widgets = {
            "priorities": forms.CheckboxSelectMultiple,
            "eligible_areas": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from svduty.web.decisions.models import DecisionRecord

        self.fields["launch_record"].queryset = DecisionRecord.objects.order_by("-year", "-number")
        self.fields["launch_record"].empty_label = _("None yet")
        self.fields["reviews_required"].required = False  # left empty: the current number (2 for a new round)
        self.largest_award_pence = 0
        if self.instance.pk:
            self.fields["max_award"].initial = self.instance.max_award_pence
            self.fields["available_budget"].initial = self.instance.available_budget_pence
            largest = Award.objects.filter(application__round=self.instance).aggregate(m=Max("amount_pence"))["m"]
            if largest is not None:
                # Awards are committed against this stream's budgets for these years and published (360Giving)
                # under its funder: moving the round would leave them pointing at the wrong money.
                self.largest_award_pence = largest
                for name in ("stream", "financial_years"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Fixed: this round has awards")

    def clean_financial_years(self):
        years = [y.strip() for y in self.cleaned_data["financial_years"].split(",") if y.strip()]
        try:
            years = [check_financial_year(y) for y in years]
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not years:
            raise forms.ValidationError(_("Enter at least one financial year, like 2024-25"))
        return ", ".join(years)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The closing date must be on or after the opening date"))
        if data.get("max_award") is not None and data["max_award"] < self.largest_award_pence:
            self.add_error(
                "max_award",
                _("The maximum award cannot be less than this round's largest award of %(amount)s")
                % {"amount": format_pence(self.largest_award_pence, whole=True)},
            )
        today = timezone.localdate()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and opens <= today <= closes and not data.get("confirm_open"):
            # Opening now (or keeping open) a round whose launch the PCC has not approved (issue 17 defect 8).
            probe = Round(launch_record=data.get("launch_record"))
            warning = probe.launch_warning()
            if warning:
                self.add_error(
                    "confirm_open",
                    _("This round would be open now. %(warning)s Tick the box to open it anyway.")
                    % {"warning": warning},
                )
        return data

    def clean_reviews_required(self):
        value = self.cleaned_data.get("reviews_required")
        return value if value is not None else (self.instance.reviews_required or 2)

    def save(self, commit=True):
        self.instance.max_award_pence = self.cleaned_data["max_award"]
        self.instance.available_budget_pence = self.cleaned_data.get("available_budget")
        return super().save(commit)


class PanelForm(GovukMessages, forms.Form):
    """The round's panel: its name and which partner assessors sit on it."""

    name = forms.CharField(label=_("Panel name"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        label=_("Assessors on the panel"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each will declare interests per application before seeing it"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["members"].queryset = (
            get_user_model().objects.filter(profile__role="assessor").order_by("last_name", "first_name")
        )
        self.fields["members"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}, {u.profile.organisation or _('no organisation')}"
        )


class CriterionForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "guidance", "weight", "max_score", "order"]
        labels = {
            "name": _("Criterion"),
            "guidance": _("Guidance for assessors"),
            "max_score": _("Highest score"),
            "weight": _("Weight"),
            "order": _("Order"),
        }


class QuestionForm(GovukMessages, forms.ModelForm):
    """A question of the round's question set; staff add and edit them in place."""

    class Meta:
        model = Question
        fields = ["text", "help_text", "kind", "choices", "word_limit", "required", "order"]
        labels = {
            "text": _("Question"),
            "help_text": _("Hint"),
            "kind": _("Type of answer"),
            "choices": _("Options"),
            "word_limit": _("Word limit"),
            "required": _("An answer is needed to submit"),
            "order": _("Position in the question set"),
        }
        help_texts = {
            "choices": _("For a choice question: one option a line"),
            "word_limit": _("For a text answer; leave empty for no limit"),
        }
        widgets = {"kind": forms.RadioSelect, "choices": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        options = [c for c in (data.get("choices") or "").splitlines() if c.strip()]
        if data.get("kind") == "choice" and len(options) < 2:
            self.add_error("choices", _("Enter at least two options, one a line"))
        if data.get("order") == 0:
            self.add_error("order", _("Questions are numbered from 1"))
        return data


class DeclarationForm(GovukMessages, forms.Form):
    conditional_reveals = {"has_conflict": {"yes": ("details",)}}
    has_conflict = YesNoField(
        label=_("Do you have a personal, prejudicial or organisational interest in this application?"),
        help_text=_("For example you, a relative or your organisation works for, funds or partners the applicant"),
    )
    details = forms.CharField(
        label=_("Describe the interest"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    details.error_messages["required"] = _("Describe the interest you are declaring")
    details.explicit_required_message = True


class ScoreForm(GovukMessages, forms.Form):
    """A full review: a score and a comment per criterion, an overall recommendation and comments."""

    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {s.criterion_id: s for s in review.scores.all()} if review else {}
        for criterion in self.criteria:
            score = existing.get(criterion.pk)
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s (weight %(weight)s)") % {"name": criterion.name, "weight": criterion.weight},
                help_text=criterion.guidance,
                choices=[(str(i), str(i)) for i in range(criterion.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"data-inline": "1"}),
                initial=str(score.score) if score else None,
            )
            self.fields[f"criterion_{criterion.pk}"].error_messages["required"] = _("Select a score for %(name)s") % {
                "name": criterion.name
            }
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Your comment on %(name)s") % {"name": criterion.name},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=score.comment if score else "",
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Should this application be funded?"),
            choices=Recommendation.choices,
            widget=forms.RadioSelect(attrs={"data-inline": "1"}),
            initial=review.recommendation if review else None,
        )
        self.fields["recommendation"].error_messages["required"] = _("Select yes, maybe or no")
        self.fields["comment"] = forms.CharField(
            label=_("Comments for the panel"),
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            initial=review.comment if review else "",
        )

    def criterion_rows(self):
        return [(c, self[f"criterion_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class ModerationForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Moderation
        fields = ["score_percent", "reason"]
        labels = {"score_percent": _("Moderated score (out of 100)"), "reason": _("Reason for the moderated score")}


class ReopenForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label=_("Why are you re-opening moderation?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Assessors may then change their scores; the next moderation fixes them again"),
    )
    reason.error_messages["required"] = _("Enter why you are re-opening moderation")
    reason.explicit_required_message = True


class BeforeCloseMixin:
    """Adds "why now?" when a decision is made before the round closes (issue 17 defect 5)."""

    def add_before_close(self, application):
        from .permissions import decision_blockers

        self.blockers = decision_blockers(application)
        if "open" in self.blockers:
            self.fields["before_close_reason"] = forms.CharField(
                label=_("Why can this decision not wait until the round closes?"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=self.blockers["open"],
            )
            self.fields["before_close_reason"].error_messages["required"] = _(
                "Enter why the decision cannot wait until the round closes"
            )


class AwardForm(BeforeCloseMixin, GovukMessages, forms.Form):
    show_optional = False  # at least one year's amount is needed; which years is up to the officer
    conditions = forms.CharField(
        label=_("Conditions of the award"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. quarterly monitoring returns; evaluation with the VRU; the funder's grant conditions"),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        from svduty.web.decisions.models import DecisionRecord

        drafts = DecisionRecord.objects.filter(state="draft", awards__application__round=application.round).distinct()
        self.fields["record"] = forms.ChoiceField(
            label=_("Decision record"),
            choices=[("new", _("Draft a new decision record"))]
            + [
                (r.reference, _("Add to draft %(ref)s: %(title)s") % {"ref": r.reference, "title": r.title})
                for r in drafts
            ],
            initial="new",
            required=False,
            widget=forms.RadioSelect,
            help_text=_("One decision record can approve several awards of the round, as DN50-24 did"),
        )
        lines = {b.financial_year: b.amount_pence for b in application.budget_lines.all()}
        for year in application.round.year_list:
            self.fields[f"amount_{year}"] = PoundsField(
                label=_("Award for %(year)s") % {"year": year}, required=False, initial=lines.get(year)
            )
        self.add_before_close(application)

    def amount_fields(self):
        return [self[f"amount_{y}"] for y in self.application.round.year_list]

    def split(self) -> dict[str, int]:
        return {
            y: self.cleaned_data[f"amount_{y}"]
            for y in self.application.round.year_list
            if self.cleaned_data.get(f"amount_{y}")
        }

    def clean(self):
        data = super().clean()
        total = sum(v for k, v in data.items() if k.startswith("amount_") and v)
        first = f"amount_{self.application.round.year_list[0]}"
        if total <= 0:
            self.add_error(first, _("Enter the amount awarded for at least one financial year"))
        elif total > self.application.round.max_award_pence:
            self.add_error(
                first,
                _("The award (%(total)s) is more than the round's maximum of %(max)s")
                % {"total": format_pence(total, whole=True), "max": self.application.round.max_award_display},
            )
        return data


class DeclineForm(BeforeCloseMixin, GovukMessages, forms.Form):
    reason = forms.CharField(
        label=_("Reason the application is not funded"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant sees this in the decline letter and on their application"),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_before_close(application)


class RequestInfoForm(GovukMessages, forms.Form):
    message = forms.CharField(
        label=_("What do you need to know?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The applicant sees this message, answers it and resubmits"),
    )
    message.error_messages["required"] = _("Enter what you need to know")
    message.explicit_required_message = True


class AgreementForm(GovukMessages, forms.Form):
    signed_on = GovukDateField(label=_("Date the grant agreement was signed"))

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date the agreement was signed cannot be in the future"))
        return value
