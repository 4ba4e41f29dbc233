"""Sign in/out and the dashboard, which shows each role the work waiting for it."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .options import PUBLIC, Role
from .permissions import organisation_of, role_of


def require(rule):
    """View decorator: anonymous users go to sign in; signed-in users failing ``rule(user)`` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if rule(request.user):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapped

    return decorator


def check(request, allowed: bool, reason: str = ""):
    """Inside a view, after loading the object: the same outcome as ``require``; ``reason`` is shown on the 403."""
    if allowed:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(reason)


def register(request):
    """Providers create their organisation and first account; everyone else is already known to the partnership."""
    from django.contrib.auth import login
    from django.db import IntegrityError

    from .forms_register import ProviderRegistrationForm

    if request.user.is_authenticated:
        return redirect("core:home")
    form = ProviderRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except IntegrityError:
            # Another registration with the same name or number committed between our check and our insert: the
            # database constraint refused this one. Checking again now names the field that clashed.
            form = ProviderRegistrationForm(request.POST)
            if form.is_valid():
                form.add_error(None, _("This organisation could not be registered: try again"))
            return render(request, "core/register.html", {"form": form})
        login(request, user, backend="svduty.web.core.backends.ProfileModelBackend")
        messages.success(
            request,
            _(
                "%(organisation)s is registered: you can now apply to open rounds. Your username is %(username)s — "
                "keep it, you will need it to sign in."
            )
            % {"organisation": user.profile.organisation.name, "username": user.username},
        )
        return redirect("core:home")
    return render(request, "core/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    from svduty.web.commissioning.models import Application, Round
    from svduty.web.commissioning.options import ApplicationStatus
    from svduty.web.decisions.models import DecisionRecord
    from svduty.web.decisions.options import State

    role = role_of(request.user)
    if role == PUBLIC:
        return redirect("public:index")
    context = {"role": role}
    if role in (Role.CASEWORKER, Role.TEAM_MANAGER, Role.ANALYST, Role.DPO):  # referrals roles
        return redirect(
            "referrals:access_log"
            if role == Role.DPO
            else "referrals:pathways"
            if role == Role.ANALYST
            else "referrals:cases"
        )
    if role == Role.RISK_PANEL:  # risk index (issue 13): the panel list
        return redirect("risk:panel")
    if role == Role.PROVIDER:
        context["applications"] = Application.objects.filter(organisation=organisation_of(request.user)).select_related(
            "round",
            "award",  # the amount awarded beside the amount requested, without a query per row
        )
        context["open_rounds"] = [r for r in Round.objects.all() if r.is_open()]
    elif role == Role.ASSESSOR:
        context["rounds"] = Round.objects.filter(panel__members=request.user)
    elif role == Role.CHIEF_EXECUTIVE:
        context["waiting"] = DecisionRecord.objects.filter(state=State.SUBMITTED)  # submitted, not every draft
        context["waiting_label"] = _("Decision records waiting for officer approval")
    elif role == Role.PCC:
        context["waiting"] = DecisionRecord.objects.filter(state=State.OFFICER_APPROVED)
        context["waiting_label"] = _("Decision records waiting for your decision")
    else:
        context["rounds"] = Round.objects.all()
        context["submitted"] = Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()
        context["waiting"] = DecisionRecord.objects.filter(state=State.DECIDED)
        context["waiting_label"] = _("Decided records to publish")
        from svduty.web.strategy.cycle import home_context

        context.update(home_context(request.user))
    return render(request, "core/home.html", context)


def forbidden(request, exception=None):
    return render(request, "core/403.html", {"reason": str(exception or "")}, status=403)


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def bad_request(request, exception=None):
    return render(request, "core/400.html", status=400)


def server_error(request):
    """The styled 500 page, never a traceback. The full page needs the database (the partnership's name, the
    navigation); when that is what failed, a plain page with the same styles stands in."""
    import logging

    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    try:
        return render(request, "core/500.html", status=500)
    except Exception:  # the error page itself must not fail
        logging.getLogger("django.request").exception("the full 500 page could not be rendered")
        return HttpResponseServerError(render_to_string("core/500_plain.html"))
