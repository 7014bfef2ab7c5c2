"""Opening an archive database: engine, sessions and the SQLite settings it needs."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from archive.models import Base


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
        try:
            Base.metadata.create_all(self.engine)
        except OperationalError as exc:
            raise ArchiveError(f"cannot open database {self.url}: {exc.orig}") from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session


@functools.cache
def open_archive(url: str) -> Archive:
    """The archive at ``url``, schema created; one per URL and process."""
    archive = Archive(url)
    archive.create_schema()
    return archive
