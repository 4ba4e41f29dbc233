"""A user's notifications (unread / all, mark read) and the staff message log."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.pagination import paginate
from svduty.web.core.views import check, require

from . import permissions as perms
from .models import Message, Notification
from .options import Event, Status


@require(perms.can_view_notifications)
def inbox(request):
    show = request.GET.get("show", "unread")
    items = Notification.objects.filter(user=request.user)
    unread = items.filter(read_at__isnull=True).count()
    if show != "all":
        show = "unread"
        items = items.filter(read_at__isnull=True)
    return render(request, "notifications/inbox.html", {"show": show, "unread": unread, **paginate(request, items)})


@require_POST
@require(perms.can_view_notifications)
def mark_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk)
    if (denied := check(request, perms.can_read_notification(request.user, notification))) is not None:
        return denied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
@require(perms.can_view_notifications)
def mark_all_read(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("%(n)d notifications marked as read") % {"n": n})
    return redirect("notifications:inbox")


@require(perms.can_view_message_log)
def message_log(request):
    items = Message.objects.select_related("recipient")
    event, status, q = request.GET.get("event", ""), request.GET.get("status", ""), request.GET.get("q", "").strip()
    if event in Event.values:
        items = items.filter(event=event)
    if status in Status.values:
        items = items.filter(status=status)
    if q:
        items = items.filter(
            Q(recipient_email__icontains=q) | Q(subject__icontains=q) | Q(recipient__username__icontains=q)
        )
    context = {
        "events": Event.choices,
        "statuses": Status.choices,
        "event": event,
        "status": status,
        "q": q,
        **paginate(request, items),
    }
    return render(request, "notifications/message_log.html", context)


@require(perms.can_view_message_log)
def message_detail(request, pk):
    message = get_object_or_404(Message.objects.select_related("recipient", "sent_by"), pk=pk)
    return render(request, "notifications/message_detail.html", {"message": message})
