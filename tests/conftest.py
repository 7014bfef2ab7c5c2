"""Real PostgreSQL and Redis servers for the tests that need them.

Each is a throwaway server the suite starts on a free port of 127.0.0.1 and stops at the end,
unless ``PORTAL_TEST_POSTGRES_URL`` (an admin URL allowed to CREATE DATABASE) or
``PORTAL_TEST_REDIS_URL`` names one to use instead. A test asks for ``postgres_url`` (a fresh,
empty database of its own) or ``redis_url`` (a flushed Redis database) and is marked
``postgres`` or ``redis`` for it, so ``pytest -m 'not postgres'`` leaves those tests out.
``any_database_url`` runs a test on a new SQLite archive, then on a PostgreSQL one.
"""

from __future__ import annotations

import functools
import glob
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url

from archive.db import masked_url, sqlite_url

POSTGRES_ENV = "PORTAL_TEST_POSTGRES_URL"
REDIS_ENV = "PORTAL_TEST_REDIS_URL"
POSTGRES_USER = "portal"
# initdb and postgres refuse to run as root.
POSTGRES_SYSTEM_USER = "postgres"
# Below both the kernel's ephemeral ports and the testbed's 42000-60000, so no client socket
# and no testbed takes the port between choosing it and the server binding it.
SERVER_PORTS = range(30000, 32700)
STARTUP_TIMEOUT = 60.0
# A throwaway server's data need not survive a crash of the machine: writes skip the disk.
POSTGRES_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class _SecretURL(str):
    """A URL that shows without its password where pytest shows a fixture's value (a failing
    test's arguments) and is the whole URL everywhere else."""

    def __repr__(self) -> str:
        return repr(masked_url(self))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "postgres_databases" in fixtures:
            item.add_marker(pytest.mark.postgres)
        if "redis_url" in fixtures:
            item.add_marker(pytest.mark.redis)


def _free_port() -> int:
    start = random.randrange(len(SERVER_PORTS))
    for port in [*SERVER_PORTS[start:], *SERVER_PORTS[:start]]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port on 127.0.0.1 in {SERVER_PORTS}")


def _wait_until(ready: Callable[[], bool], server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not ready():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{server.args[0]} did not start:\n{tail}")
        time.sleep(0.1)


def _stop(server: subprocess.Popen[bytes], how: signal.Signals) -> None:
    server.send_signal(how)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# PostgreSQL


@dataclass(frozen=True)
class _PostgresBinaries:
    directory: Path
    # The system user to run them as; None runs them as ourselves.
    user: str | None

    def run(self, name: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [str(self.directory / name), *args], capture_output=True, **self._as_user()
        )

    def start(self, name: str, *args: str, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as output:
            return subprocess.Popen(
                [str(self.directory / name), *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                **self._as_user(),
            )

    def _as_user(self) -> dict[str, object]:
        if self.user is None:
            return {}
        return {"user": self.user, "group": self.user, "extra_groups": [], "cwd": "/"}


def _postgres_binaries() -> _PostgresBinaries | None:
    """The newest installed PostgreSQL's server programs, as Debian lays them out."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not found:
        return None
    user = POSTGRES_SYSTEM_USER if os.geteuid() == 0 else None
    return _PostgresBinaries(Path(found[-1]).parent, user)


def _own(path: Path, user: str | None) -> None:
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _can_connect(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@contextmanager
def _throwaway_postgres(binaries: _PostgresBinaries) -> Iterator[str]:
    """A new PostgreSQL cluster in a temporary directory; yields its admin URL."""
    # Not under pytest's basetemp: that is private to our user, and the server's user must
    # reach its data directory.
    workdir = Path(tempfile.mkdtemp(prefix="portal-archive-postgres-"))
    try:
        _own(workdir, binaries.user)
        password = secrets.token_urlsafe(24)
        password_file = workdir / "password"
        password_file.write_text(password)
        password_file.chmod(0o600)
        _own(password_file, binaries.user)
        data = workdir / "data"
        initdb = binaries.run(
            "initdb",
            f"--pgdata={data}",
            f"--username={POSTGRES_USER}",
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            # Unicode case mapping for lower()/ILIKE on Vietnamese text, without any locale
            # the machine may lack.
            "--locale=C.UTF-8",
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{initdb.stdout.decode(errors='replace')}")
        port = _free_port()
        settings = [f"--{name}={value}" for name, value in POSTGRES_SETTINGS.items()]
        log = workdir / "server.log"
        server = binaries.start("postgres", "-D", str(data), "-p", str(port), *settings, log=log)
        url = f"postgresql://{POSTGRES_USER}:{password}@127.0.0.1:{port}/postgres"
        try:
            _wait_until(lambda: _can_connect(url), server, log)
            yield url
        finally:
            # PostgreSQL's fast shutdown: SIGTERM would wait for every client to leave.
            _stop(server, signal.SIGINT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def _postgres_admin_url() -> Iterator[str]:
    """The URL of a PostgreSQL server and a role that may create databases."""
    pytest.importorskip("psycopg", reason="PostgreSQL tests need psycopg: pip install -e '.[dev]'")
    given = os.environ.get(POSTGRES_ENV)
    if given:
        # psycopg reads libpq URLs, which name no SQLAlchemy driver.
        libpq_url = make_url(given).set(drivername="postgresql")
        yield _SecretURL(libpq_url.render_as_string(hide_password=False))
        return
    binaries = _postgres_binaries()
    if binaries is None:
        pytest.skip(f"needs PostgreSQL: apt-get install postgresql, or set {POSTGRES_ENV}")
    with _throwaway_postgres(binaries) as url:
        yield _SecretURL(url)


def _admin_execute(admin_url: str, statement: str) -> None:
    import psycopg

    try:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(statement)
    except psycopg.Error as exc:
        password = make_url(admin_url).password or ""
        reason = str(exc).replace(password, "***") if password else str(exc)
        raise RuntimeError(f"{statement} on {masked_url(admin_url)}: {reason}") from None


@contextmanager
def _new_database(admin_url: str) -> Iterator[str]:
    name = f"portal_test_{secrets.token_hex(6)}"
    _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin_url).set(database=name)
        yield _SecretURL(url.render_as_string(hide_password=False))
    finally:
        # FORCE ends what the test left connected: a crawler subprocess, a pooled engine.
        _admin_execute(admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')


NewDatabase = Callable[[], AbstractContextManager[str]]


@pytest.fixture(scope="session")
def postgres_databases(_postgres_admin_url: str) -> NewDatabase:
    """Makes new, empty PostgreSQL databases (yielding each one's URL, dropped after), for a
    fixture of a wider scope than ``postgres_url``'s."""
    return functools.partial(_new_database, _postgres_admin_url)


@pytest.fixture
def postgres_url(postgres_databases: NewDatabase) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty PostgreSQL database for this test alone."""
    with postgres_databases() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty archive database on each backend in turn: an SQLite file, then
    a PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "archive.sqlite3")
    return request.getfixturevalue("postgres_url")


# Redis


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.ConnectionError:
        return False


@contextmanager
def _throwaway_redis(program: str) -> Iterator[str]:
    """A redis-server that keeps nothing on disk; yields its URL."""
    workdir = Path(tempfile.mkdtemp(prefix="portal-archive-redis-"))
    try:
        port = _free_port()
        log = workdir / "server.log"
        arguments = ["--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir)]
        with log.open("wb") as output:
            server = subprocess.Popen(
                [program, *arguments, "--save", "", "--appendonly", "no"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait_until(lambda: _redis_answers(url), server, log)
            yield url
        finally:
            _stop(server, signal.SIGTERM)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def _redis_server_url() -> Iterator[str]:
    pytest.importorskip("redis", reason="Redis tests need redis-py: pip install -e '.[dev]'")
    given = os.environ.get(REDIS_ENV)
    if given:
        yield _SecretURL(given)
        return
    program = shutil.which("redis-server")
    if program is None:
        pytest.skip(f"needs Redis: apt-get install redis-server, or set {REDIS_ENV}")
    with _throwaway_redis(program) as url:
        yield url


@pytest.fixture
def redis_url(_redis_server_url: str) -> str:
    """The URL of a Redis database emptied for this test."""
    import redis

    with redis.Redis.from_url(_redis_server_url) as client:
        client.flushdb()
    return _redis_server_url
