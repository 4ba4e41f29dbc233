"""The partnership calendar of the Duty's recurring obligations."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require

from . import cycle
from . import permissions as perms
from .forms import ObligationForm
from .models import Obligation
from .views import current_partnership


def _financial_year(today) -> str:
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@require(perms.can_view_calendar)
def calendar(request):
    partnership = current_partnership()
    today = timezone.localdate()
    items = Obligation.objects.filter(partnership=partnership).select_related("done_by")
    show = request.GET.get("show", "open")
    if show == "open":
        items = items.filter(done_on__isnull=True)
    return render(
        request,
        "strategy/calendar.html",
        {
            "items": items,
            "today": today,
            "show": show,
            "financial_year": _financial_year(today),
            "can_manage": perms.can_manage_calendar(request.user) and partnership is not None,
            "soon": cycle.due_and_overdue([partnership.pk] if partnership else [], today),
        },
    )


def obligation_form(request, pk=None):
    partnership = current_partnership()
    item = get_object_or_404(Obligation, pk=pk) if pk else Obligation(partnership=partnership)
    denied = check(request, perms.can_manage_calendar(request.user) and partnership is not None)
    if denied:
        return denied
    form = ObligationForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Calendar item saved"))
        return redirect("strategy:calendar")
    return render(request, "strategy/obligation_form.html", {"form": form, "item": item})


@require_POST
def obligation_done(request, pk):
    item = get_object_or_404(Obligation, pk=pk)
    denied = check(request, perms.can_manage_calendar(request.user))
    if denied:
        return denied
    if item.done_on:
        messages.info(request, _("Already marked done"))
        return redirect("strategy:calendar")
    following = cycle.mark_done(item, request.user)
    if following:
        messages.success(request, _("Done; next due %(d)s") % {"d": following.due_on.strftime("%d %B %Y")})
    else:
        messages.success(request, _("Marked done"))
    return redirect("strategy:calendar")


@require_POST
def calendar_year(request):
    partnership = current_partnership()
    denied = check(request, perms.can_manage_calendar(request.user) and partnership is not None)
    if denied:
        return denied
    year = request.POST.get("financial_year", "")
    if len(year) != 7 or not year[:4].isdigit() or year[4] != "-" or not year[5:].isdigit():
        messages.error(request, _("Give the financial year as YYYY-YY, for example 2024-25"))
        return redirect("strategy:calendar")
    made = cycle.create_year(partnership, year)
    messages.success(request, _("%(n)s calendar item(s) added for %(fy)s") % {"n": len(made), "fy": year})
    return redirect("strategy:calendar")
