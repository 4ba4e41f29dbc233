"""Fixtures every test directory may use (real open data, fresh workspaces), and the rule for missing tools.

A test that cannot run here for lack of a tool or data set (Debian chromium, pdftoppm, ``../shared`` data,
PostgreSQL) skips with a reason starting ``missing:``. Under ``CI=true`` the hook below turns exactly those skips into
failures, so CI cannot pass by quietly not running them; every run ends with a list of what was skipped and why.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from svduty.data import police_uk
from svduty.data.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data" / "real"
ARTIFACTS = REPO / "test-artifacts"
MISSING = "missing: "  # prefix of a skip reason meaning "a tool or data set this test needs is absent"
ONS_LOOKUP = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"


# Hypothesis profiles, chosen by $SVDUTY_HYPOTHESIS_PROFILE: "test" (the default, and `make test`) keeps the suite
# quick; "fuzz" (`make fuzz`) runs at least 10,000 examples per adapter. Fuzz tests set no max_examples themselves.
_FUZZ_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
settings.register_profile("test", max_examples=100, **_FUZZ_SETTINGS)
settings.register_profile("fuzz", max_examples=10_000, **_FUZZ_SETTINGS)
settings.load_profile(os.environ.get("SVDUTY_HYPOTHESIS_PROFILE", "test"))
FUZZ_EXAMPLES: Counter[str] = Counter()  # adapter → examples run, printed at the end of the run


@pytest.fixture(scope="session")
def fuzz_examples() -> Counter[str]:
    """Count each fuzz example (``fuzz_examples["police-uk"] += 1``) so the run reports how many really ran."""
    return FUZZ_EXAMPLES


@pytest.fixture(scope="session")
def fuzz_dir(tmp_path_factory) -> Iterator[Path]:
    """Where fuzz workspaces live: a RAM disk when there is one (every example commits, and fsync on a busy disk
    dominated the run), else the session's temporary folder."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path_factory.mktemp("fuzz")
        return
    folder = Path(tempfile.mkdtemp(prefix="svduty-fuzz-", dir=shm))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a ``missing:`` skip is a failure: CI must run every test, not pass by skipping."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = _skip_reason(report)
        if reason.startswith(MISSING):
            report.outcome = "failed"
            report.longrepr = f"CI=true and this test cannot run here: {reason}"


def pytest_sessionfinish(session):
    """Under pytest-xdist, a worker hands its fuzz counts to the controller, which prints the summary."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_examples"] = dict(FUZZ_EXAMPLES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller adds up each xdist worker's fuzz counts (only called when pytest-xdist runs the suite)."""
    FUZZ_EXAMPLES.update(getattr(node, "workeroutput", {}).get("fuzz_examples", {}))


# The web suite's SQLite pass (tests/web/test_sqlite_path.py::test_web_suite_on_sqlite_too) is one long nested pytest
# run. Started when that test is collected, in the background beside the workers, it no longer runs alone at the end
# of the suite (xdist hands files out in collection order, and this file comes last); the test waits for it.
SQLITE_RUN_TEST = "tests/web/test_sqlite_path.py::test_web_suite_on_sqlite_too"


def sqlite_run_args() -> list[str]:
    """The nested run's selection: every non-browser web test that is not PostgreSQL-only, except test_sqlite_path.py
    (its tests make their own SQLite databases whatever the test database is). Paths relative to the repository."""
    return ["-m", "not browser and not postgres", "tests/web", "--ignore", "tests/web/test_sqlite_path.py"]


def sqlite_run_command(report: Path) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}", *sqlite_run_args()]


def sqlite_run_env() -> dict:
    return {**os.environ, "SVDUTY_TEST_SQLITE": "1"}


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or a plain run): where a background run would start
        config.svduty_sqlite_run = {"folder": Path(tempfile.mkdtemp(prefix="svduty-sqlite-run-")), "process": None}


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["svduty_sqlite_run"] = str(node.config.svduty_sqlite_run["folder"])


def sqlite_run_folder(config) -> Path | None:
    """Where the background SQLite run writes (``started``, ``report.xml``, ``output.txt``, ``returncode``)."""
    if hasattr(config, "workerinput"):
        folder = config.workerinput.get("svduty_sqlite_run")
        return Path(folder) if folder else None
    run = getattr(config, "svduty_sqlite_run", None)
    return run["folder"] if run else None


def _start_sqlite_run(config, ids) -> None:
    run = getattr(config, "svduty_sqlite_run", None)
    if run is None or run["process"] is not None or SQLITE_RUN_TEST not in ids:
        return
    if os.environ.get("SVDUTY_TEST_SQLITE") == "1" or config.option.collectonly:
        return
    from django.conf import settings as django_settings

    if getattr(django_settings, "SVDUTY_TEST_DATABASE", "sqlite3") == "sqlite3":
        return  # the main run is on SQLite already: the test skips
    import subprocess
    import threading

    folder = run["folder"]
    output = open(folder / "output.txt", "w")  # noqa: SIM115 - closed by the waiting thread
    process = subprocess.Popen(
        sqlite_run_command(folder / "report.xml"),
        env=sqlite_run_env(),
        cwd=REPO,
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    run["process"] = process
    (folder / "started").write_text(str(process.pid))

    def wait():
        code = process.wait()
        output.close()
        (folder / "returncode").write_text(str(code))

    threading.Thread(target=wait, daemon=True).start()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    _start_sqlite_run(node.config, ids)


def pytest_collection_finish(session):
    if not hasattr(session.config, "workerinput"):
        _start_sqlite_run(session.config, [item.nodeid for item in session.items])


def pytest_unconfigure(config):
    run = getattr(config, "svduty_sqlite_run", None)
    if run is None:
        return
    if run["process"] is not None and run["process"].poll() is None:
        run["process"].kill()  # the run was cut short (deselected test, ^C): leave nothing behind
        run["process"].wait()
    shutil.rmtree(run["folder"], ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """End every run with the fuzz examples run per adapter and what was skipped and why (or that nothing was)."""
    if config.option.collectonly:
        return
    if FUZZ_EXAMPLES:
        profile = settings._current_profile
        terminalreporter.section(f"hypothesis fuzzing (profile {profile!r})")
        for adapter, n in sorted(FUZZ_EXAMPLES.items()):
            terminalreporter.write_line(f"{adapter:12s} {n:7,d} examples run")
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if not hasattr(r, "wasxfail")]
    terminalreporter.section("skipped tests")
    if not skipped:
        terminalreporter.write_line("nothing skipped")
        return
    for reason, n in Counter(_skip_reason(r) for r in skipped).most_common():
        terminalreporter.write_line(f"{n:4d} skipped: {reason}")
    if any(_skip_reason(r).startswith(MISSING) for r in skipped):
        terminalreporter.write_line(
            "(`make test` installs the missing Debian packages when run as root; CI=true fails these)"
        )


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/data/real`` (present in CI and on the project's machines); elsewhere the real-data tests skip."""
    if not (REAL_DATA / "MANIFEST.md").exists():
        pytest.skip(MISSING + "../shared/data/real is not beside this checkout")
    return REAL_DATA


@pytest.fixture
def workspace(tmp_path: Path):
    """A new, empty workspace with the latest schema."""
    ws = Workspace.create(tmp_path / "workspace")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def city_of_london_workspace(real_data: Path, tmp_path_factory) -> Path:
    """Real City of London police.uk files through the adapter; ONS population and lookup by plain DuckDB.

    The ONS tables are loaded independently of svduty's population adapter so that SNA figures are checked against
    the published files, not against another svduty component. Shared by the session: open it read-only (copy it to
    change it).
    """
    path = tmp_path_factory.mktemp("city-of-london") / "ws"
    with Workspace.create(path) as ws:
        police_uk.ingest(ws, [real_data / "police-uk" / "city-of-london"])
        census = real_data / "ons" / "census21_pop_lsoa21_by_age.csv"
        ws.con.execute(
            f"""INSERT INTO population (area_code, area_name, year, age_band, sex, persons, source)
            SELECT lsoa21_code, any_value(lsoa21_name), 2021, 'all', 'all', sum(usual_residents), 'ONS Census 2021'
            FROM read_csv('{census}', header=true, quote='"', columns={{'lsoa21_code': 'VARCHAR',
                 'lsoa21_name': 'VARCHAR', 'age_group': 'VARCHAR', 'usual_residents': 'DOUBLE'}})
            GROUP BY lsoa21_code"""
        )
        ws.con.execute(
            f"""INSERT INTO lsoa_lookup (lsoa11_code, lsoa11_name, lsoa21_code, lsoa21_name, lad_code, lad_name,
                                         lad_name_welsh, lad_year, ingest_id)
            SELECT LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, LAD22CD, LAD22NM, LAD22NMW, 2022, 0
            FROM read_csv('{real_data / "ons" / ONS_LOOKUP}', all_varchar=true)"""
        )
    return path


def load_ons_tables(ws: Workspace, real_data: Path) -> None:
    """Census 2021 residents (LSOA 2021) and the ONS LSOA 2011→2021→LAD 2022 lookup, by plain DuckDB."""
    census = real_data / "ons" / "census21_pop_lsoa21_by_age.csv"
    ws.con.execute(
        f"""INSERT INTO population (area_code, area_name, year, age_band, sex, persons, source)
        SELECT lsoa21_code, any_value(lsoa21_name), 2021, 'all', 'all', sum(usual_residents), 'ONS Census 2021'
        FROM read_csv('{census}', header=true, quote='"', columns={{'lsoa21_code': 'VARCHAR',
             'lsoa21_name': 'VARCHAR', 'age_group': 'VARCHAR', 'usual_residents': 'DOUBLE'}})
        GROUP BY lsoa21_code"""
    )
    ws.con.execute(
        f"""INSERT INTO lsoa_lookup (lsoa11_code, lsoa11_name, lsoa21_code, lsoa21_name, lad_code, lad_name,
                                     lad_name_welsh, lad_year, ingest_id)
        SELECT LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, LAD22CD, LAD22NM, LAD22NMW, 2022, 0
        FROM read_csv('{real_data / "ons" / ONS_LOOKUP}', all_varchar=true)"""
    )


@pytest.fixture(scope="session")
def national_workspace(real_data: Path, tmp_path_factory) -> Path:
    """The real 40-force national month 2021-08 through the police.uk adapter, with Census 2021 and the lookup.

    Shared by the session: open it read-only.
    """
    path = tmp_path_factory.mktemp("national") / "ws"
    with Workspace.create(path) as ws:
        police_uk.ingest(ws, [real_data / "police-uk" / "national" / "2021-08"])
        load_ons_tables(ws, real_data)
    return path
