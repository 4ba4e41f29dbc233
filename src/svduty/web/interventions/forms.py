"""Staff edit an evidence record; providers name the approaches of their EOI; officers justify a harmful one."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages

from .models import Intervention
from .options import PreventionType


class InterventionForm(GovukMessages, forms.ModelForm):
    prevention = forms.MultipleChoiceField(
        label=_("Prevention level"), choices=PreventionType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    sources_text = forms.CharField(
        label=_("Sources"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: citation | https://page-url"),
    )

    class Meta:
        model = Intervention
        fields = [
            "name",
            "slug",
            "summary",
            "impact",
            "impact_pct",
            "impact_measure",
            "evidence_quality",
            "confidence",
            "cost",
            "setting",
            "target_ages",
            "emmie_effect",
            "mechanism",
            "moderators",
            "implementation",
            "economic_cost",
            "last_reviewed",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["prevention"].initial = self.instance.prevention_list
            self.fields["sources_text"].initial = "\n".join(
                f"{s['citation']} | {s['url']}" for s in self.instance.sources
            )

    def clean_sources_text(self):
        sources = []
        # The figures each shipped source states (``supports``) survive an edit of the citation text.
        supports = {s.get("url"): s["supports"] for s in (self.instance.sources or []) if s.get("supports")}
        check = URLValidator(schemes=["https"])
        for number, line in enumerate(self.cleaned_data["sources_text"].splitlines(), start=1):
            if not line.strip():
                continue
            citation, bar, url = line.rpartition("|")
            citation, url = citation.strip(), url.strip()
            if not bar or not citation:
                raise forms.ValidationError(_("Line %(n)s: write the citation, a | and the page URL") % {"n": number})
            try:
                check(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Line %(n)s: %(url)s is not an https web address") % {"n": number, "url": url}
                ) from None
            source = {"citation": citation, "url": url}
            if url in supports:
                source["supports"] = supports[url]
            sources.append(source)
        if not sources:
            raise forms.ValidationError(_("Cite at least one source page"))
        return sources

    def save(self, commit=True):
        self.instance.sources = self.cleaned_data["sources_text"]
        self.instance.prevention_levels = ",".join(self.cleaned_data["prevention"])
        return super().save(commit)


class ApproachesForm(GovukMessages, forms.Form):
    approaches = forms.ModelMultipleChoiceField(
        label=_("Approaches this intervention uses"),
        queryset=Intervention.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("From the evidence library: assessors see each approach's published rating beside your bid"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approaches"].label_from_instance = lambda a: f"{a.name} ({a.impact_label})"


class JustificationForm(GovukMessages, forms.Form):
    justification = forms.CharField(
        label=_("Why fund an approach rated harmful?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=40,
        help_text=_("Recorded with your name before the award; at least 40 characters"),
    )
