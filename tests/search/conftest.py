from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from search.indexer import ArticleIndex

from .fakes import FakeArticle


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def indexed(index_dir: Path) -> Callable[..., Path]:
    """Index the given articles and return the index directory."""

    def add(*articles: FakeArticle) -> Path:
        ArticleIndex(index_dir).add(articles)
        return index_dir

    return add
