"""The ``psad`` command line: serve, migrate, load demo data, report status.

Every command resolves the database the same way as the app (``DATABASE_URL`` or the embedded
server) and reports failures as one plain sentence and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from app.settings import PROJECT_ROOT, Settings


def _database(settings: Settings):
    """The primary, for reads too: loads, migrations and the load log write there, and what a
    command reads before and after (is demo data served, which loads are still running) must not
    come from a replica that has not caught up. ``DATABASE_READ_URL`` is for the servers."""
    from dataclasses import replace

    from data_access.db import Database
    from data_access.embedded import resolve_database_url

    return Database.from_settings(replace(settings, database_read_url="", database_url=resolve_database_url(
        settings.database_url, settings.data_dir)))


def warm_shared_cache(settings: Settings) -> None:
    """After a load commits: with a shared (Redis) cache, run every warming job now (the default
    decks, every district's default views: ``app.warming``), so a first viewer on any worker or host
    finds them warm. Without Redis the cache lives in each server process, and the server warms its
    own when it sees the new data version. A failure here is reported in one line and leaves the
    load (and the exit code) as they are."""
    if not settings.redis_url:
        return
    from dataclasses import replace

    from app import warming
    from app.factory import create_app, resolved_settings

    try:
        # from the primary: the load just committed there, and a replica may not have it yet
        app = create_app(resolved_settings(replace(settings, database_read_url="")))
        reports = warming.warm_now(app)  # claims the version: one process warms each version
        app.server.extensions["psad"].db.dispose()
        if reports is None:
            print("The shared cache: nothing loaded, or this data version was already warmed by a server.")
            return
        for r in reports:
            print(f"Warmed the shared cache ({r.job}): {r.views} views for data version {r.version} "
                  f"in {r.seconds:.1f} s." if not r.error else f"Warming {r.job} failed: {r.error}")
    except Exception as exc:
        print(f"psad: the load is committed, but warming the shared cache failed ({type(exc).__name__}: "
              f"{' '.join(str(exc).split())}); views will be computed when first asked for.", file=sys.stderr)


def cmd_serve(args, settings: Settings) -> int:
    from app.factory import create_app, resolved_settings

    settings = resolved_settings(settings)  # starts the embedded PostgreSQL when DATABASE_URL is unset
    host = args.host or settings.host
    port = args.port or settings.port
    if args.production:
        import os
        import shutil

        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if not gunicorn:
            print("psad: gunicorn is not installed (pip install gunicorn)", file=sys.stderr)
            return 1
        env = dict(os.environ, DATABASE_URL=settings.database_url, PSAD_HOST=host, PSAD_PORT=str(port))
        print(f"Serving the dashboard with gunicorn on http://{host}:{port}  (Ctrl+C to stop)", flush=True)
        os.chdir(PROJECT_ROOT)  # gunicorn.conf.py and wsgi.py live there
        os.execve(gunicorn, [gunicorn, "--config", str(PROJECT_ROOT / "gunicorn.conf.py"), "wsgi:application"], env)
    app = create_app(settings)
    print(f"Serving the dashboard on http://{host}:{port}  (Ctrl+C to stop)", flush=True)
    app.run(host=host, port=port, debug=settings.debug, request_handler=_quiet_handler())
    return 0


def _quiet_handler():
    """werkzeug's request handler without its version in the Server header (app.serving sets it)."""
    from werkzeug.serving import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        server_version = "psad"
        sys_version = ""

        def version_string(self) -> str:
            return "psad"

    return Handler


def cmd_db_upgrade(args, settings: Settings) -> int:
    from data_access import migrate

    db = _database(settings)
    before = migrate.current_revision(db)
    migrate.upgrade(db)
    after = migrate.current_revision(db)
    print(f"Database schema: {before or 'empty'} -> {after}" if before != after
          else f"Database schema is up to date ({after}).")
    return 0


def cmd_demo_load(args, settings: Settings) -> int:
    from tqdm import tqdm

    from data_access import migrate
    from data_access.loading import load_demo, serving_demo

    db = _database(settings)
    migrate.upgrade(db)
    serving = serving_demo(db)
    if args.if_empty and serving is not None:
        print("Data is already loaded; nothing to do (drop --if-empty to reload the demo data).")
        return 0
    if serving is False and not args.replace_real_data:
        print("This database serves real data. Loading demo data would replace it; pass "
              "--replace-real-data if that is what you want.", file=sys.stderr)
        return 2
    # each dataset's demo module reports its own steps (data_access.loading.DEMO_EXTRAS): no fixed total
    bar = tqdm(desc="demo load", unit="step", file=sys.stderr)

    def progress(step: str, rows: int) -> None:
        bar.set_postfix_str(f"{step} {rows:,} rows" if rows else step)
        bar.update(1)

    summary = load_demo(db, scale=args.scale, seed=args.seed, end=args.end, progress=progress)
    bar.close()
    print("\n".join(summary.lines()))
    warm_shared_cache(settings)
    return 0


def cmd_status(args, settings: Settings) -> int:
    from flask import Flask

    from data_access.cache import cache, cache_config

    # The queries memoize through flask-caching, which needs an app context: give it a null one.
    app = Flask("psad-status")
    cache.init_app(app, config=cache_config("", 0, "null"))
    with app.app_context():
        return _status(args, settings)


def _status(args, settings: Settings) -> int:
    import pandas as pd

    from data_access import migrate, status
    from data_access.loading import mark_abandoned

    db = _database(settings)
    rev = migrate.current_revision(db)
    print(f"Database:      {db!r}")
    print(f"Schema:        {rev or 'not created (run: psad db upgrade)'}"
          + ("" if rev in (None, migrate.head_revision(db)) else "  (out of date: run psad db upgrade)"))
    if rev is None:
        return 1
    for load_id in mark_abandoned(db):
        print(f"Load #{load_id} was still marked running, but its process is gone: marked failed.")
    state = status.state(db)
    if not state["version"]:
        print("Data:          nothing loaded (run: psad demo load)")
        return 0
    kind = "DEMO (synthetic)" if state["is_demo"] else "real"
    print(f"Data:          {kind}, version {state['version']}, data as of {state['data_as_of']}")
    print("Rows per dataset:")
    counts = status.dataset_counts(db)
    width = max(map(len, counts)) + 2
    for name, n in counts.items():
        print(f"  {name:<{width}}{n:>12,}")
    history = status.load_history(db, limit=5)
    if len(history):
        print("Recent loads:")
        for r in history.itertuples(index=False):
            when = r.finished_at.strftime("%Y-%m-%d %H:%M") if pd.notna(r.finished_at) else "running"
            print(f"  #{r.id} {when} {r.dataset:<10} {r.status:<8} read {r.rows_read:,} loaded "
                  f"{r.rows_loaded:,} rejected {r.rows_rejected:,}  {r.source}")
    return 0


# --- real data: psad ingest KIND FILE, psad refresh ---------------------------------------------

def _progress_bar(desc: str):
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="step", file=sys.stderr, leave=False, disable=None)  # None: off when not a terminal

    def progress(step: str, rows: int) -> None:
        bar.set_postfix_str(f"{step} {rows:,} rows" if rows else step)
        bar.update(1)

    return bar, progress


def _print_summary(summary) -> None:
    print("\n".join(summary.lines()))
    for note in getattr(summary, "notes", []):
        print(f"  {note}")
    names = getattr(summary, "names", None)  # victims and arrests: how named rows found their neighborhood
    if names is not None:
        print("\n".join(f"  {line}" for line in names.lines()))


def cmd_ingest(args, settings: Settings) -> int:
    from data_access import migrate
    from data_access.ingest import IngestError, run

    db = _database(settings)
    migrate.upgrade(db)
    bar, progress = _progress_bar(f"ingest {args.kind}")
    try:
        summary = run.ingest(db, args.kind, args.paths, settings=settings, layer=args.layer,
                             indicators=args.indicators, progress=progress)
    except IngestError as exc:
        bar.close()
        print(f"psad: {args.kind}: {exc}", file=sys.stderr)
        return 1
    bar.close()
    _print_summary(summary)
    if summary.version_changed:  # the same data again: the decks warmed for this version still hold
        warm_shared_cache(settings)
    return 0


def cmd_refresh(args, settings: Settings) -> int:
    from data_access import migrate
    from data_access.ingest import IngestError
    from data_access.ingest.arcgis import refresh

    db = _database(settings)
    migrate.upgrade(db)
    try:
        summaries = refresh(db, settings, datasets=args.dataset or None, since=args.since, progress_bar=True)
    except IngestError as exc:
        print(f"psad: refresh: {exc}", file=sys.stderr)
        return 1
    for s in summaries:
        _print_summary(s)
    if any(s.version_changed for s in summaries):
        warm_shared_cache(settings)
    return 0


def cmd_docs(args, settings: Settings) -> int:
    from app import reference

    if args.check:
        drifted = reference.check()
        if drifted:
            print(f"README.md differs from the code in: {', '.join(drifted)}. Run `psad docs` "
                  "(or `make docs`) and commit the result.", file=sys.stderr)
            return 1
        print("README.md's reference sections match the code.")
        return 0
    try:
        changed = reference.write()
    except reference.MissingMarkers as exc:
        print(f"psad: {exc}", file=sys.stderr)
        return 1
    print(f"README.md: rewrote {', '.join(changed)}." if changed else "README.md is up to date.")
    return 0


def parser() -> argparse.ArgumentParser:
    from data_access.ingest.run import KINDS

    p = argparse.ArgumentParser(prog="psad", description="Baltimore Public Safety Accountability Dashboard")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the dashboard")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--production", action="store_true",
                   help="gunicorn with threaded workers and the repository's gunicorn.conf.py")
    s.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="create or migrate the schema").set_defaults(func=cmd_db_upgrade)

    demo = sub.add_parser("demo", help="synthetic demo data").add_subparsers(dest="demo_command", required=True)
    load = demo.add_parser("load", help="generate and load the demo dataset")
    load.add_argument("--scale", type=float, default=1.0, help="volume multiplier (1 = Baltimore's)")
    load.add_argument("--seed", type=int, default=2021)
    load.add_argument("--end", type=date.fromisoformat, default=None,
                      help="last day of data (default: one week before today)")
    load.add_argument("--if-empty", action="store_true", help="do nothing when data is already loaded")
    load.add_argument("--replace-real-data", action="store_true")
    load.set_defaults(func=cmd_demo_load)

    sub.add_parser("status", help="what is loaded").set_defaults(func=cmd_status)

    ing = sub.add_parser("ingest", help="load real data files (see the README for layouts)")
    ing.add_argument("kind", choices=KINDS)
    ing.add_argument("paths", nargs="+", metavar="FILE", help="CSV (plain or gzip) or, for boundaries, "
                     "GeoJSON files or a directory of them")
    ing.add_argument("--layer", help="boundaries: the layer a single file holds (e.g. csa)")
    ing.add_argument("--indicators", metavar="FILE",
                     help="vital-signs: BNIA's indicator dictionary (label, section, source, definition)")
    ing.set_defaults(func=cmd_ingest)

    ref = sub.add_parser("refresh", help="pull new records from Open Baltimore's ArcGIS layers")
    ref.add_argument("--dataset", action="append", choices=("crime", "arrests", "calls"),
                     help="only this dataset (repeatable; default: crime and arrests)")
    ref.add_argument("--since", type=date.fromisoformat, default=None,
                     help="fetch records from this date (default: last loaded date minus the overlap window)")
    ref.set_defaults(func=cmd_refresh)

    docs = sub.add_parser("docs", help="regenerate the README's reference tables from the code")
    docs.add_argument("--check", action="store_true",
                      help="change nothing; exit 1 naming the sections that differ")
    docs.set_defaults(func=cmd_docs)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "scale", 1.0) <= 0:
        print("--scale must be positive", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    from data_access.db import DataError

    def fail(message: str) -> int:
        print("psad: " + " ".join(message.split()), file=sys.stderr)  # one line, never a traceback
        return 1

    try:
        return args.func(args, settings)
    except DataError as exc:
        return fail(f"{exc.user_message} ({exc})")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            return fail(f"cannot reach the database: {exc.orig}")
        return fail(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
