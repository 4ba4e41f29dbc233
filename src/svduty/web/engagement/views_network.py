"""The partner network: community, faith and voluntary networks with their members, areas, contact, activities and
the strategy priorities they support."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from svduty.web.core.views import require
from svduty.web.partnership.models import Partnership

from . import permissions as perms
from .forms import ActivityForm, MemberForm, NetworkForm
from .models import Network


@require(perms.can_view_engagement)
def networks(request):
    items = Network.objects.prefetch_related("members")
    return render(
        request,
        "engagement/networks.html",
        {"networks": items, "can_manage": perms.can_manage_engagement(request.user)},
    )


@require(perms.can_view_engagement)
def network(request, pk):
    item = get_object_or_404(Network.objects.select_related("coordinator"), pk=pk)
    return render(
        request,
        "engagement/network.html",
        {
            "n": item,
            "members": item.members.select_related("organisation"),
            "activities": item.activities.all(),
            "priorities": _priorities(item),
            "can_manage": perms.can_manage_engagement(request.user),
        },
    )


def _priorities(item):
    return list(item.priorities.select_related("strategy"))


@require(perms.can_manage_engagement)
def network_new(request):
    form = NetworkForm(request.POST or None)
    partnership = Partnership.objects.order_by("id").first()
    if request.method == "POST" and form.is_valid() and partnership:
        form.instance.partnership = partnership
        item = form.save()
        messages.success(request, _("Network added"))
        return redirect("engagement:network", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Add a network")})


@require(perms.can_manage_engagement)
def network_edit(request, pk):
    item = get_object_or_404(Network, pk=pk)
    form = NetworkForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Network saved"))
        return redirect("engagement:network", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Edit the network"), "network": item})


@require(perms.can_manage_engagement)
def member_new(request, pk):
    item = get_object_or_404(Network, pk=pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.network = item
        form.save()
        messages.success(request, _("Member added"))
        return redirect("engagement:network", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Add a member"), "network": item})


@require(perms.can_manage_engagement)
def activity_new(request, pk):
    item = get_object_or_404(Network, pk=pk)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.network = item
        form.save()
        messages.success(request, _("Activity recorded"))
        return redirect("engagement:network", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Record an activity"), "network": item})
