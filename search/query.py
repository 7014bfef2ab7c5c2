"""Searching the article index: hits with snippets, filters, timelines.

The query language is :mod:`search.parsing`'s, the snippets :mod:`search.snippets`'s.
Filters (site, dates, author, category) are keyword arguments rather than
query syntax, so text pasted from a document ("Ghi chú: ...") is never
mistaken for a field name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.index import FileIndex
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from archive.dates import PORTAL_TZ, check_day_range, local_iso, utc_day_bounds
from search.errors import QueryError
from search.indexer import COPY_MARK, open_index, to_naive_utc
from search.parsing import check_query_text, highlight_terms, parse_query
from search.snippets import SnippetFormat, snippet

Period = Literal["month", "year"]


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
class SearchResults:
    total: int  # matches across all pages
    hits: list[Hit]

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "hits": [hit.to_dict() for hit in self.hits]}


def search(
    index_dir: Path,
    query: str,
    *,
    site: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    author: str | None = None,
    category: str | None = None,
    limit: int = 10,
    page: int = 1,
    snippet_format: SnippetFormat = "text",
    all_copies: bool = False,
) -> SearchResults:
    """The ``page``-th ``limit`` best matches of ``query``, best first.

    Copies of an article (``duplicate_of`` in the archive) are folded into the
    hit of the original, which lists their URLs in ``copies``; ``all_copies``
    shows every copy as a hit of its own instead.
    Dates are inclusive whole days in Asia/Ho_Chi_Minh time. Raises
    :class:`EmptyQueryError` or :class:`QueryError` for unusable queries and
    :class:`~search.errors.IndexNotFoundError` if there is no index.
    """
    _check_paging(limit, page)
    index, parsed, restriction = _prepare(
        index_dir, query, site=site, date_from=date_from, date_to=date_to, author=author,
        category=category,
    )  # fmt: skip
    mask = None if all_copies else wq.Term("is_copy", COPY_MARK)
    with index.searcher() as searcher:
        results = searcher.search(parsed, filter=restriction, mask=mask, limit=page * limit)
        marked = highlight_terms(parsed, searcher.reader())
        page_hits = results[(page - 1) * limit : page * limit]
        hits = [_hit(hit, marked, snippet_format) for hit in page_hits]
        if not all_copies:
            hits = [replace(hit, copies=_copies_of(searcher, hit.url)) for hit in hits]
        return SearchResults(total=len(results), hits=hits)


def matching_article_ids(
    index_dir: Path,
    query: str,
    *,
    site: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> set[int]:
    """Ids of every article (copies included) that ``query`` matches, for exports."""
    index, parsed, restriction = _prepare(
        index_dir, query, site=site, date_from=date_from, date_to=date_to
    )
    with index.searcher() as searcher:
        results = searcher.search(parsed, filter=restriction, limit=None, scored=False)
        column = searcher.reader().column_reader("article_id")
        return {int(column[docnum]) for docnum in results.docs()}


def _copies_of(searcher: Searcher, url: str) -> tuple[str, ...]:
    copies = searcher.search(wq.Term("original", url), limit=None, scored=False)
    return tuple(sorted(hit["url"] for hit in copies))


def timeline(
    index_dir: Path,
    query: str,
    *,
    site: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    author: str | None = None,
    category: str | None = None,
    by: Period = "month",
) -> list[tuple[str, int]]:
    """Matches per month ("2020-12") or year ("2020"), oldest first.

    Periods without matches between the first and the last are listed with 0
    so the series can be charted as is; undated articles are not counted.
    """
    if by not in ("month", "year"):
        raise ValueError(f"timeline periods are 'month' or 'year', not {by!r}")
    index, parsed, restriction = _prepare(
        index_dir, query, site=site, date_from=date_from, date_to=date_to, author=author,
        category=category,
    )  # fmt: skip
    with index.searcher() as searcher:
        results = searcher.search(parsed, filter=restriction, limit=None, scored=False)
        dates = _published_dates(searcher, results.docs())
        counts = Counter(_period_key(moment, by) for moment in dates)
    return [(period, counts[period]) for period in _periods_spanning(counts, by)]


def _prepare(
    index_dir: Path, query: str, **filters: Any
) -> tuple[FileIndex, wq.Query, wq.Query | None]:
    """The open index, the parsed query and the filters' restriction; the query and the dates
    are checked before the index is opened so a mistake in them is reported as such."""
    check_query_text(query)
    check_day_range(filters.get("date_from"), filters.get("date_to"))
    index = open_index(index_dir)
    return index, parse_query(query, index.schema), filter_query(index.schema, **filters)


def filter_query(
    schema: Schema,
    *,
    site: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    author: str | None = None,
    category: str | None = None,
) -> wq.Query | None:
    """The restriction the keyword filters put on results, or None for none."""
    parts = [
        wq.Term("site", site) if site else None,
        _words_query(schema, "author", author) if author else None,
        _whole_value_query(schema, "category", category) if category else None,
        _date_range(date_from, date_to) if date_from or date_to else None,
    ]
    present = [part for part in parts if part is not None]
    return wq.And(present) if present else None


def _words_query(schema: Schema, fieldname: str, value: str) -> wq.Query:
    words = list(schema[fieldname].process_text(value, mode="query"))
    if not words:
        raise QueryError(f"the {fieldname} filter {value!r} has no words")
    return wq.Phrase(fieldname, words) if len(words) > 1 else wq.Term(fieldname, words[0])


def _whole_value_query(schema: Schema, fieldname: str, value: str) -> wq.Query:
    tokens = list(schema[fieldname].process_text(value, mode="query"))
    if not tokens:
        raise QueryError(f"the {fieldname} filter {value!r} is blank")
    return wq.Term(fieldname, tokens[0])


def _date_range(date_from: date | None, date_to: date | None) -> wq.Query:
    start, end = (
        None if bound is None else to_naive_utc(bound)
        for bound in utc_day_bounds(date_from, date_to)
    )
    return wq.DateRange("published", start, end, endexcl=True)


def _check_paging(limit: int, page: int) -> None:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if page < 1:
        raise ValueError(f"page must be at least 1, not {page}")


def _hit(hit: WhooshHit, marked: frozenset[str], snippet_format: SnippetFormat) -> Hit:
    fields = hit.fields()
    return Hit(
        article_id=fields["article_id"],
        url=fields["url"],
        site=fields["site"],
        title=fields.get("title") or None,
        published=_from_index_time(fields.get("published")),
        author=fields.get("author"),
        category=fields.get("category"),
        score=float(hit.score or 0.0),
        snippet=snippet(fields.get("body", ""), marked, snippet_format),
    )


def _from_index_time(stored: datetime | None) -> datetime | None:
    return None if stored is None else _vietnam_time(stored)


def _vietnam_time(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=UTC).astimezone(PORTAL_TZ)


def _published_dates(searcher: Searcher, docnums: Iterable[int]) -> Iterator[datetime]:
    # The sortable column reads dates without loading each stored body.
    field = searcher.schema["published"]
    column = searcher.reader().column_reader("published", translate=False)
    missing = field.column_type.default_value()
    for docnum in docnums:
        raw = column[docnum]
        if raw != missing:
            yield _vietnam_time(field.from_column_value(raw))


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
