"""Settings for the test run: PostgreSQL whenever it can be had, SQLite otherwise.

Order: ``$SVDUTY_DATABASE_URL`` if set; else the local server on 127.0.0.1:5432 (trust auth, user postgres, then
root; pytest-django creates ``test_test``); in CI (``CI=true``) a server that is down is started with
``pg_ctlcluster`` and PostgreSQL is required; elsewhere the tests fall back to SQLite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import DATABASES

PG_HOST, PG_PORT = "127.0.0.1", 5432
# Each test's rollback removes its partnership without a signal: no per-process copy may outlive it.
SVDUTY_PARTNERSHIP_CACHE_SECONDS = 0.0


def _port_open() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def _start_postgres() -> None:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    for version in versions:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False, capture_output=True
        )
    for _ in range(50):
        if _port_open():
            return
        time.sleep(0.2)


def _postgres_url() -> str | None:
    import psycopg

    for user in ("postgres", "root"):
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", connect_timeout=3):
                return f"postgres://{user}@{PG_HOST}:{PG_PORT}/test"
        except psycopg.Error:
            continue
    return None


def _choose() -> str:
    url = os.environ.get("SVDUTY_DATABASE_URL")
    if url:
        return url
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if not _port_open() and in_ci:
        _start_postgres()
    if _port_open():
        found = _postgres_url()
        if found:
            return found
    if in_ci:
        raise RuntimeError("CI=true but PostgreSQL on 127.0.0.1:5432 is not reachable (user postgres or root)")
    return f"sqlite:///{Path(tempfile.gettempdir()) / 'svduty-test.sqlite3'}"


if os.environ.get("SVDUTY_TEST_SQLITE") == "1":
    _URL = f"sqlite:///{Path(tempfile.gettempdir()) / 'svduty-test.sqlite3'}"
else:
    _URL = _choose()

import dj_database_url  # noqa: E402

DATABASES["default"] = dj_database_url.parse(_URL)  # no persistent connections: live-server threads must let go
SVDUTY_TEST_DATABASE = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]

# Fast hashing in tests only; production keeps Django's PBKDF2 default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="svduty-private-"))
WORKSPACE = Path(tempfile.mkdtemp(prefix="svduty-workspace-"))  # referrals: the pseudonymisation key lives here
STATIC_ROOT = Path(tempfile.gettempdir()) / "svduty-static"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# No cache between tests: they change rows with queryset updates, which no cache key can see.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
