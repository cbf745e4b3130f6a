"""Settings: one documented table, read from the environment, with safe defaults.

Every setting is a row of ``SETTINGS``; ``Settings.from_env()`` reads them and ``create_app``
accepts overrides (tests inject their own). The README's settings table is generated from this
list (``psad docs``, ``app.reference``) and a test fails when it differs, so the doc strings here
are the documentation: a setting cannot exist undocumented or be documented twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str  # environment variable
    field: str  # attribute on Settings
    default: Any
    kind: type
    doc: str
    limits: tuple[Any, Any] | None = None  # smallest and largest accepted value (None: no bound)


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "database_url", "", str,
            "PostgreSQL URL (`postgresql://user:pass@host:5432/db`). Empty: start and reuse the "
            "embedded PostgreSQL under `PSAD_DATA_DIR`."),
    Setting("DATABASE_READ_URL", "database_read_url", "", str,
            "PostgreSQL URL of a streaming replica of `DATABASE_URL` that the pages and the API read "
            "from (one server, not a balancer over several); loads, migrations and the load log "
            "still write to `DATABASE_URL`. Empty: everything reads from `DATABASE_URL`."),
    Setting("PSAD_DB_CONNECT_TIMEOUT_S", "db_connect_timeout_s", 2, int,
            "Seconds a new database connection may take before the request is told the database "
            "is not reachable (HTTP 503).", limits=(2, 60)),
    Setting("PSAD_DB_CHECK_S", "db_check_s", 1.0, float,
            "Seconds a query may go unanswered before the app checks its server with a new "
            "connection; a server that does not answer that either (frozen, or cut off) has the "
            "query abandoned and the request told the database is not reachable, since the "
            "server's own statement timeout cannot fire then.", limits=(0.1, 60.0)),
    Setting("PSAD_DB_POOL_TIMEOUT_S", "db_pool_timeout_s", 5.0, float,
            "Seconds a query may wait for a free pooled connection (10 per database server and "
            "process) before the request is told the database is not reachable.", limits=(0.1, 300.0)),
    Setting("PSAD_DB_RETRY_S", "db_retry_s", 2.0, float,
            "After the database did not answer in time, seconds requests are told at once that it "
            "is not reachable before one request tries it again; the outage is logged once.",
            limits=(0.1, 600.0)),
    Setting("PSAD_DATA_DIR", "data_dir", str(PROJECT_ROOT / ".psad"), str,
            "Where the embedded PostgreSQL keeps its data directory (git-ignored)."),
    Setting("REDIS_URL", "redis_url", "", str,
            "Redis URL for the shared query cache (use it with several workers). Empty: an "
            "in-process cache."),
    Setting("PSAD_CACHE_TIMEOUT", "cache_timeout", 86400, int,
            "Seconds a cached query result lives. Results are also keyed by the data version, "
            "so a load invalidates them at once.", limits=(0, None)),
    Setting("PSAD_CACHE_RETRY_S", "cache_retry_s", 30, int,
            "After Redis fails (down, or not answering within 0.25 s), seconds the pages are served "
            "without it before one request tries it again; the failure is logged once.", limits=(1, 3600)),
    Setting("PSAD_MAX_REQUEST_KB", "max_request_kb", 1024, int,
            "Largest request body the server reads, in KiB; a larger one gets HTTP 413 before it is read "
            "(a callback's body is a few KiB).", limits=(16, 1048576)),
    Setting("PSAD_STATEMENT_TIMEOUT_MS", "statement_timeout_ms", 10000, int,
            "Longest a single query may run before it is cancelled and the user told.", limits=(1, None)),
    Setting("PSAD_ROW_CAP", "row_cap", 20000, int,
            "Most rows any one query may return (API and pages). A query may ask for fewer, never more; "
            "past it the page (or the API, with HTTP 400) says to narrow the filters.", limits=(1, None)),
    Setting("PSAD_API_MAX_AGE", "api_max_age", 300, int,
            "Seconds a browser, reverse proxy or CDN may reuse an API answer without asking again "
            "(`Cache-Control: max-age`); after that it revalidates with the ETag, which changes "
            "with every load.", limits=(0, None)),
    Setting("PSAD_PROXY_CACHE_S", "proxy_cache_s", 10, int,
            "Seconds the reverse proxy in front (deploy/nginx-psad.conf) may answer a page, its layout, "
            "its callback graph and Dash's unfingerprinted script chunks from its own cache "
            "(`X-Accel-Expires`, which nginx keeps to itself: browsers still revalidate). A crowd on one "
            "link then reaches the app once per variant (address, language, encoding) in this time, and a "
            "new load reaches those pages at most this late. Never the case lookup (its address holds "
            "what a reader typed). 0: never.", limits=(0, 3600)),
    Setting("WEB_CONCURRENCY", "workers", 0, int,
            "gunicorn worker processes for `psad serve --production`; 0: one per core (at least 2).",
            limits=(0, 256)),
    Setting("PSAD_THREADS", "threads", 8, int,
            "Threads per gunicorn worker (`psad serve --production`): requests computed at once per worker "
            "(a slow client waits in the worker's event loop, not in a thread).",
            limits=(1, 256)),
    Setting("PSAD_HOST", "host", "127.0.0.1", str, "Address `psad serve` listens on."),
    Setting("PSAD_PORT", "port", 8050, int, "Port `psad serve` listens on.", limits=(1, 65535)),
    Setting("PSAD_WARM_DECKS", "warm_decks", True, bool,
            "Warm the cache with the default presentation deck citywide and of every police and Council "
            "district after each data load, so a deck's first opening is fast: the server does it when it first "
            "sees a new data version (one worker for all with `REDIS_URL`), and with `REDIS_URL` set so do "
            "`psad ingest`, `psad refresh` and `psad demo load`. Off: a deck is computed when first opened."),
    Setting("PSAD_WARM_VIEWS", "warm_views", True, bool,
            "Warm the cache with the default Summary and Map view citywide and of every police and Council "
            "district after each data load (the server, when it first sees a new data version; one worker for "
            "all with `REDIS_URL`, and the load commands with `REDIS_URL` set). Off: a view is computed when "
            "first asked for."),
    Setting("PSAD_PUBLIC_URL", "public_url", "", str,
            "The address residents reach the dashboard at (e.g. `https://safety.baltimorecity.gov`), for the "
            "QR code on the deck's last slide. Empty: the address the presenter's browser used."),
    Setting("PSAD_GOAL_BASELINE_YEAR", "goal_baseline_year", 2021, int,
            "Baseline year of the Plan's gun-violence goal.", limits=(2000, 2100)),
    Setting("PSAD_GOAL_ANNUAL_REDUCTION", "goal_annual_reduction", 0.15, float,
            "Yearly reduction the goal asks for (0.15 = 15% fewer each year).", limits=(0.0, 0.99)),
    Setting("PSAD_MIN_COMPARE", "min_compare", 10, int,
            "Fewest events in the earlier span a percentage change is computed from, on every page; "
            "below it no percentage is shown (\"too few to compare\", or the two counts where the "
            "later span reaches it).", limits=(1, None)),
    Setting("PSAD_DEBUG", "debug", False, bool, "Dash debug mode (developers only)."),
    # Map and CVI pages
    Setting("PSAD_TILE_URL", "tile_url", "", str,
            "Base-map tile URL template (`https://tiles.example.org/{z}/{x}/{y}.png`). Empty: no "
            "base map; boundaries and data are drawn on a plain background."),
    Setting("PSAD_TILE_ATTRIBUTION", "tile_attribution", "", str,
            "Attribution shown for the tiles (required by most tile providers)."),
    Setting("PSAD_MAP_POINT_CAP", "map_point_cap", 4000, int,
            "Most incident points the map draws; above it the map shows a density grid (about "
            "400 m squares) instead and says so.", limits=(0, None)),
    Setting("PSAD_MAP_MIN_POPULATION", "map_min_population", 500, int,
            "Areas with fewer residents are flagged (grey, dashed outline), not shaded, when the map "
            "shows rates.", limits=(0, None)),
    Setting("PSAD_CVI_RADIUS_M", "cvi_radius_m", 400, int,
            "Radius in metres around each CVI site within which gun-violence victims (non-fatal "
            "shootings and homicides by firearm) are counted as context.", limits=(1, 10000)),
    # Real data: ingest and refresh
    Setting("PSAD_INGEST_MIN_DATE", "ingest_min_date", "2000-01-01", str,
            "Earliest plausible record date; older (and future) dates are rejected with the reason kept."),
    Setting("PSAD_ARCGIS_CRIME_URL", "arcgis_crime_url",
            "https://services1.arcgis.com/UWYHeuuJISiGmgXx/arcgis/rest/services/Part1_Crime_Beta/FeatureServer/0",
            str, "ArcGIS FeatureServer layer `psad refresh` reads Part 1 crime from."),
    Setting("PSAD_ARCGIS_ARRESTS_URL", "arcgis_arrests_url",
            "https://services1.arcgis.com/UWYHeuuJISiGmgXx/arcgis/rest/services/BPD_Arrests/FeatureServer/0",
            str, "ArcGIS FeatureServer layer `psad refresh` reads arrests from (check the current layer "
                 "name on Open Baltimore)."),
    Setting("PSAD_ARCGIS_CALLS_URL", "arcgis_calls_url",
            "https://services1.arcgis.com/UWYHeuuJISiGmgXx/arcgis/rest/services/911_Calls_For_Service_2024/FeatureServer/0",
            str, "ArcGIS FeatureServer layer `psad refresh --dataset calls` reads 911 calls for service from "
                 "(Open Baltimore publishes a layer per year: check the current layer name)."),
    Setting("PSAD_REFRESH_OVERLAP_DAYS", "refresh_overlap_days", 14, int,
            "`psad refresh` re-fetches this many days before the last loaded date, so late additions "
            "and corrections arrive.", limits=(0, 3650)),
    Setting("PSAD_ARCGIS_TIMEOUT", "arcgis_timeout", 60.0, float, "Seconds one ArcGIS request may take.",
            limits=(0.1, 3600.0)),
    Setting("PSAD_ARCGIS_RETRIES", "arcgis_retries", 5, int,
            "Attempts per ArcGIS request (exponential backoff between them) before a refresh gives up.",
            limits=(1, 100)),
)


BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parse(kind: type, raw: str) -> Any:
    if kind is bool:
        if raw.strip().lower() not in BOOLEANS:
            raise ValueError(raw)
        return BOOLEANS[raw.strip().lower()]
    return kind(raw.strip())


def check(settings: "Settings") -> None:
    """Every setting within its limits (and the earliest ingest date a date), or SystemExit with a
    sentence naming the setting: a bad value stops the start, rather than failing every request
    later with a misleading message."""
    from datetime import date

    for s in SETTINGS:
        value = getattr(settings, s.field)
        if s.limits is not None:
            low, high = s.limits
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = (f"from {low} to {high}" if high is not None and low is not None
                          else f"at least {low}" if low is not None else f"at most {high}")
                raise SystemExit(f"Setting {s.name}={value!r} is out of range: use a value {bounds}.")
    url = settings.database_read_url
    if url and not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raise SystemExit("Setting DATABASE_READ_URL must be a PostgreSQL URL (postgresql://user@host:5432/db), "
                         f"not {url.split(':', 1)[0]}://….")
    if settings.database_read_url and not settings.database_url:
        raise SystemExit("Setting DATABASE_READ_URL needs DATABASE_URL: the primary that loads write to "
                         "(the embedded server has no replica).")
    try:
        date.fromisoformat(settings.ingest_min_date)
    except ValueError:
        raise SystemExit(f"Setting PSAD_INGEST_MIN_DATE={settings.ingest_min_date!r} is not a date: "
                         "use YYYY-MM-DD.") from None


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: str
    redis_url: str
    cache_timeout: int
    cache_retry_s: int
    max_request_kb: int
    statement_timeout_ms: int
    row_cap: int
    api_max_age: int
    proxy_cache_s: int
    workers: int
    threads: int
    host: str
    port: int
    public_url: str
    goal_baseline_year: int
    goal_annual_reduction: float
    min_compare: int
    debug: bool
    ingest_min_date: str
    arcgis_crime_url: str
    arcgis_arrests_url: str
    refresh_overlap_days: int
    arcgis_timeout: float
    arcgis_retries: int
    tile_url: str = ""
    tile_attribution: str = ""
    map_point_cap: int = 4000
    map_min_population: int = 500
    cvi_radius_m: int = 400
    warm_decks: bool = True
    warm_views: bool = True
    database_read_url: str = ""
    db_connect_timeout_s: int = 2
    db_check_s: float = 1.0
    db_pool_timeout_s: float = 5.0
    db_retry_s: float = 2.0
    arcgis_calls_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(s.name)
            if raw is None or raw == "":
                values[s.field] = s.default
            else:
                try:
                    values[s.field] = _parse(s.kind, raw)
                except ValueError:
                    kind = "on or off" if s.kind is bool else {int: "a whole number", float: "a number"}.get(
                        s.kind, s.kind.__name__)
                    raise SystemExit(f"Setting {s.name}={raw!r} is not valid: use {kind}.") from None
        settings = replace(cls(**values), **overrides)
        check(settings)
        return settings

