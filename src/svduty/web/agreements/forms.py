from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages

from .models import DataSharingAgreement
from .options import Dataset

SIGNED_COPY_TYPES = {".pdf": ("application/pdf", (b"%PDF-",))}


class AgreementForm(GovukMessages, forms.ModelForm):
    datasets = forms.MultipleChoiceField(
        label=_("Datasets shared"),
        choices=Dataset.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingests of these datasets into the analysts' workspace are checked against this agreement"),
    )

    class Meta:
        model = DataSharingAgreement
        fields = [
            "reference",
            "title",
            "parties",
            "datasets",
            "purpose",
            "gateway",
            "article_6",
            "article_9",
            "dpa_condition",
            "part_3",
            "retention",
            "starts_on",
            "review_on",
            "ends_on",
            "status",
            "dpia_done",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "gateway": forms.RadioSelect,
            "article_6": forms.RadioSelect,
            "status": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "retention": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        starts, review, ends = data.get("starts_on"), data.get("review_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date"))
        if starts and review and review < starts:
            self.add_error("review_on", _("The review date must be on or after the start date"))
        parties = data.get("parties")
        if parties is not None and len(parties) < 2:
            self.add_error("parties", _("Select at least two parties: the one sharing and the one receiving"))
        article_9, datasets = data.get("article_9"), data.get("datasets") or []
        if {"istv", "admissions"} & set(datasets) and data.get("article_6") != "none" and not article_9:
            self.add_error("article_9", _("Health data are special-category data: select an article 9 condition"))
        return data


class SignedCopyForm(GovukMessages, forms.Form):
    file = forms.FileField(label=_("Upload the signed copy"), help_text=_("PDF, up to 5 MB"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 5 MB"))
        if upload.size == 0:
            raise forms.ValidationError(_("The selected file is empty"))
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SIGNED_COPY_TYPES:
            raise forms.ValidationError(_("The signed copy must be a PDF"))
        content_type, magics = SIGNED_COPY_TYPES[suffix]
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(m) for m in magics):
            raise forms.ValidationError(_("The file's contents are not a PDF"))
        upload.svduty_content_type = content_type
        return upload
