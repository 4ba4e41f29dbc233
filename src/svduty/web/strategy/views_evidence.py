"""Evidence pages: the local definition of serious violence (versions, approval, TOML for the workspace) and the
registered SNA versions (upload, tables, PDF, comparison)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.data.sv_definition import parse_document
from svduty.web.core.views import check, require

from . import permissions as perms
from .forms import CompareForm, DefinitionForm, SnaUploadForm
from .models import LocalDefinition, SnaVersion
from .options import DefinitionStatus
from .sna_versions import RegisterError, compare, read_zip, register
from .views import current_partnership


def _describe(definition: LocalDefinition) -> list[str]:
    return parse_document(definition.rules, str(definition)).describe()


# -- local definition --------------------------------------------------------------------------------------------------
@require(perms.can_view_definition)
def definitions(request):
    partnership = current_partnership()
    versions = LocalDefinition.objects.filter(partnership=partnership).select_related("created_by", "approved_by")
    current = versions.filter(status=DefinitionStatus.APPROVED).first()
    return render(
        request,
        "strategy/definitions.html",
        {
            "versions": versions,
            "current": current,
            "current_lines": _describe(current) if current else [],
            "can_edit": perms.can_edit_definition(request.user) and partnership is not None,
        },
    )


def definition_detail(request, pk):
    definition = get_object_or_404(LocalDefinition, pk=pk)
    denied = check(request, perms.can_view_definition(request.user))
    if denied:
        return denied
    return render(
        request,
        "strategy/definition.html",
        {
            "definition": definition,
            "lines": _describe(definition),
            "toml": parse_document(definition.rules).to_toml(),
            "can_edit": perms.can_edit_definition(request.user, definition),
            "can_approve": perms.can_approve_definition(request.user, definition),
            "history": definition.history.select_related("history_user").order_by("-history_date"),
        },
    )


def definition_form(request, pk=None):
    partnership = current_partnership()
    definition = get_object_or_404(LocalDefinition, pk=pk) if pk else None
    denied = check(
        request,
        perms.can_edit_definition(request.user, definition) and partnership is not None,
        _("An approved definition is never edited: start a new version"),
    )
    if denied:
        return denied
    base = definition or LocalDefinition.objects.filter(partnership=partnership).first()
    initial = DefinitionForm.initial_from(base.rules) if base else {"classified": True}
    if definition:
        initial["rationale"] = definition.rationale
    form = DefinitionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        doc = form.definition.document()
        with transaction.atomic():
            if definition is None:
                number = LocalDefinition.objects.filter(partnership=partnership).aggregate(n=Max("version"))["n"] or 0
                definition = LocalDefinition(partnership=partnership, version=number + 1, created_by=request.user)
            definition.name = form.definition.name
            definition.rules = doc
            definition.rationale = form.cleaned_data["rationale"]
            definition.save()
        messages.success(request, _("Definition version %(v)s saved as a draft") % {"v": definition.version})
        return redirect("strategy:definition", definition.pk)
    return render(request, "strategy/definition_form.html", {"form": form, "definition": definition})


@require_POST
def definition_approve(request, pk):
    definition = get_object_or_404(LocalDefinition, pk=pk)
    denied = check(request, perms.can_approve_definition(request.user, definition))
    if denied:
        return denied
    definition.status = DefinitionStatus.APPROVED
    definition.approved_by = request.user
    definition.approved_at = timezone.now()
    definition.save()
    messages.success(
        request,
        _("Version %(v)s approved: download its TOML and run svduty definition set so the SNA uses it")
        % {"v": definition.version},
    )
    return redirect("strategy:definition", definition.pk)


def definition_toml(request, pk):
    definition = get_object_or_404(LocalDefinition, pk=pk)
    denied = check(request, perms.can_view_definition(request.user))
    if denied:
        return denied
    d = parse_document(definition.rules)
    state = _("approved") if definition.status == DefinitionStatus.APPROVED else _("DRAFT, not approved")
    reference = f"{definition.partnership.name}, web version {definition.version} ({state})"
    text = d.to_toml().replace("\n", f'\nreference = "{reference.replace(chr(34), "")}"\n', 1)
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sv-definition-v{definition.version}.toml"'
    return response


# -- SNA versions ------------------------------------------------------------------------------------------------------
@require(perms.can_view_sna_versions)
def sna_list(request):
    versions = SnaVersion.objects.filter(partnership=current_partnership())
    return render(
        request,
        "strategy/sna_list.html",
        {
            "versions": versions,
            "can_register": perms.can_register_sna(request.user),
            "compare_form": CompareForm(versions=versions) if versions.count() > 1 else None,
        },
    )


@require(perms.can_register_sna)
def sna_register(request):
    partnership = current_partnership()
    form = SnaUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and partnership is not None:
        upload = form.cleaned_data["report_zip"]
        try:
            files = read_zip(upload.read(), upload.name)
        except RegisterError as exc:
            form.add_error("report_zip", str(exc))
        else:
            version = register(files, partnership, request.user, label=form.cleaned_data["label"])
            messages.success(request, _("Registered as %(v)s") % {"v": version})
            return redirect("strategy:sna", version.pk)
    return render(request, "strategy/sna_register.html", {"form": form})


def _version(pk) -> SnaVersion:
    return get_object_or_404(SnaVersion.objects.select_related("partnership", "registered_by"), pk=pk)


def sna_detail(request, pk):
    version = _version(pk)
    denied = check(request, perms.can_view_sna_versions(request.user))
    if denied:
        return denied
    s = version.summary
    return render(
        request,
        "strategy/sna_detail.html",
        {
            "version": version,
            "s": s,
            "tables": version.tables.all(),
            "measures": (s.get("success_measures") or {}).items(),
            "cited_by": version.cited_by.select_related("strategy"),
        },
    )


def sna_table(request, pk, name):
    version = _version(pk)
    denied = check(request, perms.can_view_sna_versions(request.user))
    if denied:
        return denied
    table = version.tables.filter(name=name).first()
    if table is None:
        raise Http404(_("No such table"))
    response = HttpResponse(table.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sna-v{version.number}-{name}.csv"'
    return response


def sna_pdf(request, pk):
    version = _version(pk)
    denied = check(request, perms.can_view_sna_versions(request.user))
    if denied:
        return denied
    if not version.pdf:
        raise Http404(_("This SNA version was registered without its PDF"))
    return FileResponse(version.pdf.open("rb"), content_type="application/pdf", filename=f"sna-v{version.number}.pdf")


@require(perms.can_view_sna_versions)
def sna_compare(request):
    versions = SnaVersion.objects.filter(partnership=current_partnership())
    form = CompareForm(request.GET or None, versions=versions)
    result = None
    if form.is_bound and form.is_valid():
        result = compare(form.cleaned_data["old"], form.cleaned_data["new"])
    return render(request, "strategy/sna_compare.html", {"form": form, "result": result})
