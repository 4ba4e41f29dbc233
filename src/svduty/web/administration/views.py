"""In-app administration: funding streams (totals through the ledger), partner organisations, the partnership and
its members, users and their roles. Each change keeps its django-simple-history row, shown on the edit page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from svduty.web.accounts.models import ProviderLead
from svduty.web.accounts.permissions import lead_of
from svduty.web.core.options import Role
from svduty.web.core.pagination import paginate
from svduty.web.core.permissions import role_of
from svduty.web.core.views import check, require
from svduty.web.funding import ledger
from svduty.web.funding.models import FundingStream
from svduty.web.partnership.models import Organisation, Partnership, Profile

from . import permissions as perms
from .forms import OrganisationForm, PartnershipForm, StreamForm, UserForm


def history_rows(history, limit: int = 20) -> list[dict]:
    """Newest first: when, who, what kind of change and which fields changed (simple-history's diff against the
    previous version), for the "History" table on each edit page."""
    records = list(history.select_related("history_user")[: limit + 1])
    rows = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changed = []
        if previous is not None and record.history_type == "~":
            changed = [c.field for c in record.diff_against(previous).changes]
        rows.append({"record": record, "changed": changed})
    return rows


@require(perms.can_administer)
def home(request):
    return render(request, "administration/home.html", {"can_manage_funding": perms.can_manage_funding(request.user)})


@require(perms.can_manage_funding)
def streams(request):
    items = [(s, ledger.position(s)) for s in FundingStream.objects.select_related("funder")]
    return render(request, "administration/streams.html", {"items": items})


@require(perms.can_manage_funding)
def stream_new(request):
    form = StreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partnership = Partnership.objects.order_by("id").first()
        if partnership is None:
            form.add_error(None, _("Set up the partnership first"))
        else:
            stream = FundingStream.objects.create(
                partnership=partnership,
                name=data["name"],
                funder=data["funder"],
                total_pence=data["total"],
                conditions=data["conditions"],
                is_demo=partnership.is_demo,
            )
            messages.success(
                request, _("Funding stream %(name)s added: now set its budget for each year") % {"name": stream.name}
            )
            return redirect("funding:stream", stream.pk)
    return render(
        request,
        "administration/form.html",
        {"form": form, "title": _("Add a funding stream"), "back": "administration:streams"},
    )


@require(perms.can_manage_funding)
def stream_edit(request, pk):
    stream = get_object_or_404(FundingStream, pk=pk)
    initial = {
        "name": stream.name,
        "funder": stream.funder,
        "total": stream.total_pence,
        "conditions": stream.conditions,
    }
    form = StreamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["total"] != stream.total_pence:
                    ledger.set_total(stream, data["total"])  # refuses a total below the yearly budgets
                    stream.refresh_from_db()
                stream.name, stream.funder, stream.conditions = data["name"], data["funder"], data["conditions"]
                stream.save()
        except ledger.OverCommitment as exc:
            form.add_error("total", str(exc))
        else:
            messages.success(request, _("Funding stream %(name)s saved") % {"name": stream.name})
            return redirect("administration:streams")
    return render(
        request,
        "administration/form.html",
        {
            "form": form,
            "title": _("Edit funding stream"),
            "back": "administration:streams",
            "history": history_rows(stream.history),
            "note": _(
                "Budgets for each year are set on the stream's funding page, where the ledger checks them "
                "against what is committed."
            ),
        },
    )


@require(perms.can_manage_organisations)
def organisations(request):
    items = Organisation.objects.all()
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    if q:
        items = items.filter(Q(name__icontains=q) | Q(charity_number=q) | Q(company_number__iexact=q))
    if kind:
        items = items.filter(kind=kind)
    kinds = Organisation._meta.get_field("kind").choices
    return render(
        request, "administration/organisations.html", {"q": q, "kind": kind, "kinds": kinds, **paginate(request, items)}
    )


def _organisation_form(request, organisation=None):
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
        except IntegrityError:
            form.add_error(None, _("Another organisation already has this name, charity number or company number"))
        else:
            messages.success(request, _("%(name)s saved") % {"name": saved.name})
            return redirect("administration:organisations")
    return render(
        request,
        "administration/form.html",
        {
            "form": form,
            "title": _("Edit organisation") if organisation else _("Add an organisation"),
            "back": "administration:organisations",
            "history": history_rows(organisation.history) if organisation else [],
        },
    )


@require(perms.can_manage_organisations)
def organisation_new(request):
    return _organisation_form(request)


@require(perms.can_manage_organisations)
def organisation_edit(request, pk):
    return _organisation_form(request, get_object_or_404(Organisation, pk=pk))


@require(perms.can_manage_partnership)
def partnership(request):
    item = Partnership.objects.order_by("id").first()
    form = PartnershipForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("%(name)s saved") % {"name": saved.name})
        return redirect("administration:partnership")
    return render(
        request,
        "administration/form.html",
        {
            "form": form,
            "title": _("The partnership and its members"),
            "back": "administration:home",
            "history": history_rows(item.history) if item else [],
        },
    )


@require(perms.can_manage_users)
def users(request):
    items = (
        get_user_model().objects.select_related("profile__organisation").order_by("last_name", "first_name", "username")
    )
    q, role, org = request.GET.get("q", "").strip(), request.GET.get("role", ""), request.GET.get("organisation", "")
    if q:
        items = items.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    if role in Role.values:
        items = (
            items.filter(profile__role=role)
            if role != Role.ADMIN
            else items.filter(Q(profile__role=role) | Q(is_superuser=True))
        )
    if org.isdigit():
        items = items.filter(profile__organisation_id=int(org))
    context = {
        "q": q,
        "role": role,
        "organisation": org,
        "roles": Role.choices,
        "organisations": Organisation.objects.order_by("name"),
        **paginate(request, items),
    }
    context["rows"] = [(u, role_of(u), perms.can_edit_user(request.user, u)) for u in context["page"]]
    return render(request, "administration/users.html", context)


@require(perms.can_manage_users)
def user_edit(request, pk):
    account = get_object_or_404(get_user_model().objects.select_related("profile"), pk=pk)
    if (
        denied := check(request, perms.can_edit_user(request.user, account), _("You cannot edit this account"))
    ) is not None:
        return denied
    profile = getattr(account, "profile", None)
    org = profile.organisation if profile else None
    initial = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": profile.role if profile else "",
        "organisation": org,
        "job_title": profile.job_title if profile else "",
        "is_lead": bool(org and lead_of(org) == account),
        "is_active": account.is_active,
    }
    form = UserForm(request.POST or None, initial=initial, editor=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            account.first_name, account.last_name, account.email = data["first_name"], data["last_name"], data["email"]
            account.is_active = data["is_active"]
            account.save()
            profile = profile or Profile(user=account)
            profile.role, profile.organisation, profile.job_title = (
                data["role"],
                data["organisation"],
                data["job_title"],
            )
            profile.save()
            if data["is_lead"]:
                ProviderLead.objects.update_or_create(organisation=data["organisation"], defaults={"user": account})
            else:
                ProviderLead.objects.filter(user=account).delete()
        messages.success(request, _("%(name)s saved") % {"name": account.get_full_name() or account.username})
        return redirect("administration:users")
    return render(
        request,
        "administration/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": account.get_full_name() or account.username},
            "caption": account.username,
            "back": "administration:users",
            "history": history_rows(profile.history) if profile else [],
        },
    )
