"""Opening an archive database: engine, sessions, schema migrations and SQLite settings."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = "archive:migrations"
# The schema of the first release, made with create_all before Alembic was used.
FIRST_REVISION = "0001"


class ArchiveError(Exception):
    """A problem with the archive that the user can act on."""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (search, stats) work while a crawl writes; foreign keys
    # are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migration_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
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
    """One archive database: an engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, ModuleNotFoundError) as exc:
            raise ArchiveError(f"cannot use database {url!r}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _enable_sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

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
            raise ArchiveError(f"cannot open database {self.url}: {exc.orig}") from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session


@functools.cache
def open_archive(url: str) -> Archive:
    """The archive at ``url``, its schema created or upgraded; one per URL and process."""
    archive = Archive(url)
    archive.create_schema()
    return archive
