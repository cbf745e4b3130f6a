"""Shared fixtures: a real PostgreSQL database with a small demo load, and fresh apps per test.

The server is the one named by ``TEST_DATABASE_URL`` (or ``DATABASE_URL``) when set; otherwise
the embedded pgserver, exactly as on a user's fresh machine. Each test session works in its own
newly created database and drops it at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date

import psycopg
import pytest
from sqlalchemy import make_url

from app import create_app
from app.settings import PROJECT_ROOT
from data_access import migrate
from data_access.db import Database
from data_access.embedded import embedded_url
from data_access.loading import load_demo

# Test apps warm no presentation decks in the background unless a test asks (PSAD_WARM_DECKS; the
# warming is tested in tests/test_present_warm.py): a warm per app would slow the browser tests.
os.environ.setdefault("PSAD_WARM_DECKS", "off")
os.environ.setdefault("PSAD_WARM_VIEWS", "off")  # nor the district views (tests/test_warming.py tests the runner)

# The ingest tests' fixtures (a clone of a loaded template database per test) and the browser tests'
# shared server and Chromium (``site``, ``browser``), for every test module.
pytest_plugins = ["tests.ingest_support", "tests.axe_support"]

# The demo slice the database tests run on: small, but crossing a year boundary, the 2023
# district map change and the goal's 2021 baseline.
DEMO_START = date(2020, 1, 1)
DEMO_END = date(2026, 10, 31)
DEMO_SCALE = 0.08


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    return embedded_url(os.environ.get("PSAD_DATA_DIR", str(PROJECT_ROOT / ".psad")), "postgres")


def _admin(url: str):
    u = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    return psycopg.connect(u.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True)


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


@pytest.fixture(scope="session")
def make_database(server_url):
    """Factory: a fresh, empty database on the test server; all are dropped at session end."""
    created: list[str] = []

    def make() -> str:
        name = f"psad_test_{uuid.uuid4().hex[:10]}"
        with _admin(server_url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        u = make_url(server_url.replace("postgresql+psycopg://", "postgresql://"))
        return u.set(database=name).render_as_string(hide_password=False)

    yield make
    with _admin(server_url) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_url(make_database) -> str:
    """A database migrated and loaded with the small demo slice (shared, read-only for tests)."""
    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    load_demo(db, scale=DEMO_SCALE, start=DEMO_START, end=DEMO_END)
    db.dispose()
    return url


@pytest.fixture()
def db(demo_url):
    database = Database(demo_url)
    yield database
    database.dispose()


@pytest.fixture()
def app(demo_url):
    """A fresh Dash app on the demo database with caching off (tests see the query path)."""
    return create_app({"database_url": demo_url}, cache_type="null")


@pytest.fixture()
def client(app):
    return app.server.test_client()


@pytest.fixture()
def app_ctx(app):
    with app.server.app_context():
        yield app


# --- browser tests (dash_duo) -----------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                  "--window-size=1400,1000"]


def free_port() -> int:
    """A port nobody is listening on, so browser tests can run beside a served app or another
    test run on the same machine."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_setup_options():
    """dash[testing] hook: the Chromium options every dash_duo browser starts with."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if shutil.which("chromium"):
        options.binary_location = shutil.which("chromium")
    return options


def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # under xdist: the late browser modules last (see BROWSER_LATE)
        late = {f"tests/{m}.py" for m in BROWSER_LATE}
        items.sort(key=lambda item: item.nodeid.split("::", 1)[0] in late)
    if shutil.which("chromedriver") and (shutil.which("chromium") or shutil.which("google-chrome")):
        return
    skip = pytest.mark.skip(reason="Chromium and chromedriver are not installed "
                                   "(apt-get install chromium chromium-driver)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# --- two processes (`make test`: pytest-xdist, ``-n 2``) -------------------------------------------

# Browser modules run as a second group, queued after every other module: the worker whose
# non-browser modules end first takes them while the other finishes the first group. Two Chromiums
# then share the 2 cores for the last minutes only; one worker running every browser module made
# it the run's critical path (620 s of 630 s, with the other worker idle for four minutes).
BROWSER_LATE = ("test_browser_i18n", "test_browser_demographics_arrests_cases", "test_browser_summary",
                "test_browser_neighborhood_stat", "test_browser_guns_warrants", "test_browser_calls",
                "test_browser_downloads", "test_browser_ipv", "test_browser_plan", "test_browser_filter_tools")


def _browser_modules() -> frozenset[str]:
    """The test modules with a browser test (``pytest.mark.browser`` in their text)."""
    here = PROJECT_ROOT / "tests"
    return frozenset(f"tests/{p.name}" for p in here.glob("test_*.py") if "mark.browser" in p.read_text("utf-8"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """The browser modules in two groups, each on one worker, one module after another: the first
    group from the start, the second (``BROWSER_LATE``) after every other module, so two Chromiums
    compete for this 2-core machine's CPU only at the end; every other module runs whole on either
    worker (its module fixtures are set up once), as ``--dist loadfile`` does. The queue keeps the
    collection's order (``pytest_collection_modifyitems`` puts the late group last), not xdist's
    largest-scope-first order, which would start both groups at once."""
    from xdist.scheduler import LoadScopeScheduling

    browser = _browser_modules()
    late = {f"tests/{m}.py" for m in BROWSER_LATE}
    config.option.loadscopereorder = False

    class BrowserTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module not in browser:
                return module
            return "browser-late" if module in late else "browser"

    return BrowserTogether(config, log)
