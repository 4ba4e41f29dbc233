"""Real servers: `svduty serve` (the development server `make run` uses) and `svduty serve --production` (gunicorn
with WhiteNoise) started as subprocesses on the test database, hit with parallel keep-alive clients, with the
database connections they hold counted in PostgreSQL (findings 1 and 9, and the production set-up)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

SECRET = "k" * 20 + "q8W!zr-3vY@p1$Lx0#tN6^mB2&cJ9*eF5"


def _postgres_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connections_held() -> int:
    """Connections to the test database, this query's own excepted."""
    import psycopg

    db = settings.DATABASES["default"]
    with (
        psycopg.connect(host=db.get("HOST") or "127.0.0.1", user=db.get("USER") or "postgres", dbname="postgres") as c,
        c.cursor() as cur,
    ):
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db["NAME"]]
        )
        return cur.fetchone()[0]


def _env(tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVDUTY_", "DJANGO_"))}
    env.update(SVDUTY_WORKSPACE=str(tmp_path), SVDUTY_DATABASE_URL=_postgres_url(), **extra)
    return env


@contextmanager
def server(args: list[str], env: dict, port: int):
    log = open(env["SVDUTY_WORKSPACE"] + "/server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "svduty.cli", "serve", "--port", str(port), *args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(Path(log.name).read_text())
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("server did not start: " + Path(log.name).read_text())
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _get(conn: http.client.HTTPConnection, path: str, host: str = "127.0.0.1", **headers):
    conn.request("GET", path, headers={"Host": host, **headers})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def _parallel_keepalive(port: int, path: str, clients: int, requests_each: int, **headers):
    """``clients`` keep-alive connections, each sending ``requests_each`` requests; the sockets are returned open."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for _ in range(clients)]
    statuses: list[int] = []
    barrier = threading.Barrier(clients)

    def run(conn):
        barrier.wait()
        for _ in range(requests_each):
            statuses.append(_get(conn, path, **headers)[0])

    threads = [threading.Thread(target=run, args=(c,)) for c in conns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return conns, statuses


@pytest.fixture
def postgres(db):
    if settings.SVDUTY_TEST_DATABASE == "sqlite3":
        pytest.skip("connection counting is a PostgreSQL matter")


@pytest.mark.postgres
def test_dev_server_holds_no_connection_after_its_requests(postgres, tmp_path):
    """Finding 1: the threaded dev server with conn_max_age=60 kept each keep-alive client's connection (51 held
    after 60 s idle, then 'too many clients'). Now a request's connection closes when the request ends."""
    port = _free_port()
    with server([], _env(tmp_path), port):
        time.sleep(1)
        before = _connections_held()
        conns, statuses = _parallel_keepalive(port, "/public/decisions/", clients=30, requests_each=3)
        assert statuses == [200] * 90
        time.sleep(1.5)
        held = _connections_held() - before
        for conn in conns:  # still open: idle keep-alive clients, as in the review
            conn.close()
    assert held <= 0, f"{held} database connections still held by idle keep-alive clients"


@pytest.mark.postgres
def test_dev_server_has_no_debug_pages_and_only_its_own_hosts(postgres, tmp_path):
    """Finding 9: `svduty serve` ran with DEBUG on and accepted any Host header."""
    port = _free_port()
    with server([], _env(tmp_path), port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, _, body = _get(conn, "/public/decisions/DN50-24%00/")
        assert status == 404 and b"Page not found" in body and b"Traceback" not in body
        status, _, body = _get(conn, "/no/such/page/")
        assert status == 404 and b"govuk-frontend" in body and b"URLconf" not in body
        status, _, body = _get(conn, "/public/", host="evil.example")
        assert status == 400 and b"DisallowedHost" not in body
        status, _, body = _get(conn, "/static/govuk/govuk-frontend.min.css")
        assert status == 200 and len(body) > 10_000


@pytest.mark.postgres
def test_production_server(postgres, tmp_path):
    """`svduty serve --production`: gunicorn, static files through WhiteNoise (hashed, compressed, cached), HTTPS
    enforced, allowed hosts only, styled errors, and at most workers × threads database connections."""
    port = _free_port()
    env = _env(
        tmp_path,
        SVDUTY_SECRET_KEY=SECRET,
        SVDUTY_ALLOWED_HOSTS="decisions.example.org",
        SVDUTY_STATIC_ROOT=str(tmp_path / "static"),
        SVDUTY_TRUSTED_PROXIES="127.0.0.1",
    )
    https = {"X-Forwarded-Proto": "https"}
    host = "decisions.example.org"
    before = _connections_held()
    with server(["--production", "--workers", "2", "--threads", "2"], env, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, headers, _ = _get(conn, "/public/", host=host)
        assert status == 301 and headers["Location"] == f"https://{host}/public/"  # plain HTTP goes to HTTPS
        status, headers, body = _get(conn, "/public/", host=host, **https)
        assert status == 200 and "max-age=31536000" in headers["Strict-Transport-Security"]
        css = re.search(rb'href="(/static/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', body)
        assert css, "static URLs carry a content hash (CompressedManifestStaticFilesStorage)"
        status, headers, body = _get(conn, css.group(1).decode(), host=host, **https, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert "immutable" in headers["Cache-Control"]
        status, _, body = _get(conn, "/no/such/page/", host=host, **https)
        assert status == 404 and b"Page not found" in body and b"govuk-frontend" in body
        status, _, _ = _get(conn, "/public/", host="evil.example", **https)
        assert status == 400
        conns, statuses = _parallel_keepalive(port, "/public/decisions/", 30, 3, host=host, **https)
        assert statuses == [200] * 90
        held = _connections_held() - before
        for c in conns:
            c.close()
    assert held <= 2 * 2, f"{held} connections held; the pools allow workers × threads = 4"


def test_production_refuses_to_start_without_its_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVDUTY_", "DJANGO_"))}
    env["SVDUTY_WORKSPACE"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "svduty.cli", "serve", "--production"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "SVDUTY_SECRET_KEY must be set in production" in result.stderr
    env["SVDUTY_SECRET_KEY"] = SECRET
    result = subprocess.run(
        [sys.executable, "-m", "svduty.cli", "serve", "--production"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "SVDUTY_ALLOWED_HOSTS must be set in production" in result.stderr
    env["SVDUTY_ALLOWED_HOSTS"] = "decisions.example.org"
    result = subprocess.run(
        [sys.executable, "-m", "svduty.cli", "serve", "--production"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "SVDUTY_DATABASE_URL must be set in production" in result.stderr


@pytest.mark.postgres
def test_check_deploy_is_clean_as_the_production_server_runs(postgres, tmp_path):
    """`check --deploy` with exactly the settings `serve --production` gives gunicorn (PostgreSQL, pooled)."""
    env = _env(
        tmp_path,
        SVDUTY_ENV="production",
        SVDUTY_SECRET_KEY=SECRET,
        SVDUTY_ALLOWED_HOSTS="decisions.example.org",
        SVDUTY_DB_POOL_MAX="4",
        DJANGO_SETTINGS_MODULE="svduty.web.settings",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "svduty.web.manage",
            "check",
            "--deploy",
            "--database",
            "default",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['OPTIONS']['pool']['max_size'], s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "4", "0"], out.stderr
