"""Web app under load: `svduty serve --production` (gunicorn + WhiteNoise) on PostgreSQL, on loopback.

For each database — the demo partnership alone ("empty") and the demo plus a large seeded partnership
(``svduty.web.seed``: 10,000 EOIs with reviews and scores, 1,000 published decision records with their awards and
commitments, 100 rounds, 500 providers; and ``svduty.web.programmes.seed``: 200 programmes with 5,000 quarterly
returns) — it starts the production server and runs

1. ``--users`` simulated users (default 50) with think time (exponential, mean 1 s: about one request per second
   each) for ``--seconds`` (default 60): anonymous visitors on the public register and staff (officer, Chief
   Executive, PCC, administrator, signed in) on their pages, the delivery pages (board dashboard, programmes, the
   return lists and returns), the ``/api/v1/`` lists, the 360Giving exports and a published PDF;
2. a closed-loop saturation run: ``--saturation-clients`` clients (default 8) requesting HTML pages back to back for
   ``--saturation-seconds`` (default 20).

It prints requests/s, p50/p95/p99 latency, errors, the most database connections held (sampled from
pg_stat_activity), the server's CPU per request and per HTML page (the gunicorn workers' user+system time ÷ requests)
and the client's own CPU per request (it shares the cores: one asyncio loop with kept-alive connections, no thread
per user). ``--per-page`` adds, per page type, the server CPU and latency of one request at a time.
Goals (issue 10, 2-core machine shared by client, server and database): with think time p95 < 200 ms and no
errors; saturation ≥ 100 HTML pages/s; ≤ 20 ms server CPU per HTML page.

Run: ``.venv/bin/python benchmarks/web.py`` (about 6 minutes plus seeding), ``--quick`` for 15 s runs and a smaller
seed, ``--reuse`` to keep the seeded databases under $TMPDIR and measure again without seeding.
Needs PostgreSQL (``--server``, default postgres://postgres@127.0.0.1:5432); it creates its own databases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import mkdtemp

import psycopg

SECRET = "benchmark-only-" + "z" * 20 + "q8W!zr-3vY@p1$Lx0#tN6^mB2&cJ9*eF5"
HOST = "localhost"
STAFF = ["officer", "ceo", "pcc", "admin"]

PREPARE = r"""
import json, os, sys, time
import django
STAFF_NAMES = json.loads(os.environ["SVDUTY_BENCH_STAFF"])
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
if sys.argv[1] == "seed":
    from svduty.web.programmes.seed import seed_delivery
    from svduty.web.seed import Seed, seed
    seed(Seed(applications=int(sys.argv[2]), decisions=int(sys.argv[3])))
    seed_delivery(int(sys.argv[4]), int(sys.argv[5]))
from svduty.web.commissioning.models import Round
from svduty.web.decisions.models import DecisionRecord
from svduty.web.funding.models import FundingStream
from svduty.web.programmes.models import MonitoringReturn, Programme
sessions = {}
for name in STAFF_NAMES:
    user = get_user_model().objects.get(username=name)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "svduty.web.core.backends.ProfileModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s["svduty_signed_in_at"] = int(time.time())
    s.create()
    sessions[name] = s.session_key
published = [r.reference for r in DecisionRecord.objects.filter(state="published", publication_deferred=False)]
# Publishing renders and stores a record's public PDF (decisions.views.public_pdf); the seeder's records were not
# published through the view, so the PDFs the benchmark asks for are rendered here, as publishing would have.
from svduty.web.decisions.views import public_pdf
for record in DecisionRecord.objects.filter(reference__in=published[:20]):
    public_pdf(record)
print(json.dumps({
    "sessions": sessions,
    "published": published,
    "records": list(DecisionRecord.objects.values_list("reference", flat=True)[:200]),
    "rounds": list(Round.objects.values_list("pk", flat=True)),
    "streams": list(FundingStream.objects.values_list("pk", flat=True)),
    "programmes": list(Programme.objects.order_by("?").values_list("pk", flat=True)[:100]),
    "returns": list(MonitoringReturn.objects.order_by("?").values_list("pk", flat=True)[:200]),
}))
"""


@dataclass
class Result:
    kind: str
    ms: float
    ok: bool


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    max_connections: int = 0
    cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0

    def pct(self, q: float, kinds: tuple[str, ...] | None = None) -> float:
        xs = sorted(r.ms for r in self.results if kinds is None or r.kind in kinds)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def admin_connect(server: str):
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def fresh_database(server: str, name: str) -> str:
    with admin_connect(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def connections_to(server: str, name: str) -> int:
    with admin_connect(server) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
        ).fetchone()[0]


def environment(url: str, workspace: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVDUTY_", "DJANGO_"))}
    env.update(
        SVDUTY_ENV="production",
        SVDUTY_SECRET_KEY=SECRET,
        SVDUTY_ALLOWED_HOSTS=HOST,
        SVDUTY_DATABASE_URL=url,
        SVDUTY_WORKSPACE=workspace,
        SVDUTY_STATIC_ROOT=str(Path(workspace) / "static"),
        SVDUTY_TRUSTED_PROXIES="127.0.0.1",
        DJANGO_SETTINGS_MODULE="svduty.web.settings",
    )
    return env


def prepare(env: dict, seed: tuple[int, ...] | None, load: bool = True) -> dict:
    if load:
        subprocess.run([sys.executable, "-m", "svduty.cli", "demo"], env=env, check=True, capture_output=True)
    args = ["seed", *map(str, seed)] if seed else ["plain"]
    env = {**env, "SVDUTY_BENCH_STAFF": json.dumps(STAFF)}
    out = subprocess.run([sys.executable, "-c", PREPARE, *args], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    log = open(Path(env["SVDUTY_WORKSPACE"]) / "server.log", "w")  # noqa: SIM115 - lives as long as the server
    argv = [sys.executable, "-m", "svduty.cli", "serve", "--production", "--port", str(port)]
    argv += ["--workers", str(workers), "--threads", str(threads)]
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # The master listens before its workers have imported Django: wait for a page, not for the port, so worker
    # boot is not measured as latency.
    probe = f"GET /public/ HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(probe.encode())
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc
            time.sleep(0.2)
        except OSError:
            if proc.poll() is not None:
                log_text = (Path(env["SVDUTY_WORKSPACE"]) / "server.log").read_text()
                raise SystemExit("server failed: " + log_text) from None
            time.sleep(0.2)
    raise SystemExit("server did not start")


def server_cpu(master: int) -> float:
    """User+system CPU seconds of the gunicorn master and its workers (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def urls(targets: dict, rng: random.Random) -> dict[str, list[list[tuple[str, str | None]]]]:
    """Page kinds → page types → (path, signed-in user or None). A request picks a kind by MIX, then a page type
    uniformly, then one of its objects: a page type with many objects (a round's ranking) is not over-weighted."""
    refs = targets["published"] or ["DN50-24"]
    rounds, streams, records = targets["rounds"], targets["streams"], targets["records"]
    some_refs = rng.sample(refs, min(40, len(refs)))
    some_records = rng.sample(records, min(40, len(records)))
    programmes, returns = targets["programmes"][:40], targets["returns"][:40]

    def staff(paths, who=None):
        return [(p, who or rng.choice(STAFF)) for p in paths]

    return {
        "public page": [
            [("/public/", None)],
            [("/public/decisions/", None), ("/public/decisions/?page=2", None)],
            [(f"/public/decisions/{r}/", None) for r in some_refs],
            [("/public/grants/", None)],
        ],
        "staff page": [
            staff(["/"]),
            staff(["/decisions/", "/decisions/?state=published"]),
            staff([f"/decisions/{r}/" for r in some_records]),
            staff(["/rounds/"]),
            staff([f"/rounds/{pk}/" for pk in rounds]),
            staff([f"/rounds/{pk}/assessment/" for pk in rounds], "officer"),
            staff(["/awards/"]),
            staff(["/funding/"]),
            staff([f"/funding/{pk}/" for pk in streams]),
            staff(["/partnership/"]),
        ],
        "delivery page": [
            staff(["/delivery/dashboard/"]),
            staff(["/delivery/programmes/"]),
            staff([f"/delivery/programmes/{pk}/" for pk in programmes]),
            staff(["/delivery/returns/"], "officer"),
            staff([f"/delivery/returns/{pk}/" for pk in returns], "officer"),
        ],
        "api": [
            [("/api/v1/interventions/", None)],
            staff(["/api/v1/programmes/", "/api/v1/programmes/?page=2"]),
            staff(["/api/v1/returns/", "/api/v1/returns/?page=3"]),
            staff(["/api/v1/indicators/"]),
        ],
        "export": [[("/public/360giving.csv", None)], [("/public/360giving.json", None)]],
        "pdf": [[(f"/public/decisions/{r}/pdf/", None) for r in refs[:20]]],
    }


MIX = [("public page", 35), ("staff page", 30), ("delivery page", 15), ("api", 10), ("export", 6), ("pdf", 4)]
HTML = ("public page", "staff page", "delivery page")


class Connection:
    """One kept-alive HTTP/1.1 connection on asyncio streams: a request is one write and a read of the status line,
    headers and a Content-Length or chunked body, so 50 users cost the shared CPU little (no thread per user, no
    per-request parsing beyond that) and the latency measured is the server's."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, session: str | None) -> int:
        cookie = f"Cookie: sessionid={session}\r\n" if session else ""
        head = (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\nAccept-Encoding: gzip\r\n{cookie}\r\n"
        ).encode()
        for attempt in range(2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                self.writer.write(head)
                return await asyncio.wait_for(self._response(), 60)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                self.close()  # the server closed a kept-alive connection (worker recycled): reconnect once
                if attempt:
                    return 0
        return 0

    async def _response(self) -> int:
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def drive(port, targets, *, users, seconds, think, kinds, server_url, db_name, master, seed=1) -> Run:
    """``users`` closed-loop users for ``seconds``: each picks a page (by MIX), waits for the response, then thinks
    (exponential, mean ``think`` seconds; none for a saturation run) before the next."""
    rng = random.Random(seed)
    pages = urls(targets, rng)
    run = Run()
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            run.max_connections = max(run.max_connections, connections_to(server_url, db_name))
            sampling.wait(0.5)

    async def user(n: int, stop: float):
        r = random.Random(seed * 1000 + n)
        conn = Connection(port)
        if think:  # users arrive spread over the first think time, not all in the same millisecond
            await asyncio.sleep(r.uniform(0, think))
        while time.monotonic() < stop:
            kind = r.choices([k for k, _ in MIX if k in kinds], [w for k, w in MIX if k in kinds])[0]
            path, who = r.choice(r.choice(pages[kind]))
            started = time.perf_counter()
            status = await conn.get(path, targets["sessions"].get(who) if who else None)
            run.results.append(Result(kind, (time.perf_counter() - started) * 1000, status == 200))
            if think:
                await asyncio.sleep(min(r.expovariate(1 / think), 5 * think))
        conn.close()

    async def everyone():
        stop = time.monotonic() + seconds
        await asyncio.gather(*(user(n, stop) for n in range(users)))

    sampler = threading.Thread(target=sample)
    sampler.start()
    cpu0, client0, t0 = server_cpu(master), time.process_time(), time.monotonic()
    asyncio.run(everyone())
    run.seconds, run.cpu_seconds = time.monotonic() - t0, server_cpu(master) - cpu0
    run.client_cpu_seconds = time.process_time() - client0
    sampling.set()
    sampler.join()
    return run


def per_page(port, targets, master, repeats: int = 12) -> list[tuple[str, str, float, float]]:
    """Server CPU and latency per page type, one request at a time (nothing else in flight): (kind, first path,
    CPU ms per request, median ms)."""
    pages = urls(targets, random.Random(2))
    out = []

    async def measure():
        conn = Connection(port)
        for kind, types in pages.items():
            for paths in types:
                chosen = [paths[i % len(paths)] for i in range(repeats)]
                for path, who in chosen[:2]:  # warm
                    await conn.get(path, targets["sessions"].get(who) if who else None)
                cpu0, times, bad = server_cpu(master), [], 0
                for path, who in chosen:
                    started = time.perf_counter()
                    bad += await conn.get(path, targets["sessions"].get(who) if who else None) != 200
                    times.append((time.perf_counter() - started) * 1000)
                cpu = (server_cpu(master) - cpu0) * 1000 / repeats
                label = paths[0][0] + (f" ({bad} of {repeats} not 200!)" if bad else "")
                out.append((kind, label, cpu, sorted(times)[len(times) // 2]))
        conn.close()

    asyncio.run(measure())
    return out


def row(label: str, run: Run) -> str:
    n = len(run.results)
    html = [r for r in run.results if r.kind in HTML]
    errors = sum(not r.ok for r in run.results)
    cpu = run.cpu_seconds * 1000 / len(html) if html and len(html) == n else float("nan")
    return (
        f"| {label} | {n} | {n / run.seconds:.1f} | {run.pct(0.50):.0f} | {run.pct(0.95):.0f} | {run.pct(0.99):.0f} "
        f"| {errors} | {run.max_connections} | {run.cpu_seconds * 1000 / max(n, 1):.1f} "
        f"| {'' if cpu != cpu else f'{cpu:.1f}'} | {run.client_cpu_seconds * 1000 / max(n, 1):.2f} |"
    )


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", default=os.environ.get("SVDUTY_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--saturation-clients", type=int, default=8)
    p.add_argument("--saturation-seconds", type=float, default=20)
    p.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: serve's)")
    p.add_argument("--threads", type=int, default=0, help="threads per worker (default: serve's)")
    p.add_argument("--applications", type=int, default=10_000)
    p.add_argument("--decisions", type=int, default=1_000)
    p.add_argument("--programmes", type=int, default=200)
    p.add_argument("--returns", type=int, default=5_000)
    p.add_argument("--quick", action="store_true", help="15 s runs, 2,000 EOIs, 200 records, 50 programmes")
    p.add_argument("--only", choices=["empty", "large"], help="one database only")
    p.add_argument("--per-page", action="store_true", help="also: server CPU per page type, one request at a time")
    p.add_argument("--no-load", action="store_true", help="skip the think-time and saturation runs")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="keep the databases and workspaces (under $TMPDIR) between runs: seed once, measure many times",
    )
    args, _ = p.parse_known_args(argv)
    if args.quick:
        args.seconds, args.saturation_seconds, args.applications, args.decisions = 15, 10, 2_000, 200
        args.programmes, args.returns = 50, 1_000
    try:
        admin_connect(args.server).close()
    except psycopg.Error as exc:
        print(f"benchmarks/web.py needs PostgreSQL at {args.server}: {str(exc).splitlines()[0]}")
        return 0
    import svduty.cli.main  # noqa: F401 - loads every command module in order (svduty.cli.web needs it first)
    from svduty.cli.web import default_threads, default_workers

    workers, threads = args.workers or default_workers(), args.threads or default_threads()
    lines = [
        f"svduty serve --production: gunicorn {workers} workers × {threads} threads, PostgreSQL, loopback; "
        f"{os.cpu_count()} CPU cores shared by client, server and database",
        "",
        "| database · run | requests | req/s | p50 ms | p95 ms | p99 ms | errors | DB connections (max) "
        "| server CPU ms / request | server CPU ms / HTML page | client CPU ms / request |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    details = []
    databases = (
        ("empty (demo only)", None),
        ("large", (args.applications, args.decisions, args.programmes, args.returns)),
    )
    for label, seed in databases:
        short = label.split()[0]
        if args.only and args.only != short:
            continue
        name = "svduty_bench_" + short
        if args.reuse:
            workspace = str(Path(os.environ.get("TMPDIR", "/tmp")) / f"svduty-bench-{short}")
            Path(workspace).mkdir(parents=True, exist_ok=True)
        else:
            workspace = mkdtemp(prefix=f"svduty-bench-{short}-")
        url = f"{args.server}/{name}"
        env = environment(url, workspace)
        started = time.monotonic()
        marker = Path(workspace) / "seeded"
        if args.reuse and marker.exists() and marker.read_text() == repr(seed):
            targets = prepare(env, None, load=False)  # fresh sessions only
        else:
            fresh_database(args.server, name)
            targets = prepare(env, seed)
            # The seeder bulk-inserts; a live database has planner statistics (autovacuum), so give it them now.
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            marker.write_text(repr(seed))
        print(f"{label}: database ready in {time.monotonic() - started:.0f} s", flush=True)
        port = 18_000 + random.randrange(1000)
        proc = start_server(env, port, workers, threads)
        try:
            common = dict(server_url=args.server, db_name=name, master=proc.pid)
            # Warm every worker (its 360Giving cache, templates, connections) as a server that has been up would be.
            drive(port, targets, users=6, seconds=min(10, args.seconds / 3), think=0, kinds=dict(MIX), **common)
            if args.per_page:
                for kind, path, cpu, median in per_page(port, targets, proc.pid):
                    details.append(f"{label} · {kind} · {path}: server CPU {cpu:.1f} ms, {median:.0f} ms alone")
            if not args.no_load:
                print(f"uptime before the think-time run: {os.getloadavg()}", flush=True)
                think = drive(
                    port, targets, users=args.users, seconds=args.seconds, think=1.0, kinds=dict(MIX), **common
                )
                print(f"uptime before the saturation run: {os.getloadavg()}", flush=True)
                sat = drive(
                    port,
                    targets,
                    users=args.saturation_clients,
                    seconds=args.saturation_seconds,
                    think=0,
                    kinds=HTML,
                    **common,
                )
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
        if not args.no_load:
            lines.append(row(f"{label} · {args.users} users, think time, {args.seconds:.0f} s", think))
            lines.append(row(f"{label} · saturation, {args.saturation_clients} clients, HTML only", sat))
            per_kind = ", ".join(
                f"{k} p95 {think.pct(0.95, (k,)):.0f} ms" for k, _ in MIX if any(r.kind == k for r in think.results)
            )
            details.append(f"{label}, think-time run by kind: {per_kind}")
        if not args.reuse:
            with admin_connect(args.server) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\n".join([*lines, "", *details]))
    print("Goals: think time p95 < 200 ms and 0 errors; saturation ≥ 100 HTML pages/s; ≤ 20 ms server CPU per page.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
