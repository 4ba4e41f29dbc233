"""The evaluation upload (result.json required, evaluation.pdf optional) and the practice-note form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PracticeNote
from .options import MAX_PDF_BYTES, MAX_RESULT_BYTES
from .results import ResultError, parse


class EvaluationUploadForm(forms.Form):
    result_file = forms.FileField(
        label=_("result.json"),
        help_text=_("The result.json written by svduty evaluate its, did or synth"),
    )
    report_pdf = forms.FileField(
        label=_("evaluation.pdf"),
        required=False,
        help_text=_("The evaluation report; kept private to the partnership and the programme's provider"),
    )

    def clean_result_file(self):
        upload = self.cleaned_data["result_file"]
        if upload.size > MAX_RESULT_BYTES:
            raise forms.ValidationError(_("result.json is larger than 2 MB: is it the right file?"))
        try:
            self.document, self.headline = parse(upload.read())
        except ResultError as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean_report_pdf(self):
        upload = self.cleaned_data.get("report_pdf")
        if not upload:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The PDF is larger than 25 MB"))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("evaluation.pdf is not a PDF file"))
        return upload


class PracticeNoteForm(forms.ModelForm):
    class Meta:
        model = PracticeNote
        fields = [
            "title",
            "what_was_done",
            "for_whom",
            "where",
            "area_code",
            "cost_pence",
            "cost_note",
            "result",
            "strength_level",
            "strength_reason",
            "contact",
        ]
        widgets = {
            "what_was_done": forms.Textarea(attrs={"rows": 6}),
            "for_whom": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 4}),
            "strength_reason": forms.Textarea(attrs={"rows": 4}),
        }
