"""Index versions and their governance: the overview, a version's page, a new version, the ALGO-CARE checklist, the
DPIA, the ATRS record and its exports, threshold adoption and approval. Aggregates only: no person's score here."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.core.options import Role
from svduty.web.core.views import check, require

from . import atrs
from . import permissions as perms
from . import versions as ops
from .forms import AlgoCareForm, AtrsForm, DpiaForm, SignOffForm, VersionForm
from .models import AlgoCareAnswer, AtrsRecord, Dpia, IndexVersion
from .options import ALGO_CARE_QUESTIONS, AlgoCareHeading


def _version(number) -> IndexVersion:
    return get_object_or_404(IndexVersion.objects.select_related("owner", "created_by"), number=number)


def _form_page(request, form, *, title, version=None, button, intro="", back=None, enctype=False):
    return render(
        request,
        "risk/form.html",
        {
            "form": form,
            "title": title,
            "version": version,
            "button": button,
            "intro": intro,
            "back": back,
            "enctype": enctype,
        },
    )


@require(perms.can_view_aggregates)
def index(request):
    version, adoption, run = ops.in_use()
    return render(
        request,
        "risk/index.html",
        {
            "in_use": version,
            "adoption": adoption,
            "run": run,
            "bands": ops.bands(run, adoption.threshold) if run else [],
            "versions": IndexVersion.objects.select_related("owner"),
            "can_create": perms.can_create_version(request.user),
            "can_panel": perms.can_view_person_scores(request.user),
            "can_log": perms.can_view_access_log(request.user),
        },
    )


@require(perms.can_view_versions)
def version_detail(request, number):
    version = _version(number)
    user = request.user
    return render(
        request,
        "risk/version.html",
        {
            "version": version,
            "readiness": ops.readiness(version),
            "ready": ops.is_ready(version),
            "problems": ops.definition_problems(version),
            "second_hand": ops.second_hand_figures(version) if version.is_demo else [],
            "runs": version.runs.all(),
            "adoptions": version.adoptions.select_related("run", "adopted_by"),
            "label": ops.label(version),
            "definition_json": json.dumps(version.definition, indent=2, ensure_ascii=False),
            "can_create": perms.can_create_version(user),
            "can_import": perms.can_import_run(user),
            "can_adopt": perms.can_adopt_threshold(user, version),
            "can_approve": perms.can_approve_version(user, version),
            "history": version.history.select_related("history_user")[:20],
        },
    )


def _owners():
    return (
        get_user_model()
        .objects.filter(profile__role__in=[Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC])
        .select_related("profile__organisation")
        .order_by("last_name", "username")
    )


@require(perms.can_create_version)
def version_new(request, number):
    """Edit a version's definition: saving makes a new version; the one edited stays as it was."""
    base = _version(number)
    form = VersionForm(
        request.POST or None,
        owners=_owners(),
        base=base.definition,
        initial={**VersionForm.initial_from(base.definition), "owner": base.owner_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = ops.create_version(
                request.user,
                form.definition(),
                owner=form.cleaned_data["owner"],
                change_note=form.cleaned_data["change_note"],
                parent=base,
            )
        except ops.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Version %(n)s saved; version %(old)s is unchanged") % {"n": new.number, "old": base.number}
            )
            return redirect("risk:version", new.number)
    return _form_page(
        request,
        form,
        title=_("New version from version %(n)s") % {"n": base.number},
        version=base,
        button=_("Save as a new version"),
        intro=_(
            "Saving never changes version %(n)s: it makes a new version with its own content hash. Scores keep "
            "the version they were made with. The new version needs its own ALGO-CARE checklist, DPIA, scoring "
            "run and fairness review before it can be used."
        )
        % {"n": base.number},
    )


@require(perms.can_view_versions)
def algocare(request, number):
    version = _version(number)
    answers = {a.heading: a for a in version.algocare.select_related("updated_by")}
    items = [
        {"heading": h, "label": h.label, "question": ALGO_CARE_QUESTIONS[h], "answer": answers.get(h.value)}
        for h in AlgoCareHeading
    ]
    return render(
        request,
        "risk/algocare.html",
        {
            "version": version,
            "items": items,
            "complete": ops.checklist_complete(version),
            "can_edit": perms.can_edit_algocare(request.user, version),
            "can_sign": perms.can_sign_checklist(request.user, version) and ops.checklist_complete(version),
        },
    )


@require(perms.can_view_versions)
def algocare_edit(request, number, heading):
    version = _version(number)
    if heading not in AlgoCareHeading.values:
        raise Http404
    denied = check(request, perms.can_edit_algocare(request.user, version))
    if denied:
        return denied
    existing = version.algocare.filter(heading=heading).first()
    initial = {"answer": existing.answer, "evidence": existing.evidence} if existing else {}
    form = AlgoCareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        AlgoCareAnswer.objects.update_or_create(
            version=version,
            heading=heading,
            defaults={**form.cleaned_data, "updated_by": request.user, "updated_at": timezone.now()},
        )
        messages.success(request, _("Answer saved"))
        return redirect("risk:algocare", version.number)
    return _form_page(
        request,
        form,
        title=AlgoCareHeading(heading).label,
        version=version,
        button=_("Save the answer"),
        intro=ALGO_CARE_QUESTIONS[AlgoCareHeading(heading)],
        back=("risk:algocare", version.number),
    )


@require(perms.can_view_versions)
def algocare_sign(request, number):
    version = _version(number)
    allowed = perms.can_sign_checklist(request.user, version) and ops.checklist_complete(version)
    denied = check(request, allowed, _("Only the version's named owner signs off a complete checklist"))
    if denied:
        return denied
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ops.sign_checklist(request.user, version)
        messages.success(request, _("ALGO-CARE checklist signed off"))
        return redirect("risk:algocare", version.number)
    return _form_page(
        request,
        form,
        title=_("Sign off the ALGO-CARE checklist"),
        version=version,
        button=_("Sign off"),
        back=("risk:algocare", version.number),
    )


@require(perms.can_view_versions)
def dpia(request, number):
    version = _version(number)
    record = Dpia.objects.filter(version=version).select_related("signed_off_by", "updated_by").first()
    return render(
        request,
        "risk/dpia.html",
        {
            "version": version,
            "dpia": record,
            "fields": [
                (f.verbose_name, getattr(record, f.name))
                for f in DpiaForm._meta.model._meta.fields
                if f.name in DpiaForm._meta.fields
            ]
            if record
            else [],
            "can_edit": perms.can_edit_dpia(request.user, version),
            "can_sign": perms.can_sign_dpia(request.user, version),
        },
    )


@require(perms.can_view_versions)
def dpia_edit(request, number):
    version = _version(number)
    denied = check(request, perms.can_edit_dpia(request.user, version))
    if denied:
        return denied
    record = Dpia.objects.filter(version=version).first()
    form = DpiaForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.version, saved.updated_by, saved.updated_at = version, request.user, timezone.now()
        saved.save()
        messages.success(request, _("DPIA saved"))
        return redirect("risk:dpia", version.number)
    return _form_page(
        request,
        form,
        title=_("Data protection impact assessment"),
        version=version,
        button=_("Save the DPIA"),
        back=("risk:dpia", version.number),
    )


@require(perms.can_view_versions)
def dpia_sign(request, number):
    version = _version(number)
    denied = check(request, perms.can_sign_dpia(request.user, version), _("Only the data protection officer"))
    if denied:
        return denied
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Dpia.objects.filter(version=version).update(signed_off_by=request.user, signed_off_at=timezone.now())
        messages.success(request, _("DPIA signed off"))
        return redirect("risk:dpia", version.number)
    return _form_page(
        request,
        form,
        title=_("Sign off the DPIA"),
        version=version,
        button=_("Sign off"),
        back=("risk:dpia", version.number),
    )


def atrs_values(version) -> dict[str, str]:
    record = AtrsRecord.objects.filter(version=version).first()
    return record.fields if record else generated_atrs(version)


def generated_atrs(version) -> dict[str, str]:
    from svduty.web.partnership.models import Partnership

    partnership = Partnership.objects.order_by("id").first()
    owner = version.owner
    organisation = partnership.lead_convenor.name if partnership and partnership.lead_convenor_id else ""
    return atrs.generate(
        version,
        organisation=organisation or (partnership.name if partnership else ""),
        contact_email=owner.email,
        website_url="",
        owner=version.definition.get("owner") or owner.get_full_name() or owner.username,
    )


@require(perms.can_view_versions)
def atrs_record(request, number):
    version = _version(number)
    values = atrs_values(version)
    return render(
        request,
        "risk/atrs.html",
        {
            "version": version,
            "rows": atrs.record_rows(values),
            "saved": AtrsRecord.objects.filter(version=version).exists(),
            "source": atrs.SOURCE,
            "can_edit": perms.can_edit_governance(request.user, version),
        },
    )


@require(perms.can_view_versions)
def atrs_edit(request, number):
    version = _version(number)
    denied = check(request, perms.can_edit_governance(request.user, version))
    if denied:
        return denied
    form = AtrsForm(request.POST or None, values=atrs_values(version))
    if request.method == "POST" and form.is_valid():
        AtrsRecord.objects.update_or_create(
            version=version,
            defaults={"fields": form.values(), "updated_by": request.user, "updated_at": timezone.now()},
        )
        messages.success(request, _("ATRS record saved"))
        return redirect("risk:atrs", version.number)
    return _form_page(
        request,
        form,
        title=_("Edit the ATRS record"),
        version=version,
        button=_("Save the record"),
        intro=_("Fields of the Algorithmic Transparency Recording Standard v3.0; Tier 1 fields are required."),
        back=("risk:atrs", version.number),
    )


def _download(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require(perms.can_view_versions)
def atrs_csv(request, number):
    version = _version(number)
    return _download(atrs.to_csv(atrs_values(version)), f"atrs-v{version.number}.csv", "text/csv; charset=utf-8")


@require(perms.can_view_versions)
def atrs_json(request, number):
    version = _version(number)
    return _download(atrs.to_json(atrs_values(version)), f"atrs-v{version.number}.json", "application/json")


@require(perms.can_view_versions)
def approve(request, number):
    version = _version(number)
    denied = check(request, perms.can_approve_version(request.user, version), _("Only the named owner"))
    if denied:
        return denied
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ops.approve(request.user, version)
        except ops.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Version %(n)s is approved for use") % {"n": version.number})
            return redirect("risk:version", version.number)
    return render(
        request,
        "risk/approve.html",
        {"form": form, "version": version, "readiness": ops.readiness(version), "ready": ops.is_ready(version)},
    )
