"""The database the central crawl tests archive into: each runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.crawler.archived import DATA_DIRECTORY_DATABASE, Database


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The data directory's own SQLite file, then a new PostgreSQL database given by ``--db``;
    module-scoped, for the fixtures that crawl once for a whole module."""
    if request.param == "sqlite":
        yield DATA_DIRECTORY_DATABASE
        return
    with request.getfixturevalue("postgres_databases")() as url:
        yield Database(url)
