"""Searching the article index: hits with snippets, facets and a histogram of matches.

The query language is :mod:`search.parsing`'s, the snippets :mod:`search.snippets`'s,
the filters :mod:`search.filters`'s. Filters (site, dates, author, category) are
options rather than query syntax, so text pasted from a document ("Ghi chú: ...")
is never mistaken for a field name. One search runs the query once: the page of
hits, the total, the facets and the histogram all come from that one pass.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from whoosh import collectors
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.searching import Searcher

from archive.dates import PORTAL_TZ, local_iso
from search import columns, plainwords, whoosh_compat
from search.errors import QueryError
from search.filters import SearchFilters
from search.indexer import COPY_MARK, open_searcher
from search.parsing import check_query_text, highlight_terms, parse_query
from search.plainwords import Matches, PlainWords
from search.snippets import (
    Marks,
    SnippetFormat,
    lead_snippet,
    marked_snippet,
    marks_held,
    title_snippet,
)

Period = Literal["month", "year"]
Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")
PERIODS: tuple[Period, ...] = ("month", "year")
# A search that runs longer returns what it found so far, flagged ``timed_out``; a reader
# waits for a page, not for the rest of a pathological query.
DEFAULT_TIME_LIMIT = 10.0
# The words that set an article apart, looked for in others to find articles like it.
_KEY_TERMS = 12


@dataclass(frozen=True)
class Hit:
    article_id: str
    url: str
    site: str
    title: str | None
    published: datetime | None  # aware, in Asia/Ho_Chi_Minh time
    author: str | None
    category: str | None
    score: float
    snippet: str
    # URLs of the other copies of this article (republications), when copies are collapsed.
    copies: tuple[str, ...] = ()
    # The title with the matched words marked, as the snippet is (escaped for HTML).
    title_snippet: str = ""
    # The name of the attached document the snippet comes from; None if from the article.
    document: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields; ``published`` as ISO 8601 with +07:00."""
        fields = asdict(self)
        fields["published"] = local_iso(self.published)
        fields["copies"] = list(self.copies)
        return fields


@dataclass(frozen=True)
class FacetCount:
    value: str  # what to filter by to get these articles
    label: str  # what to show: the site's name, a category as it is spelled in an article
    count: int


@dataclass(frozen=True)
class SearchResults:
    total: int  # matches across all pages
    hits: list[Hit]
    page: int = 1
    pages: int = 0  # how many pages the total fills
    # Set when the time limit stopped the search: the total, facets and histogram then
    # count what was found before it.
    timed_out: bool = False
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    # Matches per month or year, oldest first, with 0 for periods in between; undated
    # articles are not counted.
    histogram: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "timed_out": self.timed_out,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {
                name: [asdict(count) for count in counts] for name, counts in self.facets.items()
            },
            "histogram": [{"period": period, "count": count} for period, count in self.histogram],
        }


def search(
    index_dir: Path,
    query: str | None,
    *,
    filters: SearchFilters | None = None,
    sort: Sort = "relevance",
    limit: int = 10,
    page: int = 1,
    snippet_format: SnippetFormat = "text",
    all_copies: bool = False,
    exact: bool = False,
    facets: bool = False,
    histogram: Period | None = None,
    site_names: Mapping[str, str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> SearchResults:
    """The ``page``-th ``limit`` matches of ``query`` in ``sort`` order; with no query, of
    every article the filters let through (browsing a site or a period).

    Copies of an article (``duplicate_of`` in the archive) are folded into the
    hit of the original, which lists their URLs in ``copies``, and are not
    counted; ``all_copies`` shows and counts every copy as a hit of its own.
    ``exact`` matches only the very diacritics typed. ``facets`` counts the
    matches per site (labelled with ``site_names``), category, author, year,
    language, kind of attached document, and kind and issuer of cited legal document;
    ``histogram`` per month or year. Raises :class:`EmptyQueryError`,
    :class:`QueryError` or :class:`~search.filters.UnknownSiteError` for
    unusable queries and :class:`~search.errors.IndexNotFoundError` if there is
    no index.
    """
    _check_options(limit, page, sort, histogram)
    filters = filters or SearchFilters()
    _check_query(query)
    with open_searcher(index_dir) as searcher:
        parsed, plain = _parsed(query, searcher.schema, exact)
        filters.check_sites(_indexed_sites(searcher))
        allowed = _allowed(searcher, filters, all_copies)
        found, timed_out = _found(searcher, parsed, plain, allowed, time_limit)
        if plain is not None and sort == "relevance":
            found = plainwords.rescore_in_order(searcher, plain, found)
        published = columns.published(searcher)
        first = (page - 1) * limit
        shown = _ordered(found, sort, published, first + limit)[first:]
        marked = highlight_terms(parsed, searcher.reader())
        hits = [
            _hit(
                searcher.stored_fields(int(found.docnums[position])),
                float(found.scores[position]) if sort == "relevance" else 0.0,
                marked,
                snippet_format,
            )
            for position in shown
        ]
        if not all_copies:
            hits = [replace(hit, copies=_copies_of(searcher, hit.url)) for hit in hits]
        total = len(found)
        return SearchResults(
            total=total,
            hits=hits,
            page=page,
            pages=-(-total // limit),
            timed_out=timed_out,
            facets=_facet_counts(searcher, found, published, site_names or {}) if facets else {},
            histogram=_histogram(published, found, histogram) if histogram else [],
        )


def matching_article_ids(
    index_dir: Path,
    query: str | None,
    *,
    filters: SearchFilters | None = None,
    exact: bool = False,
) -> set[int]:
    """Ids of every article (copies included) that ``query`` matches, for exports; with no
    query, of every article the filters let through."""
    filters = filters or SearchFilters()
    _check_query(query)
    with open_searcher(index_dir) as searcher:
        parsed, plain = _parsed(query, searcher.schema, exact)
        filters.check_sites(_indexed_sites(searcher))
        allowed = filters.allowed_documents(searcher)
        found, _timed_out = _found(searcher, parsed, plain, allowed, time_limit=None)
        column = searcher.reader().column_reader("article_id")
        return {int(column[int(docnum)]) for docnum in found.docnums}


def more_like(
    index_dir: Path, article_id: str, *, limit: int = 10, snippet_format: SnippetFormat = "text"
) -> list[Hit]:
    """The articles most like the article ``article_id``, by the words that set its title
    and body apart, best first; neither it nor any copy of its story is among them."""
    with open_searcher(index_dir) as searcher:
        docnum = searcher.document_number(article_id=article_id)
        if docnum is None:
            raise QueryError(f"there is no article {article_id} in the index")
        fields = searcher.stored_fields(docnum)
        text = f"{fields.get('title') or ''}\n{fields.get('body', '')}"
        like = wq.Or(
            [
                wq.Term("body_folded", word, boost=weight)
                for word, weight in searcher.key_terms_from_text(
                    "body_folded", text, numterms=_KEY_TERMS
                )
            ]
        )
        story = fields.get("original") or fields["url"]
        same_story = wq.Or(
            [wq.Term("is_copy", COPY_MARK), wq.Term("url", story), wq.Term("original", story)]
        )
        marked = highlight_terms(like, searcher.reader())
        return [
            replace(
                _hit(hit.fields(), float(hit.score or 0.0), marked, snippet_format),
                copies=_copies_of(searcher, hit["url"]),
            )
            for hit in searcher.search(like, limit=limit, mask=same_story)
        ]


def _check_query(query: str | None) -> None:
    """Refuses an unusable query before any index is opened, so a mistake in it is reported
    as such; no query is browsing."""
    if query is not None:
        check_query_text(query)


def _parsed(query: str | None, schema: Schema, exact: bool) -> tuple[wq.Query, PlainWords | None]:
    """The parsed query (every document for none) and its plain words if it is nothing else."""
    if query is None:
        return wq.Every(), None
    return parse_query(query, schema, exact=exact), PlainWords.parse(query, exact=exact)


def _check_options(limit: int, page: int, sort: str, histogram: str | None) -> None:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if page < 1:
        raise ValueError(f"page must be at least 1, not {page}")
    if sort not in SORTS:
        raise ValueError(f"sort is one of {', '.join(SORTS)}, not {sort!r}")
    if histogram is not None and histogram not in PERIODS:
        raise ValueError(f"histogram periods are 'month' or 'year', not {histogram!r}")


def _indexed_sites(searcher: Searcher) -> set[str]:
    return {_term_text(key) for key in searcher.reader().lexicon("site")}


def _term_text(text: bytes | str) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


def _allowed(searcher: Searcher, filters: SearchFilters, all_copies: bool) -> np.ndarray | None:
    """The documents a search may show: those the filters let through, less the copies of
    another article unless every copy is asked for; None for every document."""
    allowed = filters.allowed_documents(searcher)
    if all_copies:
        return allowed
    copies = _term_documents(searcher, "is_copy", COPY_MARK)
    if not len(copies):
        return allowed
    if allowed is None:
        allowed = np.ones(searcher.doc_count_all(), dtype=bool)
    allowed[copies] = False
    return allowed


def _found(
    searcher: Searcher,
    parsed: wq.Query,
    plain: PlainWords | None,
    allowed: np.ndarray | None,
    time_limit: float | None,
) -> tuple[Matches, bool]:
    """Every match, scored, and whether the time limit stopped the search."""
    if allowed is not None and not allowed.any():
        return plainwords.NO_MATCHES, False
    if plain is not None:
        deadline = None if time_limit is None else time.monotonic() + time_limit
        return plainwords.matches(searcher, plain, allowed, deadline)
    if isinstance(parsed, wq.Every):
        return _every_document(searcher, allowed), False
    collector: collectors.Collector = collectors.UnlimitedCollector()
    if allowed is not None:
        collector = collectors.FilterCollector(
            collector, allow={int(docnum) for docnum in np.flatnonzero(allowed)}
        )
    if time_limit is not None:
        # Without the alarm signal, so a search in a web server thread is limited the same way.
        collector = collectors.TimeLimitCollector(collector, time_limit, use_alarm=False)
    timed_out = False
    try:
        searcher.search_with_collector(parsed, collector)
    except collectors.TimeLimit:
        timed_out = True
    scored = collector.results().top_n
    found = Matches(
        np.array([docnum for _score, docnum in scored], dtype=np.int64),
        np.array([score for score, _docnum in scored], dtype=np.float64),
    )
    return found, timed_out


def _every_document(searcher: Searcher, allowed: np.ndarray | None) -> Matches:
    """Every live document ``allowed`` lets through, all scored alike."""
    live = np.ones(searcher.doc_count_all(), dtype=bool)
    for leaf, offset in searcher.leaf_searchers():
        segment_live = whoosh_compat.live_documents(leaf.reader())
        if segment_live is not None:
            live[offset : offset + len(segment_live)] = segment_live
    if allowed is not None:
        live &= allowed
    docnums = np.flatnonzero(live)
    return Matches(docnums, np.zeros(len(docnums), dtype=np.float64))


def _ordered(found: Matches, sort: Sort, published: columns.Published, count: int) -> np.ndarray:
    """Positions in ``found`` of its first ``count`` matches in ``sort`` order: best score,
    newest or oldest first (undated last either way), then by document number."""
    if sort == "relevance":
        key = -found.scores
    else:
        raw = published.raw[found.docnums]
        undated = raw == published.missing
        signed = np.where(undated, 0, raw).astype(np.int64)
        key = np.where(undated, np.iinfo(np.int64).max, -signed if sort == "newest" else signed)
    candidates = np.arange(len(found))
    if count < len(found):
        candidates = np.argpartition(key, count - 1)[:count]
    ranked = candidates[np.lexsort((found.docnums[candidates], key[candidates]))]
    return ranked[:count]


def _copies_of(searcher: Searcher, url: str) -> tuple[str, ...]:
    copies = searcher.search(wq.Term("original", url), limit=None, scored=False)
    return tuple(sorted(hit["url"] for hit in copies))


def _facet_counts(
    searcher: Searcher,
    found: Matches,
    published: columns.Published,
    site_names: Mapping[str, str],
) -> dict[str, list[FacetCount]]:
    sites = _value_counts(columns.coded(searcher, "site"), found)
    authors = _value_counts(columns.coded(searcher, "author"), found)
    return {
        "site": _ranked(
            FacetCount(key, site_names.get(key, key), count) for key, count in sites.items()
        ),
        "category": _ranked(_category_counts(searcher, found)),
        "author": _ranked(FacetCount(name, name, count) for name, count in authors.items()),
        "year": [
            FacetCount(year, year, count)
            for year, count in _period_counts(published, found, "year").items()
        ],
        "language": _ranked(
            FacetCount(code, code, count)
            for code, count in _value_counts(columns.coded(searcher, "language"), found).items()
        ),
        "document_type": _ranked(_keyword_counts(searcher, found, "document_type")),
        "ref_kind": _ranked(_keyword_counts(searcher, found, "ref_kind")),
        "ref_issuer": _ranked(_keyword_counts(searcher, found, "ref_issuer")),
    }


def _value_counts(column: columns.Coded, found: Matches) -> dict[str, int]:
    """How many matches have each value of ``column``, those without one left out."""
    counts = np.bincount(column.codes[found.docnums], minlength=len(column.values))
    return {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts) if code}


def _category_counts(searcher: Searcher, found: Matches) -> Iterator[FacetCount]:
    """Matches per category, spellings of one name counted together ("Tin tức", "TIN TỨC")
    under the spelling most of them use; the value is what the category filter matches."""
    by_key: dict[str, Counter[str]] = {}
    analyzer = searcher.schema["category"].analyzer
    for spelling, count in _value_counts(columns.coded(searcher, "category"), found).items():
        key = next(token.text for token in analyzer(spelling))
        by_key.setdefault(key, Counter())[spelling] += count
    for key, spellings in by_key.items():
        yield FacetCount(key, spellings.most_common(1)[0][0], spellings.total())


def _keyword_counts(searcher: Searcher, found: Matches, fieldname: str) -> Iterator[FacetCount]:
    """Matches per value of a field of several values (the kinds of attached documents,
    of cited documents, their issuers): an article attaching a PDF and a DOCX counts for
    both."""
    matched = np.zeros(searcher.doc_count_all(), dtype=bool)
    matched[found.docnums] = True
    for value in map(_term_text, searcher.reader().lexicon(fieldname)):
        count = int(np.count_nonzero(matched[_term_documents(searcher, fieldname, value)]))
        if count:
            yield FacetCount(value, value, count)


def _term_documents(searcher: Searcher, fieldname: str, text: str) -> np.ndarray:
    """Global numbers of the live documents holding ``text`` in ``fieldname``."""
    return np.fromiter(searcher.docs_for_query(wq.Term(fieldname, text)), dtype=np.int64)


def _ranked(counts: Iterable[FacetCount]) -> list[FacetCount]:
    """Most articles first, then alphabetically, so the order is stable."""
    return sorted(counts, key=lambda facet: (-facet.count, facet.label))


def _period_counts(published: columns.Published, found: Matches, by: Period) -> dict[str, int]:
    """Dated matches per year ("2020") or month ("2020-03") in portal time, oldest first."""
    unit = "Y" if by == "year" else "M"
    periods, counts = np.unique(
        published.portal_times(found.docnums).astype(f"datetime64[{unit}]"), return_counts=True
    )
    return {str(period): int(count) for period, count in zip(periods, counts, strict=True)}


def _histogram(published: columns.Published, found: Matches, by: Period) -> list[tuple[str, int]]:
    counts = _period_counts(published, found, by)
    return [(period, counts.get(period, 0)) for period in _periods_spanning(counts, by)]


def _hit(
    fields: Mapping[str, Any], score: float, marked: Marks, snippet_format: SnippetFormat
) -> Hit:
    """The hit as shown, from its stored fields."""
    return Hit(
        article_id=fields["article_id"],
        url=fields["url"],
        site=fields["site"],
        title=fields.get("title") or None,
        published=_from_index_time(fields.get("published")),
        author=fields.get("author"),
        category=fields.get("category"),
        score=score,
        title_snippet=title_snippet(fields.get("title") or "", marked, snippet_format),
        **_snippet_fields(fields, marked, snippet_format),
    )


def _snippet_fields(
    fields: Mapping[str, Any], marked: Marks, snippet_format: SnippetFormat
) -> dict[str, str | None]:
    """The snippet of a hit, from its body or, if one holds more of the query's words, from
    an attached document (with that document's name)."""
    body = fields.get("body", "")
    texts: list[tuple[str | None, str]] = [(None, body), *fields.get("attached_documents", ())]
    # max() keeps the first of equals: the article's own text wins a tie.
    name, text = (
        max(texts, key=lambda named: marks_held(named[1], marked)) if len(texts) > 1 else texts[0]
    )
    excerpt = marked_snippet(text, marked, snippet_format)
    if not excerpt:
        return {"snippet": lead_snippet(body, snippet_format), "document": None}
    return {"snippet": excerpt, "document": name}


def _from_index_time(stored: datetime | None) -> datetime | None:
    return None if stored is None else _vietnam_time(stored)


def _vietnam_time(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=UTC).astimezone(PORTAL_TZ)


def _period_key(moment: datetime, by: Period) -> str:
    return f"{moment.year:04d}" if by == "year" else f"{moment.year:04d}-{moment.month:02d}"


def _periods_spanning(counts: Counter[str], by: Period) -> list[str]:
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if by == "year":
        return [f"{year:04d}" for year in range(int(first), int(last) + 1)]
    return list(_months_between(first, last))


def _months_between(first: str, last: str) -> Iterator[str]:
    year, month = map(int, first.split("-"))
    while (key := f"{year:04d}-{month:02d}") <= last:
        yield key
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
