"""Searches while the index is rewritten, and indexes this version cannot read."""

from __future__ import annotations

import sys
import threading
import types
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema

from search.errors import IndexNotFoundError, IndexOutdatedError
from search.indexer import ArticleIndex, open_index
from search.query import search

from .fakes import FakeArticle

OLD_ARTICLES = 300


def _articles(first_id: int, count: int, word: str) -> list[FakeArticle]:
    return [
        FakeArticle(article_id, f"Bài {word} số {article_id} về chuyển đổi số.", title=word)
        for article_id in range(first_id, first_id + count)
    ]


def test_searches_during_a_rebuild_see_the_old_or_the_new_index(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    index.add(_articles(1, OLD_ARTICLES, "cũ"))
    totals: list[int] = []
    failures: list[BaseException] = []
    rebuilt = threading.Event()

    def search_until_rebuilt() -> None:
        while not rebuilt.is_set():
            try:
                totals.append(search(index_dir, "chuyển đổi").total)
            except BaseException as exc:  # any failure is the finding
                failures.append(exc)

    searcher = threading.Thread(target=search_until_rebuilt)
    searcher.start()
    try:
        for round_number in range(3):
            index.rebuild(_articles(1000 * (round_number + 1), OLD_ARTICLES, "mới"))
    finally:
        rebuilt.set()
        searcher.join()

    assert failures == []
    assert totals, "no search ran during the rebuilds"
    assert set(totals) == {OLD_ARTICLES}


class _RetiredTokenizer(RegexTokenizer):
    """An analyzer class that a later version of the program no longer has."""


def index_with_a_retired_analyzer(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An index in ``index_dir`` whose schema names an analyzer class no module defines."""
    module = types.ModuleType("retired_analysis")
    _RetiredTokenizer.__module__ = module.__name__
    module._RetiredTokenizer = _RetiredTokenizer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    index_dir.mkdir()
    schema = Schema(
        article_id=ID(stored=True), body=TEXT(analyzer=_RetiredTokenizer() | LowercaseFilter())
    )
    writer = whoosh_index.create_in(index_dir, schema).writer()
    writer.add_document(article_id="1", body="bài cũ")
    writer.commit()
    monkeypatch.delitem(sys.modules, module.__name__)


def test_an_index_of_another_version_asks_for_reindex(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_with_a_retired_analyzer(index_dir, monkeypatch)

    with pytest.raises(IndexOutdatedError, match=r"run reindex$"):
        open_index(index_dir)
    with pytest.raises(IndexOutdatedError, match=r"run reindex$"):
        ArticleIndex(index_dir).add([FakeArticle(2, "bài mới")])
    # Commands report a missing index in one line; an unreadable one is reported the same way.
    assert issubclass(IndexOutdatedError, IndexNotFoundError)


def test_rebuild_replaces_an_index_of_another_version(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_with_a_retired_analyzer(index_dir, monkeypatch)

    assert ArticleIndex(index_dir).rebuild([FakeArticle(2, "bài mới")]) == 1
    assert search(index_dir, "mới").total == 1
