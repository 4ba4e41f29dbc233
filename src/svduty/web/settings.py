"""Django settings for the svduty web app.

One module for every environment: ``SVDUTY_ENV=production`` switches on the hardened settings that
``manage.py check --deploy`` asks for (and demands ``SVDUTY_SECRET_KEY``); anything else is a local/dev/test run.
The database comes from ``SVDUTY_DATABASE_URL`` (dj-database-url syntax, PostgreSQL in production) and falls back to
SQLite at ``<workspace>/web.sqlite3`` so ``svduty serve`` runs with no server at all.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

WEB_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("SVDUTY_ENV", "development")
PRODUCTION = ENV == "production"
WORKSPACE = Path(os.environ.get("SVDUTY_WORKSPACE", "workspace")).resolve()

if PRODUCTION:
    SECRET_KEY = os.environ.get("SVDUTY_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SVDUTY_SECRET_KEY must be set to a random string of 50+ characters in production")
else:
    SECRET_KEY = os.environ.get("SVDUTY_SECRET_KEY", "dev-only-not-secret-" + "x" * 40)

DEBUG = not PRODUCTION and os.environ.get("SVDUTY_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("SVDUTY_ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h]
if not PRODUCTION:
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["*"]

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "svduty.web.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
            ],
        },
    }
]

_default_db = f"sqlite:///{WORKSPACE / 'web.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("SVDUTY_DATABASE_URL", _default_db), conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SVDUTY_STATIC_ROOT", WORKSPACE / "static"))
STATICFILES_DIRS = [WEB_DIR / "static"]

# Applicants' uploads live outside every served path; only commissioning.views.document_download serves them,
# after a permission check (Hypha's "private media" pattern).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("SVDUTY_PRIVATE_MEDIA", WORKSPACE / "private-media"))
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# django-axes: lock an account+address pair out after 5 failures for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"

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
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SVDUTY_PARTNERSHIP_NAME = os.environ.get("SVDUTY_PARTNERSHIP_NAME", "")
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
# 360Giving: the funder's official org-id (org-id.guide), used instead of a 360G- id when set.
SVDUTY_360_FUNDER_ORG_ID = os.environ.get("SVDUTY_360_FUNDER_ORG_ID", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING"}},
}
