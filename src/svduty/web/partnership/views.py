"""The partnership: members, priorities, and Serious Violence Board meetings with decisions and actions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from svduty.web.core.views import require

from . import permissions as perms
from .forms import BoardActionForm, BoardDecisionForm, MeetingForm
from .models import BoardAction, BoardMeeting, Organisation, Partnership
from .options import ActionStatus


@require(perms.can_view_partnership)
def overview(request):
    partnership = Partnership.objects.order_by("id").first()
    return render(
        request,
        "partnership/overview.html",
        {
            "p": partnership,
            "organisations": Organisation.objects.all(),
            "meetings": BoardMeeting.objects.all()[:5],
            "can_manage": perms.can_manage_board(request.user),
        },
    )


@require(perms.can_manage_board)
def meeting_new(request):
    partnership = Partnership.objects.order_by("id").first()
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and partnership:
        meeting = form.save(commit=False)
        meeting.partnership = partnership
        meeting.save()
        form.save_m2m()
        messages.success(request, _("Meeting recorded"))
        return redirect("partnership:meeting", meeting.pk)
    return render(request, "partnership/meeting_form.html", {"form": form})


@require(perms.can_view_partnership)
def meeting(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    can_manage = perms.can_manage_board(request.user)
    decision_form = BoardDecisionForm(prefix="d")
    action_form = BoardActionForm(prefix="a")
    if request.method == "POST":
        if not can_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        kind = request.POST.get("kind")
        if kind == "decision":
            decision_form = BoardDecisionForm(request.POST, prefix="d")
            if decision_form.is_valid():
                decision_form.instance.meeting = item
                decision_form.save()
                messages.success(request, _("Decision added"))
                return redirect("partnership:meeting", item.pk)
        elif kind == "action":
            action_form = BoardActionForm(request.POST, prefix="a")
            if action_form.is_valid():
                action_form.instance.meeting = item
                action_form.save()
                messages.success(request, _("Action added"))
                return redirect("partnership:meeting", item.pk)
        elif kind == "done":
            action = get_object_or_404(BoardAction, pk=request.POST.get("action"), meeting=item)
            action.status = ActionStatus.DONE
            action.save()
            messages.success(request, _("Action marked done"))
            return redirect("partnership:meeting", item.pk)
    return render(
        request,
        "partnership/meeting.html",
        {"meeting": item, "can_manage": can_manage, "decision_form": decision_form, "action_form": action_form},
    )
