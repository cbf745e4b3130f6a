"""Private servers a test may stop, freeze or replicate: PostgreSQL 15 (a primary and a streaming
replica of it) and redis-server, each on a free port, in a temp dir, gone at the end.

The shared database server of the other tests (``TEST_DATABASE_URL``) must never be frozen or
replicated by a test, so the tests of scale-out (issue 12) and of database outages (issue 13)
start their own: ``shared_cluster()`` is one primary with a migrated and demo-loaded database and
a hot-standby replica streaming from it, started once per test session (about 10 s) and stopped
when the session ends; ``freeze(server)`` stops a server's processes (SIGSTOP) so connections hang
instead of failing, as a hung host or a black-holed network makes them.

PostgreSQL refuses to run as root: as root the binaries run as the ``postgres`` user
(``runuser``), otherwise as the current user.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
import pytest

from tests.conftest import free_port

PG_BIN = Path(os.environ.get("PSAD_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "psad"
# The demo slice loaded on the private primary: one year, small (a load takes about 4 s).
DEMO = {"scale": 0.02, "start": date(2025, 1, 1), "end": date(2025, 12, 31)}
# Settings for a throwaway server: no durability (nothing here must survive a crash), little memory.
FAST = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=32MB",
        "max_connections=60", "wal_level=replica", "max_wal_senders=4", "hot_standby=on",
        "listen_addresses=127.0.0.1", "log_min_messages=warning"]


def available() -> str | None:
    """Why private PostgreSQL servers cannot run here (None when they can)."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_basebackup").exists():
        return f"PostgreSQL server binaries are not in {PG_BIN} (apt-get install postgresql-15, or set PSAD_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run a private PostgreSQL as"
    return None


def _user() -> str | None:
    return "postgres" if os.geteuid() == 0 else None


def _run(args: list[str], **kw) -> subprocess.CompletedProcess:
    cmd = [str(a) for a in args]
    if _user():
        cmd = ["runuser", "-u", _user(), "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def _own(path: Path) -> None:
    if _user():
        shutil.chown(path, _user(), _user())


@dataclass
class PgServer:
    """One private PostgreSQL server (data directory, port, the postmaster's pid)."""

    datadir: Path
    port: int
    log: Path
    frozen: bool = False

    def url(self, database: str = DB_NAME) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        opts = " ".join(f"-c {o}" for o in FAST) + f" -p {self.port} -k {self.datadir.parent}"
        _run([PG_BIN / "pg_ctl", "-D", self.datadir, "-o", opts, "-l", self.log, "-w", "-t", "60", "start"])

    def stop(self) -> None:
        if self.frozen:
            thaw(self)
        if (self.datadir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                _run([PG_BIN / "pg_ctl", "-D", self.datadir, "-m", "immediate", "-w", "-t", "30", "stop"])

    @property
    def pid(self) -> int:
        return int((self.datadir / "postmaster.pid").read_text().split("\n", 1)[0])

    def pids(self) -> list[int]:
        """The postmaster and every process it started (backends, walsender, checkpointer …)."""
        parent = self.pid
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                    children.append(int(entry))
        return [parent, *children]

    def sql(self, query: str, database: str = DB_NAME):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(query)
            return cur.fetchall() if cur.description else []


def initdb(root: Path, name: str) -> PgServer:
    datadir = root / name
    _run([PG_BIN / "initdb", "-D", datadir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
          "--no-sync", "--no-instructions"])
    return PgServer(datadir, free_port(), root / f"{name}.log")


def replica_of(primary: PgServer, root: Path, name: str = "replica") -> PgServer:
    """A hot standby streaming from ``primary`` (``pg_basebackup -R`` writes its connection)."""
    datadir = root / name
    # -C -S: a replication slot, so the primary keeps every WAL segment the replica has not had yet
    _run([PG_BIN / "pg_basebackup", "-D", datadir, "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
          "-R", "-X", "stream", "-C", "-S", name, "--checkpoint=fast", "--no-sync"])
    server = PgServer(datadir, free_port(), root / f"{name}.log")
    server.start()
    return server


def freeze(server: PgServer) -> None:
    """SIGSTOP the postmaster first (so it starts no new backend), then all it had started: the
    kernel still accepts connections and takes queries, and nothing ever answers."""
    os.kill(server.pid, signal.SIGSTOP)
    # listed after the postmaster stopped: a backend forked while the list was read (a client
    # connecting just then) would otherwise stay awake and answer
    for pid in server.pids()[1:]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)
    server.frozen = True


def thaw(server: PgServer) -> None:
    for pid in reversed(server.pids()):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
    server.frozen = False


def wait_for_replay(primary: PgServer, replica: PgServer, timeout: float = 60.0) -> float:
    """Wait until the replica has replayed everything the primary has written; the seconds it took."""
    target = primary.sql("SELECT pg_current_wal_lsn()", "postgres")[0][0]
    t0 = time.monotonic()
    while True:
        caught_up = replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", "postgres")[0][0]
        if caught_up:
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"the replica has not replayed {target} in {timeout:.0f} s")
        time.sleep(0.05)


@dataclass
class Cluster:
    """A primary with a migrated, demo-loaded database ``psad`` and its streaming replica."""

    root: Path
    primary: PgServer
    replica: PgServer
    setup_seconds: float = 0.0
    _seed: list[int] = field(default_factory=lambda: [2021])

    def load(self, seed: int | None = None) -> int:
        """Load the demo slice again on the primary with another seed (so the numbers change);
        returns the seed loaded."""
        from data_access.db import Database
        from data_access.loading import load_demo

        seed = seed if seed is not None else self._seed[-1] + 1
        db = Database(self.primary.url())
        try:
            load_demo(db, seed=seed, **DEMO)
        finally:
            db.dispose()
        self._seed.append(seed)
        return seed

    def stop(self) -> None:
        for server in (self.replica, self.primary):
            if server is not None:
                server.stop()
        for pidfile in self.root.glob("*/postmaster.pid"):  # one a failed start left running
            with contextlib.suppress(subprocess.CalledProcessError):
                _run([PG_BIN / "pg_ctl", "-D", pidfile.parent, "-m", "immediate", "-w", "-t", "30", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)


_CLUSTER: list[Cluster] = []


def shared_cluster() -> Cluster:
    """The session's cluster, started on first use (skips the test when it cannot run here)."""
    why = available()
    if why:
        pytest.skip(why)
    if _CLUSTER:
        return _CLUSTER[0]
    from data_access import migrate
    from data_access.db import Database

    t0 = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="psad-pg-"))
    _own(root)
    primary = initdb(root, "primary")
    cluster = Cluster(root, primary, None)  # type: ignore[arg-type]
    atexit.register(cluster.stop)  # also when the session is interrupted
    primary.start()
    # The replica is copied from the nearly empty primary (a small base backup, in a thread while
    # the primary is migrated and loaded) and then streams the rest, as a replica of a live site
    # would.
    with ThreadPoolExecutor(1) as pool:
        replica = pool.submit(replica_of, primary, root)
        primary.sql(f"CREATE DATABASE {DB_NAME}", "postgres")
        db = Database(primary.url())
        try:
            migrate.upgrade(db)
        finally:
            db.dispose()
        cluster.load(seed=2021)
        cluster.replica = replica.result()
    wait_for_replay(primary, cluster.replica)
    cluster.setup_seconds = time.monotonic() - t0
    _CLUSTER.append(cluster)
    return cluster


def stop_shared_cluster() -> None:
    while _CLUSTER:
        _CLUSTER.pop().stop()


def redis_or_skip(url: str) -> str:
    """``url`` if a Redis answers there; else the test is skipped."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    return url


def start_redis() -> tuple[subprocess.Popen, int]:
    """A redis-server of our own on a free port, no persistence, answering: (process, port)."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
    finally:
        client.close()
    return proc, port


def stop_redis(proc: subprocess.Popen) -> None:
    """Stop a ``start_redis`` server, frozen (SIGSTOP) or not."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def private_redis():
    """A ``start_redis`` server for a block; yields its URL."""
    proc, port = start_redis()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_redis(proc)


@dataclass
class Served:
    """One ``psad serve`` process."""

    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()


def start_serving(env: dict[str, str], log: Path) -> Served:
    """``psad serve`` on a free port with ``env`` added to this process's environment. Returns at
    once; ``wait_serving`` waits for it to answer."""
    from app.settings import PROJECT_ROOT

    port = free_port()
    full = dict(os.environ, PSAD_HOST="127.0.0.1", PSAD_PORT=str(port), PSAD_WARM_DECKS="off", **env)
    out = open(log, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=full, cwd=PROJECT_ROOT,
                            stdout=out, stderr=subprocess.STDOUT)
    return Served(proc, port, log)


def wait_serving(served: Served, timeout: float = 90.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if served.proc.poll() is not None:
            raise RuntimeError(f"psad serve ended with {served.proc.returncode}: {served.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(served.base + "/api/v1/status", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"psad serve did not answer in {timeout:.0f} s: {served.log.read_text()[-2000:]}")


def stop_serving(served: Served) -> None:
    if served.proc.poll() is None:
        served.proc.terminate()
        try:
            served.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            served.proc.kill()
            served.proc.wait(timeout=10)
