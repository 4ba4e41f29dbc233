"""The data-sharing agreements register. Every access decision calls a function in ``permissions``."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require

from . import permissions as perms
from .export import register_export
from .forms import AgreementForm, SignedCopyForm
from .models import DataSharingAgreement, SignedCopy, SignedCopyAccess


@require(perms.can_view_agreements)
def agreement_list(request):
    agreements = DataSharingAgreement.objects.prefetch_related("parties")
    return render(
        request,
        "agreements/list.html",
        {"agreements": agreements, "can_manage": perms.can_manage_agreements(request.user)},
    )


@require(perms.can_manage_agreements)
def agreement_new(request):
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agreement = form.save(commit=False)
        agreement.created_by = request.user
        agreement.save()
        form.save_m2m()
        messages.success(request, _("Agreement %(ref)s added to the register") % {"ref": agreement.reference})
        return redirect("agreements:detail", agreement.pk)
    return render(request, "agreements/form.html", {"form": form, "title": _("New data-sharing agreement")})


@require(perms.can_view_agreements)
def agreement_detail(request, pk):
    agreement = get_object_or_404(DataSharingAgreement.objects.prefetch_related("parties", "signed_copies"), pk=pk)
    can_manage = perms.can_manage_agreements(request.user)
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "can_manage": can_manage,
            "can_download": perms.can_download_signed_copy(request.user, None),
            "copy_form": SignedCopyForm() if can_manage else None,
            "history": agreement.history.select_related("history_user")[:20] if can_manage else [],
        },
    )


@require(perms.can_manage_agreements)
def agreement_edit(request, pk):
    agreement = get_object_or_404(DataSharingAgreement, pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Agreement %(ref)s updated") % {"ref": agreement.reference})
        return redirect("agreements:detail", agreement.pk)
    title = _("Edit %(ref)s") % {"ref": agreement.reference}
    return render(request, "agreements/form.html", {"form": form, "title": title, "agreement": agreement})


@require_POST
@require(perms.can_manage_agreements)
def copy_upload(request, pk):
    agreement = get_object_or_404(DataSharingAgreement, pk=pk)
    form = SignedCopyForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        copy = SignedCopy(
            agreement=agreement,
            original_name=upload.name[:200],
            content_type=upload.svduty_content_type,
            size=upload.size,
            uploaded_by=request.user,
        )
        copy.file.save(upload.name, upload, save=True)
        messages.success(request, _("Signed copy %(name)s uploaded") % {"name": copy.original_name})
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [_("Choose a file")])))
    return redirect("agreements:detail", agreement.pk)


def copy_download(request, pk):
    copy = get_object_or_404(SignedCopy.objects.select_related("agreement"), pk=pk)
    denied = check(request, perms.can_download_signed_copy(request.user, copy))
    if denied:
        return denied
    try:
        handle = copy.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage")) from None
    SignedCopyAccess.objects.create(copy=copy, user=request.user)
    response = FileResponse(handle, as_attachment=True, filename=copy.original_name)
    response["Content-Type"] = copy.content_type
    response["Cache-Control"] = "private, no-store"
    return response


@require(perms.can_export_agreements)
def export(request):
    """The register for ``svduty agreements load`` (the workspace keeps its own copy; nothing calls back here)."""
    body = json.dumps(register_export(), indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="agreements-export.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require(perms.can_view_agreements)
def ingests(request):
    """Each dataset in the analysts' workspace and the agreement it came under (read-only; DuckDB may be busy)."""
    from svduty.data import WorkspaceError
    from svduty.data.status import workspace_status
    from svduty.data.workspace import Workspace

    rows, problem = [], None
    known = {a.reference: a for a in DataSharingAgreement.objects.all()}
    try:
        with Workspace.open(settings.WORKSPACE, read_only=True) as ws:
            status = workspace_status(ws.con)
    except WorkspaceError as exc:
        status, problem = None, str(exc)
    if status is not None:
        for item in status["ingests"]:
            agreement = item.get("agreement") or {}
            ref = agreement.get("reference")
            rows.append(
                {
                    "file": item["file"].rsplit("/", 1)[-1],
                    "source": item["source"],
                    "rows": item["rows_stored"],
                    "reference": ref,
                    "checked": agreement.get("checked") or _("not recorded"),
                    "agreement": known.get(ref),
                }
            )
    return render(request, "agreements/ingests.html", {"rows": rows, "problem": problem})
