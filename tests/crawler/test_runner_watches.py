"""A crawl checks the saved searches once its articles are indexed; a check that fails does
not change the crawl's outcome."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from archive.datadir import DataDir
from archive.db import open_archive
from crawler.runner import _check_saved_searches


def test_a_check_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    data = DataDir.resolve(tmp_path / "data")
    data.create()
    archive = open_archive(data.db_url)
    with archive.session() as session:
        session.execute(text("DROP TABLE saved_search_match"))
        session.execute(text("DROP TABLE saved_search"))
    watches, failure = _check_saved_searches(archive, data.index_dir, run_id=1)
    assert watches == []
    assert failure is not None and "saved_search" in failure


def test_without_saved_searches_there_is_nothing_to_report(tmp_path: Path) -> None:
    data = DataDir.resolve(tmp_path / "data")
    data.create()
    assert _check_saved_searches(open_archive(data.db_url), data.index_dir, run_id=1) == ([], None)
