"""The NinjaAPI object, its discovery of each domain's router, and the endpoints every caller shares."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Router, Schema
from ninja.parser import Parser

from svduty.web.core.permissions import organisation_of, role_of

from .auth import PUBLIC_AUTH, api_user


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class NoNulJSONParser(Parser):
    """JSON bodies, refusing a NUL character anywhere (PostgreSQL text cannot hold one, so it would be a 500 later);
    django-ninja answers 400 "Cannot parse request body", as for malformed JSON."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _holds_nul(data):
            raise ValueError("a text value holds a NUL character")
        return data


api = NinjaAPI(
    title="svduty API",
    version="1",
    description="The Serious Violence Duty partnership's data: the same permissions as the web pages.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    parser=NoNulJSONParser(),  # the interactive docs load scripts from a CDN; the OpenAPI document is the contract
)

core_router = Router(tags=["core"])


class Me(Schema):
    authenticated: bool
    username: str | None
    role: str
    organisation: str | None


@core_router.get("/me/", response=Me, auth=PUBLIC_AUTH, summary="Who the API thinks you are")
def me(request):
    user = api_user(request)
    organisation = organisation_of(user)
    return {
        "authenticated": bool(user.is_authenticated),
        "username": user.get_username() if user.is_authenticated else None,
        "role": str(role_of(user)),
        "organisation": organisation.name if organisation is not None else None,
    }


api.add_router("/", core_router)


def get_visible_or_404(queryset, can_view, user, **lookup):
    """The object if ``can_view(user, obj)``, else 404 — another organisation's record does not exist for you."""
    obj = get_object_or_404(queryset, **lookup)
    if not can_view(user, obj):
        raise Http404
    return obj


def _mount_domain_routers() -> None:
    for app in settings.INSTALLED_APPS:
        if not app.startswith("svduty.web.") or app == "svduty.web.api":
            continue
        try:
            module = import_module(f"{app}.api")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.api":
                raise
            continue
        api.add_router(module.API_PREFIX, module.router)


_mount_domain_routers()
