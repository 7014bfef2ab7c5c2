"""Searching the article index: hits with snippets, facets and a histogram of matches.

The query language is :mod:`search.parsing`'s, the snippets :mod:`search.snippets`'s,
the filters :mod:`search.filters`'s. Filters (site, dates, author, category) are
options rather than query syntax, so text pasted from a document ("Ghi chú: ...")
is never mistaken for a field name. One search runs the query once: the page of
hits, the total, the facets and the histogram all come from that one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from whoosh import collectors, sorting
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.matching import Matcher
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Results, Searcher

from archive.dates import PORTAL_TZ, local_iso
from search.errors import QueryError
from search.filters import SearchFilters
from search.indexer import COPY_MARK, open_index
from search.parsing import check_query_text, highlight_terms, parse_query
from search.snippets import Marks, SnippetFormat, snippet

Period = Literal["month", "year"]
Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")
PERIODS: tuple[Period, ...] = ("month", "year")
# The facets a search can count, by name; "site" carries the site's name as its label.
FACET_NAMES = ("site", "category", "author", "year")
# A search that runs longer returns what it found so far, flagged ``timed_out``; a reader
# waits for a page, not for the rest of a pathological query.
DEFAULT_TIME_LIMIT = 10.0
_HISTOGRAM = "histogram"
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
    query: str,
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
    """The ``page``-th ``limit`` matches of ``query`` in ``sort`` order.

    Copies of an article (``duplicate_of`` in the archive) are folded into the
    hit of the original, which lists their URLs in ``copies``, and are not
    counted; ``all_copies`` shows and counts every copy as a hit of its own.
    ``exact`` matches only the very diacritics typed. ``facets`` counts the
    matches per site (labelled with ``site_names``), category, author and year;
    ``histogram`` per month or year. Raises :class:`EmptyQueryError`,
    :class:`QueryError` or :class:`~search.filters.UnknownSiteError` for
    unusable queries and :class:`~search.errors.IndexNotFoundError` if there is
    no index.
    """
    _check_options(limit, page, sort, histogram)
    filters = filters or SearchFilters()
    index, parsed = _prepare(index_dir, query, exact)
    grouped = _facets(facets, histogram)
    with index.searcher() as searcher:
        filters.check_sites(_indexed_sites(searcher))
        allowed = _allowed_docs(searcher, filters)
        if allowed is not None and not allowed:
            # Whoosh reads an empty filter as no filter at all: nothing can match.
            return SearchResults(
                total=0,
                hits=[],
                page=page,
                facets={name: [] for name in FACET_NAMES} if facets else {},
            )
        collector = _collector(searcher, sort, page * limit, grouped, allowed, all_copies)
        timed_out = _run(searcher, parsed, collector, time_limit)
        results = collector.results()
        marked = highlight_terms(parsed, searcher.reader())
        hits = [
            _hit(hit, marked, snippet_format, scored=sort == "relevance")
            for hit in results[(page - 1) * limit : page * limit]
        ]
        if not all_copies:
            hits = [replace(hit, copies=_copies_of(searcher, hit.url)) for hit in hits]
        total = len(results)
        return SearchResults(
            total=total,
            hits=hits,
            page=page,
            pages=-(-total // limit),
            timed_out=timed_out,
            facets=_facet_counts(searcher, results, site_names or {}) if facets else {},
            histogram=_histogram(results, histogram) if histogram else [],
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
    if query is None:
        index, parsed = open_index(index_dir), wq.Every()
    else:
        index, parsed = _prepare(index_dir, query, exact)
    with index.searcher() as searcher:
        filters.check_sites(_indexed_sites(searcher))
        allowed = _allowed_docs(searcher, filters)
        if allowed is not None and not allowed:
            return set()
        results = searcher.search(parsed, filter=allowed, limit=None, scored=False)
        column = searcher.reader().column_reader("article_id")
        return {int(column[docnum]) for docnum in results.docs()}


def more_like(
    index_dir: Path, article_id: str, *, limit: int = 10, snippet_format: SnippetFormat = "text"
) -> list[Hit]:
    """The articles most like the article ``article_id``, by the words that set its title
    and body apart, best first; neither it nor any copy of its story is among them."""
    with open_index(index_dir).searcher() as searcher:
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
                _hit(hit, marked, snippet_format, scored=True),
                copies=_copies_of(searcher, hit["url"]),
            )
            for hit in searcher.search(like, limit=limit, mask=same_story)
        ]


def _prepare(index_dir: Path, query: str, exact: bool) -> tuple[FileIndex, wq.Query]:
    """The open index and the parsed query; the query is checked before the index is
    opened so a mistake in it is reported as such."""
    check_query_text(query)
    index = open_index(index_dir)
    return index, parse_query(query, index.schema, exact=exact)


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


def _allowed_docs(searcher: Searcher, filters: SearchFilters) -> set[int] | None:
    """The documents the filters let through, or None when they restrict nothing."""
    restriction = filters.whoosh_query(searcher.schema)
    return None if restriction is None else set(searcher.docs_for_query(restriction))


def _facets(facets: bool, histogram: Period | None) -> dict[str, sorting.FacetType]:
    grouped: dict[str, sorting.FacetType] = {}
    if facets:
        grouped["site"] = sorting.FieldFacet("site", maptype=sorting.Count)
        # The index holds categories folded ("tin tuc"): one document of each group gives
        # the spelling to show.
        grouped["category"] = sorting.FieldFacet("category", maptype=sorting.UnorderedList)
        # Authors are indexed by word; the whole signature is read from the stored fields.
        grouped["author"] = sorting.StoredFieldFacet("author", maptype=sorting.Count)
        grouped["year"] = _PeriodFacet("year")
    if histogram:
        grouped[_HISTOGRAM] = _PeriodFacet(histogram)
    return grouped


def _collector(
    searcher: Searcher,
    sort: Sort,
    limit: int,
    grouped: dict[str, sorting.FacetType],
    allowed: set[int] | None,
    all_copies: bool,
) -> collectors.Collector:
    if sort == "relevance":
        # Block-quality skipping and matcher replacement would leave the matches that cannot
        # make the page out of the total and the facets.
        ranked: collectors.Collector = collectors.TopCollector(limit, usequality=False, replace=0)
    else:
        ranked = collectors.SortingCollector(_PublishedOrder(sort == "newest"), limit=limit)
    if grouped:
        ranked = collectors.FacetCollector(ranked, grouped, maptype=sorting.Count)
    mask = None if all_copies else wq.Term("is_copy", COPY_MARK)
    if allowed is None and mask is None:
        return ranked
    return collectors.FilterCollector(ranked, allow=allowed, restrict=mask)


def _run(
    searcher: Searcher, parsed: wq.Query, collector: collectors.Collector, time_limit: float
) -> bool:
    """Runs the search; whether the time limit stopped it."""
    # Without the alarm signal, so a search in a web server thread is limited the same way.
    limited = collectors.TimeLimitCollector(collector, time_limit, use_alarm=False)
    try:
        searcher.search_with_collector(parsed, limited)
    except collectors.TimeLimit:
        return True
    return False


def _copies_of(searcher: Searcher, url: str) -> tuple[str, ...]:
    copies = searcher.search(wq.Term("original", url), limit=None, scored=False)
    return tuple(sorted(hit["url"] for hit in copies))


def _facet_counts(
    searcher: Searcher, results: Results, site_names: Mapping[str, str]
) -> dict[str, list[FacetCount]]:
    sites = results.groups("site")
    categories = results.groups("category")
    return {
        "site": _ranked(
            FacetCount(key, site_names.get(key, key), count) for key, count in sites.items()
        ),
        "category": _ranked(
            FacetCount(key, searcher.stored_fields(docs[0])["category"], len(docs))
            for key, docs in categories.items()
            if key is not None
        ),
        "author": _ranked(
            FacetCount(name, name, count)
            for name, count in results.groups("author").items()
            if name
        ),
        "year": [
            FacetCount(year, year, count)
            for year, count in sorted(_counted(results, "year").items())
        ],
    }


def _ranked(counts: Iterator[FacetCount]) -> list[FacetCount]:
    """Most articles first, then alphabetically, so the order is stable."""
    return sorted(counts, key=lambda facet: (-facet.count, facet.label))


def _counted(results: Results, name: str) -> Counter[str]:
    return Counter({key: count for key, count in results.groups(name).items() if key is not None})


def _histogram(results: Results, by: Period) -> list[tuple[str, int]]:
    counts = _counted(results, _HISTOGRAM)
    return [(period, counts[period]) for period in _periods_spanning(counts, by)]


class _PublishedOrder(sorting.FacetType):
    """Sorts by publication time, newest or oldest first, undated articles last either way
    (Whoosh's own date facet puts them first when reversed)."""

    def __init__(self, newest_first: bool) -> None:
        self.newest_first = newest_first

    def categorizer(self, global_searcher: Searcher) -> sorting.Categorizer:
        return _PublishedOrderCategorizer(global_searcher, self.newest_first)


class _PublishedOrderCategorizer(sorting.Categorizer):
    def __init__(self, global_searcher: Searcher, newest_first: bool) -> None:
        self._missing = global_searcher.schema["published"].column_type.default_value()
        self._sign = -1 if newest_first else 1

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        self._column = segment_searcher.reader().column_reader("published", translate=False)

    def key_for(self, matcher: Matcher, segment_docnum: int) -> tuple[bool, int]:
        raw = self._column[segment_docnum]
        undated = raw == self._missing
        return undated, 0 if undated else self._sign * raw


class _PeriodFacet(sorting.FacetType):
    """Groups documents by the month ("2020-12") or year ("2020") of publication in portal
    time; undated documents fall in the group None."""

    def __init__(self, by: Period) -> None:
        self.by = by
        self.maptype = sorting.Count

    def categorizer(self, global_searcher: Searcher) -> sorting.Categorizer:
        return _PeriodCategorizer(global_searcher, self.by)


class _PeriodCategorizer(sorting.Categorizer):
    def __init__(self, global_searcher: Searcher, by: Period) -> None:
        self._field = global_searcher.schema["published"]
        self._missing = self._field.column_type.default_value()
        self._by = by

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        # The sortable column reads dates without loading each stored body.
        self._column = segment_searcher.reader().column_reader("published", translate=False)

    def key_for(self, matcher: Matcher, segment_docnum: int) -> str | None:
        raw = self._column[segment_docnum]
        if raw == self._missing:
            return None
        return _period_key(_vietnam_time(self._field.from_column_value(raw)), self._by)


def _hit(hit: WhooshHit, marked: Marks, snippet_format: SnippetFormat, *, scored: bool) -> Hit:
    """The hit as shown; sorted by date, Whoosh puts the sort key where the score was, and
    the score is 0."""
    fields = hit.fields()
    return Hit(
        article_id=fields["article_id"],
        url=fields["url"],
        site=fields["site"],
        title=fields.get("title") or None,
        published=_from_index_time(fields.get("published")),
        author=fields.get("author"),
        category=fields.get("category"),
        score=float(hit.score or 0.0) if scored else 0.0,
        snippet=snippet(fields.get("body", ""), marked, snippet_format),
    )


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
