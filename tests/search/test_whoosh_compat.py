"""The array readers of Whoosh's internals agree with its public API, on real indexes.

These fail when a Whoosh release changes how postings, lengths or columns are
stored: then ``search.whoosh_compat`` must change with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from search import whoosh_compat
from search.indexer import ArticleIndex, open_index

from .fakes import VN, FakeArticle

# Enough documents for a common word's postings to span several blocks of 128.
COUNT = 700


def _articles() -> Iterator[FakeArticle]:
    for number in range(COUNT):
        rare = " hiếm" if number == 5 else ""
        repeated = " tỉnh" * (number % 4)
        yield FakeArticle(
            number,
            f"Tỉnh Hà Tĩnh bài {number}{repeated}{rare}",
            title=f"Tin số {number}",
            site_key=f"site{number % 3}",
            author=None if number % 5 else f"Tác giả {number % 7}",
            published=None if number % 11 == 0 else datetime(2020, 1, 1 + number % 28, tzinfo=VN),
        )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("compat") / "index"
    index = ArticleIndex(index_dir)
    index.rebuild(_articles())
    # A deletion, so postings carry documents the reader skips.
    index.delete([7])
    return index_dir


@pytest.fixture
def searcher(index_dir: Path) -> Iterator[Searcher]:
    with open_index(index_dir).searcher() as searcher:
        yield searcher


def _segment(searcher: Searcher) -> SegmentReader:
    (leaf, _offset), *_ = searcher.leaf_searchers()
    return leaf.reader()


def _public_postings(reader: SegmentReader, fieldname: str, text: str) -> list[tuple[int, float]]:
    matcher = reader.postings(fieldname, text)
    return [(docnum, weight) for docnum, weight in matcher.items_as("weight")]


@pytest.mark.parametrize(
    ("fieldname", "text"),
    [
        ("body_folded", "tinh"),  # many blocks
        ("body_folded", "=tỉnh"),
        ("body_folded", "=hiếm"),  # one document: kept inline
        ("title", "tin"),  # a field with positions
        ("site", "site1"),  # a field without weights
    ],
)
def test_postings_are_the_public_ones_with_deleted_documents_left_to_the_mask(
    searcher: Searcher, fieldname: str, text: str
) -> None:
    reader = _segment(searcher)
    ids, weights = whoosh_compat.postings(reader, fieldname, text)
    live = whoosh_compat.live_documents(reader)
    assert live is not None and live.sum() == COUNT - 1
    kept = live[ids]
    assert list(zip(ids[kept].tolist(), weights[kept].tolist(), strict=True)) == (
        _public_postings(reader, fieldname, text)
    )
    assert len(ids) > 0


def test_a_term_the_segment_lacks_has_no_postings(searcher: Searcher) -> None:
    ids, weights = whoosh_compat.postings(_segment(searcher), "body_folded", "khong")
    assert (len(ids), len(weights)) == (0, 0)


def test_field_lengths_are_the_public_ones(searcher: Searcher) -> None:
    reader = _segment(searcher)
    lengths = whoosh_compat.field_lengths(reader, "body_folded")
    assert lengths.tolist() == [
        reader.doc_field_length(docnum, "body_folded", 0) for docnum in range(COUNT)
    ]


def test_columns_are_the_public_ones(searcher: Searcher) -> None:
    reader = _segment(searcher)
    published = whoosh_compat.numeric_column(reader, "published")
    public = reader.column_reader("published", translate=False)
    assert published.tolist() == [public[docnum] for docnum in range(COUNT)]
    for fieldname in ("site", "author"):
        codes, values = whoosh_compat.ref_column(reader, fieldname)
        column = reader.column_reader(fieldname)
        assert [values[code] for code in codes] == [column[d] for d in range(COUNT)]


def test_a_column_no_document_fills_reads_as_defaults(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path / "index")
    index.add([FakeArticle(1, "không tác giả"), FakeArticle(2, "không ngày")])
    with open_index(tmp_path / "index").searcher() as searcher:
        reader = _segment(searcher)
        codes, values = whoosh_compat.ref_column(reader, "author")
        assert [values[code] for code in codes] == ["", ""]
        published = whoosh_compat.numeric_column(reader, "published")
        missing = searcher.schema["published"].column_type.default_value()
        assert np.all(published == missing)
        assert whoosh_compat.live_documents(reader) is None
