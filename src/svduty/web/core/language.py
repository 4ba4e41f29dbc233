"""The English/Welsh switch: the GOV.UK pattern of a plain link in the header ("Cymraeg" / "English") that remembers
the choice in a cookie and returns to the same page.

A link, not Django's POST-only ``set_language`` form, because the GOV.UK pattern is a link and it works from every
page without a CSRF token; it only sets a preference, so a GET changing it is harmless. The return address must be on
this site (no open redirect).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

LANGUAGE_NAMES = dict(settings.LANGUAGES)
# Each language's name in its own language, and what the switch offers from each (GOV.UK: show the other one).
OTHER = {"en-gb": "cy", "cy": "en-gb"}


def language_of(user) -> str:
    """The language chosen by ``user`` (their profile), or "" if they have not chosen one (or have no profile)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    try:
        code = user.profile.language
    except ObjectDoesNotExist:  # no profile (e.g. a bare superuser made by createsuperuser)
        return ""
    return code if code in LANGUAGE_NAMES else ""


def save_preference(user, code: str) -> None:
    """Remember ``code`` as the signed-in ``user``'s language (a user without a profile keeps only the cookie)."""
    if user is None or not user.is_authenticated or code not in LANGUAGE_NAMES:
        return
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        return
    if profile.language != code:
        profile.language = code
        profile.save(update_fields=["language"])


def remember_language(response, code: str) -> None:
    """Set the language cookie on ``response`` (what ``LocaleMiddleware`` reads on the next request)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        httponly=True,
    )


def language_on_sign_in(sender, request, user, **kwargs):
    """user_logged_in: the person's chosen language follows them to any browser (activated now, cookie set by
    ``SignInLanguageMiddleware`` on the sign-in response)."""
    if request is None:
        return
    code = language_of(user)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if not code and chosen in LANGUAGE_NAMES:
        # Signed in after choosing a language with the switch: that is their choice from now on.
        save_preference(user, chosen)
        return
    if code:
        translation.activate(code)
        request.LANGUAGE_CODE = code
        request.svduty_remember_language = code


class SignInLanguageMiddleware:
    """Sets the language cookie on the response of a sign-in when the person has chosen a language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        code = getattr(request, "svduty_remember_language", "")
        if code:
            remember_language(response, code)
        return response


def switch_language(request, code: str):
    """Set the language cookie (and, when signed in, the person's preference) and go back to ``next`` (this site
    only), else the home page."""
    if code not in LANGUAGE_NAMES:
        raise Http404("No such language")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    save_preference(request.user, code)
    response = HttpResponseRedirect(target)
    remember_language(response, code)
    return response


def language_context(request) -> dict:
    """What the header's switch and the draft banner need: the current language and the one to offer."""
    current = get_language() or settings.LANGUAGE_CODE
    current = "cy" if current.startswith("cy") else "en-gb"
    other = OTHER[current]
    return {
        "language_code": current,
        "html_lang": "cy" if current == "cy" else "en-GB",
        "other_language": {"code": other, "name": LANGUAGE_NAMES[other], "lang": "cy" if other == "cy" else "en"},
        "welsh_draft": current == "cy",
    }
