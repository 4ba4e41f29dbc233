"""The English/Welsh switch: the GOV.UK pattern of a plain link in the header ("Cymraeg" / "English") that remembers
the choice in a cookie and returns to the same page.

A link, not Django's POST-only ``set_language`` form, because the GOV.UK pattern is a link and it works from every
page without a CSRF token; it only sets a preference, so a GET changing it is harmless. The return address must be on
this site (no open redirect).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

LANGUAGE_NAMES = dict(settings.LANGUAGES)
# Each language's name in its own language, and what the switch offers from each (GOV.UK: show the other one).
OTHER = {"en-gb": "cy", "cy": "en-gb"}


def switch_language(request, code: str):
    """Set the language cookie and go back to ``next`` (this site only), else the home page."""
    if code not in LANGUAGE_NAMES:
        raise Http404("No such language")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        httponly=True,
    )
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
