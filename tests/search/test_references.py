"""Searching by the legal documents articles cite: ``ref:``, its facets and filters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archive.references import distinct_citations
from search.errors import QueryError
from search.filters import SearchFilters
from search.indexer import article_document
from search.parsing import is_plain_words
from search.plainwords import PlainWords
from search.query import FacetCount, search

from .fakes import FakeArticle, FakeCitation, FakeCitedDocument

Indexed = Callable[..., Path]


def citing(article_id: int, body: str, **fields: object) -> FakeArticle:
    """An article whose references are those its body cites, as the archive links them."""
    references = tuple(
        FakeCitation(FakeCitedDocument(found.folded_key, found.kind, found.issuer))
        for found in distinct_citations([body])
    )
    return FakeArticle(article_id, body, references=references, **fields)  # type: ignore[arg-type]


@pytest.fixture
def decisions(indexed: Indexed) -> Path:
    return indexed(
        citing(1, "Thực hiện Quyết định số 81/2004/QĐ-UB về giáo dục"),
        citing(2, "Theo Nghị quyết 17/NQ-CP, ngành giáo dục triển khai"),
        citing(3, "Nghị quyết 17/NQ–CP và Kế hoạch 45/KH-UBND về y tế"),
        citing(4, "Chỉ thị 05/CT-TTg; Quyết định 12/QĐ-UBND"),
        citing(5, "giáo dục không dẫn văn bản nào, 17/2020"),
    )


def _ids(index_dir: Path, query: str, **options: object) -> set[str]:
    results = search(index_dir, query, limit=50, **options)  # type: ignore[arg-type]
    return {hit.article_id for hit in results.hits}


def test_the_index_holds_one_folded_token_per_document() -> None:
    fields = article_document(citing(1, "Quyết định 81/2004/QĐ-UB, Chỉ thị 05/CT-TTg"))
    assert fields["refs"] == "05/ct-ttg 81/2004/qd-ub"
    assert (fields["ref_kind"], fields["ref_issuer"]) == ("CT QĐ", "TTg UB")


@pytest.mark.parametrize("query", ["ref:81/2004/QĐ-UB", "ref:81/2004/qd-ub", "ref:81/2004/QD-UB"])
def test_ref_finds_the_articles_citing_a_document_however_it_is_typed(
    decisions: Path, query: str
) -> None:
    assert _ids(decisions, query) == {"1"}


def test_ref_within_a_larger_query(decisions: Path) -> None:
    assert _ids(decisions, "ref:17/NQ-CP") == {"2", "3"}
    assert _ids(decisions, "ref:17/NQ-CP giáo dục") == {"2"}
    assert _ids(decisions, "giao duc -ref:17/nq-cp") == {"1", "5"}
    assert _ids(decisions, "ref:5/ct-ttg OR ref:45/KH-UBND") == {"3", "4"}


def test_a_ref_query_is_no_plain_words() -> None:
    assert not is_plain_words("ref:145/UBND")


def test_ref_without_a_document_number_is_an_error(decisions: Path) -> None:
    with pytest.raises(QueryError, match="ref: needs a document number"):
        search(decisions, "ref:2020")


def test_facets_count_kinds_and_issuers_of_cited_documents(decisions: Path) -> None:
    facets = search(decisions, "giao duc", facets=True).facets
    assert facets["ref_kind"] == [FacetCount("NQ", "NQ", 1), FacetCount("QĐ", "QĐ", 1)]
    assert facets["ref_issuer"] == [FacetCount("CP", "CP", 1), FacetCount("UB", "UB", 1)]


def test_filters_narrow_to_a_kind_or_an_issuer_typed_in_any_case(decisions: Path) -> None:
    assert _ids(decisions, "giao duc", filters=SearchFilters(ref_kind="nq")) == {"2"}
    assert _ids(decisions, "ref:17/NQ-CP", filters=SearchFilters(ref_issuer="ubnd")) == {"3"}
    assert _ids(decisions, "ref:5/CT-TTg", filters=SearchFilters(ref_issuer="TTG")) == {"4"}


def test_filters_survive_a_saved_search() -> None:
    filters = SearchFilters(ref_kind="QĐ", ref_issuer="UBND")
    assert SearchFilters.from_json(filters.to_json()) == filters


def test_words_beside_ref_numbers_take_the_fast_path() -> None:
    plain = PlainWords.parse("ref:17/nq-cp giáo dục ref:5/CT-TTg", exact=False)
    assert plain is not None
    assert (plain.words, plain.references) == (("giáo", "dục"), ("17/nq-cp", "05/ct-ttg"))
    assert plain.exact_bonus
    assert PlainWords.parse("ref:17/NQ-CP", exact=False) is None
    assert PlainWords.parse("ref:2020 giáo dục", exact=False) is None
    assert PlainWords.parse("ref:17/NQ-CP OR giáo", exact=False) is None
