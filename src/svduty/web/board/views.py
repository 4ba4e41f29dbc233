"""Serious Violence Board meetings, edited in the app: the meeting, agenda, papers, attendance, decisions and the
action log (with carrying forward), and each meeting's history."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require
from svduty.web.partnership.models import BoardAction, BoardDecision, BoardMeeting, Organisation, Partnership
from svduty.web.partnership.options import ACTION_LIVE, RELEVANT, SPECIFIED

from . import actions as ops
from . import permissions as perms
from .forms import ActionForm, AgendaItemForm, AttendanceForm, DecisionForm, MeetingForm, PaperForm
from .models import AgendaItem, MeetingAttendance, Paper
from .quarters import quarter_of


def _partnership():
    return Partnership.objects.order_by("id").first()


@require(perms.can_view_board)
def meetings(request):
    items = BoardMeeting.objects.order_by("-date", "-id")
    return render(
        request,
        "board/meetings.html",
        {"meetings": items, "can_manage": perms.can_manage_board(request.user), "user_can": perms},
    )


@require(perms.can_manage_board)
def meeting_new(request):
    form = MeetingForm(request.POST or None)
    partnership = _partnership()
    if request.method == "POST" and form.is_valid() and partnership:
        form.instance.partnership = partnership
        meeting = form.save()
        messages.success(request, _("Meeting recorded"))
        return redirect("board:meeting", meeting.pk)
    return render(request, "board/form.html", {"form": form, "title": _("Record a board meeting")})


@require(perms.can_view_board)
def meeting(request, pk):
    item = get_object_or_404(BoardMeeting.objects.select_related("partnership"), pk=pk)
    actions = list(item.actions.select_related("owner", "carried_from__meeting").prefetch_related("carried_to"))
    later = BoardMeeting.objects.filter(partnership=item.partnership, date__gt=item.date).order_by("date").first()
    earlier_live = BoardAction.objects.filter(
        meeting__partnership=item.partnership, meeting__date__lt=item.date, status__in=ACTION_LIVE
    ).count()
    attendance = list(item.attendance.select_related("organisation"))
    expected = _expected_authorities(item, attendance)
    return render(
        request,
        "board/meeting.html",
        {
            "meeting": item,
            "agenda": item.agenda.select_related("presenter").prefetch_related("papers"),
            "papers": item.papers.filter(agenda_item__isnull=True),
            "attendance": attendance,
            "missing_authorities": expected,
            "decisions": item.decisions.order_by("id"),
            "actions": actions,
            "later": later,
            "earlier_live": earlier_live,
            "pack_quarter": quarter_of(item.date).previous(),
            "can_manage": perms.can_manage_board(request.user),
            "can_make_pack": perms.can_make_pack(request.user),
            "live": ACTION_LIVE,
        },
    )


def _expected_authorities(meeting, attendance):
    """Member specified / relevant authorities with no attendance recorded as present."""
    present = {a.organisation_id for a in attendance if a.status == "present"}
    members = meeting.partnership.members.filter(kind__in=SPECIFIED | RELEVANT)
    return [o for o in members.order_by("name") if o.pk not in present]


@require(perms.can_manage_board)
def meeting_edit(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Meeting saved"))
        return redirect("board:meeting", item.pk)
    return render(request, "board/form.html", {"form": form, "title": _("Edit the meeting"), "meeting": item})


@require(perms.can_manage_board)
def agenda_new(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    initial = {"order": item.agenda.count() + 1}
    form = AgendaItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.meeting = item
        form.save()
        messages.success(request, _("Agenda item added"))
        return redirect("board:meeting", item.pk)
    return render(request, "board/form.html", {"form": form, "title": _("Add an agenda item"), "meeting": item})


@require(perms.can_manage_board)
def agenda_edit(request, pk):
    agenda_item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    form = AgendaItemForm(request.POST or None, instance=agenda_item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Agenda item saved"))
        return redirect("board:meeting", agenda_item.meeting_id)
    context = {"form": form, "title": _("Edit the agenda item"), "meeting": agenda_item.meeting}
    return render(request, "board/form.html", context)


@require(perms.can_manage_board)
def paper_upload(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    form = PaperForm(request.POST or None, request.FILES or None, meeting=item)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        paper = form.save(commit=False)
        paper.meeting = item
        paper.original_name = upload.name[:200]
        paper.content_type = form.content_type
        paper.size = upload.size
        paper.uploaded_by = request.user
        paper.file.save(upload.name, upload, save=False)
        paper.save()
        messages.success(request, _("Paper uploaded"))
        return redirect("board:meeting", item.pk)
    context = {"form": form, "title": _("Upload a paper"), "meeting": item, "multipart": True}
    return render(request, "board/form.html", context)


def paper_download(request, pk):
    paper = get_object_or_404(Paper, pk=pk)
    denied = check(request, perms.can_download_paper(request.user, paper))
    if denied:
        return denied
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(handle, as_attachment=True, filename=paper.original_name)
    response["Content-Type"] = paper.content_type
    response["Cache-Control"] = "private, no-store"
    return response


@require(perms.can_manage_board)
def attendance(request, pk):
    item = get_object_or_404(BoardMeeting.objects.select_related("partnership"), pk=pk)
    current = {a.organisation_id: a for a in item.attendance.select_related("organisation")}
    members = {o.pk: o for o in item.partnership.members.all()}
    members.update({pk: a.organisation for pk, a in current.items()})  # anyone recorded, member or not
    organisations = sorted(members.values(), key=lambda o: (o.kind not in SPECIFIED, o.kind not in RELEVANT, o.name))
    form = AttendanceForm(request.POST or None, organisations=organisations, current=current)
    if request.method == "POST" and form.is_valid():
        _save_attendance(item, form, current)
        messages.success(request, _("Attendance saved"))
        return redirect("board:meeting", item.pk)
    return render(request, "board/attendance.html", {"form": form, "meeting": item})


def _save_attendance(item: BoardMeeting, form: AttendanceForm, current: dict) -> None:
    with transaction.atomic():
        for org in form.organisations:
            status = form.cleaned_data[f"status_{org.pk}"]
            rep = form.cleaned_data[f"rep_{org.pk}"]
            record = current.get(org.pk)
            if not status:
                if record is not None:
                    record.delete()  # the history table keeps what was recorded
                continue
            if record is None:
                MeetingAttendance.objects.create(meeting=item, organisation=org, status=status, representative=rep)
            elif (record.status, record.representative) != (status, rep):
                record.status, record.representative = status, rep
                record.save()
        # The meeting's "organisations represented" (the older field the partnership page shows) follows.
        present = item.attendance.filter(status="present").values_list("organisation_id", flat=True)
        item.attendees.set(Organisation.objects.filter(pk__in=list(present)))


@require(perms.can_manage_board)
def decision_new(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.meeting = item
        form.save()
        messages.success(request, _("Decision recorded"))
        return redirect("board:meeting", item.pk)
    return render(request, "board/form.html", {"form": form, "title": _("Record a decision"), "meeting": item})


@require(perms.can_manage_board)
def decision_edit(request, pk):
    decision = get_object_or_404(BoardDecision.objects.select_related("meeting"), pk=pk)
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Decision saved"))
        return redirect("board:meeting", decision.meeting_id)
    context = {"form": form, "title": _("Edit the decision"), "meeting": decision.meeting}
    return render(request, "board/form.html", context)


@require(perms.can_manage_board)
def action_new(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.meeting = item
        form.save()
        messages.success(request, _("Action added"))
        return redirect("board:meeting", item.pk)
    return render(request, "board/form.html", {"form": form, "title": _("Add an action"), "meeting": item})


def action_edit(request, pk):
    action = get_object_or_404(BoardAction.objects.select_related("meeting"), pk=pk)
    denied = check(
        request,
        perms.can_edit_action(request.user, action),
        _("A carried-forward action is edited on the meeting it was carried to"),
    )
    if denied:
        return denied
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Action saved"))
        return redirect("board:meeting", action.meeting_id)
    context = {"form": form, "title": _("Update the action"), "meeting": action.meeting, "chain": ops.chain(action)}
    return render(request, "board/form.html", context)


@require_POST
def action_carry(request, pk):
    action = get_object_or_404(BoardAction.objects.select_related("meeting"), pk=pk)
    later = ops.next_meeting(action)
    denied = check(request, perms.can_carry_forward(request.user, action, later))
    if denied:
        return denied
    try:
        successor = ops.carry_forward(action, later)
    except ops.CarryError as error:
        messages.error(request, str(error))
        return redirect("board:meeting", action.meeting_id)
    messages.success(
        request,
        _("Action carried forward to the meeting of %(date)s") % {"date": successor.meeting.date.strftime("%d/%m/%Y")},
    )
    return redirect("board:meeting", action.meeting_id)


@require_POST
def carry_all(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    denied = check(request, perms.can_manage_board(request.user))
    if denied:
        return denied
    carried = ops.carry_all_to(item)
    messages.success(request, _("%(n)d open action(s) carried forward to this meeting") % {"n": len(carried)})
    return redirect("board:meeting", item.pk)


@require(perms.can_view_board)
def action_log(request):
    status = request.GET.get("status", "live")
    items = BoardAction.objects.select_related("owner", "meeting").order_by("due", "meeting__date", "id")
    if status == "live":
        items = items.filter(status__in=ACTION_LIVE)
    return render(request, "board/actions.html", {"actions": items, "status": status})


@require(perms.can_view_board)
def meeting_history(request, pk):
    item = get_object_or_404(BoardMeeting, pk=pk)
    return render(request, "board/history.html", {"meeting": item, "events": _history(item)})


def _history(item: BoardMeeting) -> list[dict]:
    """Every saved version of the meeting and of what hangs off it, newest first."""
    sources = [
        (_("Meeting"), BoardMeeting.history.filter(id=item.pk), lambda h: f"{h.date:%d/%m/%Y}, {h.location}"),
        (_("Agenda item"), AgendaItem.history.filter(meeting_id=item.pk), lambda h: h.title),
        (_("Paper"), Paper.history.filter(meeting_id=item.pk), lambda h: h.title),
        (
            _("Attendance"),
            MeetingAttendance.history.filter(meeting_id=item.pk),
            lambda h: f"{h.organisation} — {h.get_status_display()}",
        ),
        (_("Decision"), BoardDecision.history.filter(meeting_id=item.pk), lambda h: h.text),
        (_("Action"), BoardAction.history.filter(meeting_id=item.pk), lambda h: f"{h.text} — {h.get_status_display()}"),
    ]
    kinds = {"+": _("added"), "~": _("changed"), "-": _("removed")}
    events = []
    for label, rows, describe in sources:
        for h in rows.select_related("history_user"):
            events.append(
                {
                    "when": h.history_date,
                    "who": h.history_user.get_full_name() or h.history_user.get_username() if h.history_user else "",
                    "what": label,
                    "change": kinds.get(h.history_type, h.history_type),
                    "detail": describe(h),
                }
            )
    return sorted(events, key=lambda e: e["when"], reverse=True)
