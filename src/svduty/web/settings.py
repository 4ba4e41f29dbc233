"""Django settings for the svduty web app.

One module for every environment: ``SVDUTY_ENV=production`` (set by ``svduty serve --production``) switches on the
hardened settings that ``manage.py check --deploy`` asks for and demands the secret key, allowed hosts and database
from the environment; anything else is a local/dev/test run (DEBUG still off unless ``SVDUTY_DEBUG=1``).
The database comes from ``SVDUTY_DATABASE_URL`` (dj-database-url syntax, PostgreSQL in production) and falls back to
SQLite at ``<workspace>/web.sqlite3`` so ``svduty serve`` runs with no server at all.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

WEB_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("SVDUTY_ENV", "development")
PRODUCTION = ENV == "production"
WORKSPACE = Path(os.environ.get("SVDUTY_WORKSPACE", "workspace")).resolve()


def _required(name: str, what: str) -> str:
    """A production setting that has no safe default: missing is a one-line error naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production: {what}")
    return value


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


if PRODUCTION:
    SECRET_KEY = _required("SVDUTY_SECRET_KEY", "a random string of 50+ characters (docs/deploy.md)")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SVDUTY_SECRET_KEY must be set to a random string of 50+ characters in production")
    _required("SVDUTY_ALLOWED_HOSTS", "the host names the service answers to, comma-separated")
    ALLOWED_HOSTS = _list("SVDUTY_ALLOWED_HOSTS")
else:
    SECRET_KEY = os.environ.get("SVDUTY_SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
    # Development and `make run`: this machine's own names only, never any Host header.
    ALLOWED_HOSTS = _list("SVDUTY_ALLOWED_HOSTS") or ["localhost", "127.0.0.1", "[::1]"]

# DEBUG is never on in production, and off by default elsewhere (technical error pages only when a developer asks
# with SVDUTY_DEBUG=1), so `svduty serve` shows the styled 404/500 pages.
DEBUG = not PRODUCTION and os.environ.get("SVDUTY_DEBUG", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "govuk_frontend_django",
    "simple_history",
    "axes",
    "svduty.web.core",
    "svduty.web.partnership",
    "svduty.web.funding",
    "svduty.web.commissioning",
    "svduty.web.decisions",
    "svduty.web.public",
    "svduty.web.interventions",
    "svduty.web.programmes",
    "svduty.web.referrals",
    "svduty.web.api",
    "svduty.web.agreements",
    "svduty.web.evaluation",
    "svduty.web.notifications",
    "svduty.web.accounts",
    "svduty.web.administration",
    "svduty.web.strategy",
    "svduty.web.board",
    "svduty.web.engagement",
    "svduty.web.risk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server (compressed, cache-busting names in production): no separate server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "svduty.web.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # English or Welsh from the language cookie (the header's "Cymraeg" / "English" link), else the browser's
    # Accept-Language, else English; no URL prefix, so every existing link stays as it was.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A sign-in sets the language cookie to the person's chosen language (their profile), so it follows them.
    "svduty.web.core.language.SignInLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "svduty.web.core.middleware.RejectNulMiddleware",
    "svduty.web.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend loading the user with their profile (one query a signed-in request, not two).
    "svduty.web.core.backends.ProfileModelBackend",
]

ROOT_URLCONF = "svduty.web.urls"
WSGI_APPLICATION = "svduty.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "svduty.web.core.context.site",
                "svduty.web.core.language.language_context",
                "svduty.web.notifications.context.notifications",
            ],
        },
    }
]

_default_db = f"sqlite:///{WORKSPACE / 'web.sqlite3'}"
if PRODUCTION:
    _required("SVDUTY_DATABASE_URL", "the PostgreSQL database, e.g. postgres://svduty@db.internal/svduty")
# No persistent connections by default: Django's threaded development server starts a thread per connection, and a
# connection kept open by a thread that then ends is held until PostgreSQL notices, so `svduty serve` under load used
# up the server's connection limit. Production (`svduty serve --production`) uses a pool per gunicorn worker instead,
# sized to the worker's threads (SVDUTY_DB_POOL_MAX, set by the serve command): at most workers × threads
# connections, reused across requests, whatever the traffic.
DATABASES = {"default": dj_database_url.parse(os.environ.get("SVDUTY_DATABASE_URL", _default_db), conn_max_age=0)}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get("SVDUTY_DB_POOL_MAX"):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ["SVDUTY_DB_POOL_MAX"]),
        "timeout": 10,  # a request waits at most 10 s for a free connection, then fails cleanly (500 page)
        "max_idle": 300,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# English and Welsh (issue 17 item 8: four of the Duty's partnerships are in Wales, under the Welsh Language Standards).
# The Welsh catalogue is a draft until a Welsh speaker has reviewed it (a banner says so on every Welsh page); its
# compiled .mo is committed beside the .po, so no gettext tools are needed to run the app (docs/web.md "Welsh").
USE_I18N = True
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [WEB_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "svduty_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SVDUTY_STATIC_ROOT", WORKSPACE / "static"))
STATICFILES_DIRS = [WEB_DIR / "static"]
# Production serves what `collectstatic` wrote (hashed names, gzip/brotli, cached for a year); development reads the
# source folders directly so nothing needs collecting first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Applicants' uploads live outside every served path; only commissioning.views.document_download serves them,
# after a permission check (Hypha's "private media" pattern).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("SVDUTY_PRIVATE_MEDIA", WORKSPACE / "private-media"))
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in throttling (django-axes; policy in docs/web.md "Sign-in throttling"). The client address is the real one:
# X-Forwarded-For is read only from a request that came from a proxy listed in SVDUTY_TRUSTED_PROXIES. Each limit
# is counted separately over a short cool-off, so a wrong password typed from elsewhere cannot lock a user out for
# long, and one password tried across many usernames from one address is stopped.
SVDUTY_TRUSTED_PROXIES = _list("SVDUTY_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "svduty.web.core.throttle.client_ip"
AXES_HANDLER = "svduty.web.core.throttle.PerParameterLimitsHandler"
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address", "username"]
SVDUTY_AXES_LIMITS = {
    ("ip_address", "username"): 5,  # one person mistyping: 5 tries, then wait
    ("ip_address",): 20,  # one address trying many usernames (password spraying)
    ("username",): 30,  # one account guessed from many addresses
}
AXES_FAILURE_LIMIT = min(SVDUTY_AXES_LIMITS.values())
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SVDUTY_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries while locked do not stretch the lock-out
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"

# Sessions: a working-day idle timeout (the cookie's age, renewed as the user works) and, for staff roles, an
# absolute lifetime after which they sign in again however active (OWASP ASVS 3.3.2 level 2: 12 hours).
SESSION_COOKIE_AGE = int(os.environ.get("SVDUTY_SESSION_IDLE_MINUTES", "480")) * 60
SVDUTY_SESSION_RENEW_SECONDS = 300  # renew the idle timer at most every 5 minutes (one session write, not one a hit)
SVDUTY_STAFF_SESSION_MAX_SECONDS = int(os.environ.get("SVDUTY_STAFF_SESSION_HOURS", "12")) * 3600

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (Django 5.2 has none built in): no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SVDUTY_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SVDUTY_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The TLS proxy says the request was HTTPS; gunicorn only accepts this header from SVDUTY_TRUSTED_PROXIES.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = _list("SVDUTY_CSRF_TRUSTED_ORIGINS") or [
        f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if "*" not in h
    ]

# History is evidence: django-simple-history's "revert to this version" would change a record outside its workflow.
SIMPLE_HISTORY_REVERT_DISABLED = True

SVDUTY_PARTNERSHIP_NAME = os.environ.get("SVDUTY_PARTNERSHIP_NAME", "")
# How long a worker keeps the partnership row every page header shows (core.context.current_partnership).
SVDUTY_PARTNERSHIP_CACHE_SECONDS = float(os.environ.get("SVDUTY_PARTNERSHIP_CACHE_SECONDS", "30"))
# 360Giving: the publisher's registered prefix (https://standard.threesixtygiving.org/en/latest/technical/identifiers/).
SVDUTY_360_PREFIX = os.environ.get("SVDUTY_360_PREFIX", "360G-svduty-demo")

# Email (return reminders, `svduty remind`): console by default, a folder of .eml files with SVDUTY_EMAIL_FILE_PATH,
# SMTP with SVDUTY_SMTP_HOST (and SVDUTY_SMTP_PORT / _USER / _PASSWORD; STARTTLS unless SVDUTY_SMTP_TLS=0).
DEFAULT_FROM_EMAIL = os.environ.get("SVDUTY_FROM_EMAIL", "svduty@localhost")
SVDUTY_SITE_URL = os.environ.get("SVDUTY_SITE_URL", "")
if os.environ.get("SVDUTY_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SVDUTY_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("SVDUTY_SMTP_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("SVDUTY_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SVDUTY_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("SVDUTY_SMTP_TLS", "1") == "1"
elif os.environ.get("SVDUTY_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["SVDUTY_EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Invitation links expire after this many days (accounts.tokens); password-reset links after PASSWORD_RESET_TIMEOUT.
SVDUTY_INVITATION_DAYS = int(os.environ.get("SVDUTY_INVITATION_DAYS", "7"))
# 360Giving: the funder's official org-id (org-id.guide), used instead of a 360G- id when set.
SVDUTY_360_FUNDER_ORG_ID = os.environ.get("SVDUTY_360_FUNDER_ORG_ID", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING"},
        # Unhandled errors (500s) with their traceback go to stderr, which gunicorn/systemd collect (docs/deploy.md).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
