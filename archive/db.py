"""Opening an archive database: engine, sessions, schema migrations and SQLite settings."""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from archive.datadir import sqlite_url
from archive.errors import ArchiveError

MIGRATIONS = "archive:migrations"
# The schema of the first release, made with create_all before Alembic was used.
FIRST_REVISION = "0001"
# SQLite's primary result codes for a file that is not, or no longer, a whole database
# (SQLITE_CORRUPT, SQLITE_NOTADB), and for one that may not be written to (SQLITE_READONLY,
# SQLITE_CANTOPEN: its -shm file cannot be created).
SQLITE_DAMAGED_CODES = frozenset({11, 26})
SQLITE_UNWRITABLE_CODES = frozenset({8, 14})
# The password runs to the last "@" of the authority (before the path's first "/").
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^/]*@")


def masked_url(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***``: fit for an error message."""
    return _URL_PASSWORD.sub(r"\1***@", url)


def _with_driver(url: URL) -> URL:
    # SQLAlchemy's default PostgreSQL driver is psycopg2; the ``postgres`` extra installs
    # psycopg 3.
    if url.drivername == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (search, stats) work while a crawl writes; foreign keys
    # are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _connect_read_only(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connects to ``path`` without ever writing it. A WAL database needs its ``-shm`` file
    even to read; where that cannot be created (a read-only copy or mount) the file is opened
    as immutable, which is right because nothing can write it there either."""

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master")
        except sqlite3.OperationalError as exc:
            connection.close()
            if _primary_code(exc) not in SQLITE_UNWRITABLE_CODES:
                raise
            return sqlite3.connect(f"file:{path}?immutable=1", uri=True, check_same_thread=False)
        return connection

    return connect


def _primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _damage(context: ExceptionContext) -> None:
    """Turns SQLite's report of a corrupt file, at whatever query, into one user error."""
    if _primary_code(context.original_exception) in SQLITE_DAMAGED_CODES:
        raise ArchiveError(
            f"the archive database is damaged ({context.original_exception}); "
            "`portal-archive rebuild` recovers it from the WARC files"
        ) from context.original_exception


def _scripts_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def head_revision() -> str:
    """The schema revision this version of the code reads and writes."""
    head = ScriptDirectory.from_config(_scripts_config()).get_current_head()
    assert head is not None
    return head


def migration_config(connection: Connection) -> Config:
    config = _scripts_config()
    config.attributes["connection"] = connection
    return config


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision of the database; None for an empty or pre-Alembic one."""
    return MigrationContext.configure(connection).get_current_revision()


def _is_pre_alembic(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return "article" in tables and "alembic_version" not in tables


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite alters a table by copying it, which a foreign key to it forbids; the pragma only
    takes effect outside a transaction."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        yield
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


class Archive:
    """One archive database: an engine and a session factory.

    ``read_only`` opens an SQLite file without writing it (a copy handed to a researcher,
    a read-only mount); such an archive must already have the current schema.
    """

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.engine: Engine = self._engine(url, read_only)
        if self.engine.dialect.name == "sqlite" and not read_only:
            event.listen(self.engine, "connect", _enable_sqlite_pragmas)
        event.listen(self.engine, "handle_error", _damage)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _engine(self, url: str, read_only: bool) -> Engine:
        try:
            parsed = _with_driver(make_url(url))
            if read_only and parsed.get_backend_name() == "sqlite":
                path = Path(parsed.database or "")
                if not path.is_file():
                    raise ArchiveError(
                        f"no archive database at {path}: run `crawl` or `import` first"
                    )
                # The URL still names the file, so the engine pools as for any file.
                return create_engine(sqlite_url(path), creator=_connect_read_only(path))
            return create_engine(parsed)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("psycopg"):
                raise ArchiveError(
                    "PostgreSQL needs psycopg: pip install 'portal-archive[postgres]'"
                ) from None
            raise ArchiveError(f"cannot use database {self.display_url}: {exc}") from None
        except ArgumentError as exc:
            raise ArchiveError(f"cannot use database {self.display_url}: {exc}") from None

    @property
    def display_url(self) -> str:
        return masked_url(self.url)

    def _scrubbed(self, text: str) -> str:
        """``text`` (a driver's message) without the URL's password, should it quote it."""
        password = _password(self.url)
        return text.replace(password, "***") if password else text

    def check_schema(self) -> None:
        """Refuses an archive whose schema this code cannot read as it is, without touching
        it: the reading commands never migrate."""
        try:
            with self.engine.connect() as connection:
                revision = schema_revision(connection)
                has_tables = bool(inspect(connection).get_table_names())
        except OperationalError as exc:
            raise self._open_error(exc) from None
        head = head_revision()
        if revision == head:
            return
        if revision is None and not has_tables:
            raise ArchiveError(f"{self.display_url} is not a portal-archive database")
        raise ArchiveError(
            f"the archive {self.display_url} has schema revision {revision or 'before 0001'}, "
            f"this portal-archive reads {head}: run a writing command (`reindex`, `crawl`) "
            "to migrate it, or use the portal-archive version that made it"
        )

    def _open_error(self, exc: DBAPIError) -> ArchiveError:
        # Drivers explain over several lines; an error is one.
        reason = " ".join(str(exc.orig).split())
        return ArchiveError(f"cannot open database {self.display_url}: {self._scrubbed(reason)}")

    def create_schema(self) -> None:
        """Creates the schema, or upgrades an older one in place, to the latest revision."""
        self.upgrade("head")

    def upgrade(self, revision: str) -> None:
        """Migrates the schema up to ``revision``; a pre-Alembic one is stamped first."""
        self._migrate(lambda config: command.upgrade(config, revision))

    def downgrade(self, revision: str) -> None:
        """Migrates the schema back to ``revision``, to go back to an older release."""
        self._migrate(lambda config: command.downgrade(config, revision))

    def _migrate(self, step: Callable[[Config], None]) -> None:
        try:
            with (
                self.engine.connect() as connection,
                _foreign_keys_off(connection),
                connection.begin(),
            ):
                config = migration_config(connection)
                if _is_pre_alembic(connection):
                    command.stamp(config, FIRST_REVISION)
                step(config)
        except OperationalError as exc:
            raise self._open_error(exc) from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None


@functools.cache
def open_archive(url: str) -> Archive:
    """The archive at ``url``, its schema created or upgraded; one per URL and process."""
    archive = Archive(url)
    archive.create_schema()
    return archive


@functools.cache
def open_archive_read_only(url: str) -> Archive:
    """The existing archive at ``url``, opened for reading only and never migrated."""
    archive = Archive(url, read_only=True)
    archive.check_schema()
    return archive
