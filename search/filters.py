"""Which articles a search or an export looks at: one value for the index and the database.

Site and dates restrict both the Whoosh search and the SQL of an export; author
and category are matched by words, accent- and case-insensitively, which only
the index can do, so an export that names them asks the index for the ids.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select
from whoosh import query as wq
from whoosh.fields import Schema

from archive.dates import check_day_range, utc_day_bounds
from archive.models import Article, Site
from search.errors import QueryError
from search.indexer import to_naive_utc

# An error message lists the known site keys up to this many.
_SHOWN_SITE_KEYS = 12


class UnknownSiteError(QueryError):
    """A site filter names a site key the archive does not have."""


@dataclass(frozen=True)
class SearchFilters:
    """Sites (any of them), whole days of publication in portal time (both included), an
    author's words and a category; empty fields restrict nothing."""

    sites: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    author: str | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        check_day_range(self.date_from, self.date_to)

    @property
    def needs_index(self) -> bool:
        """Whether only the index can apply these filters (word matches on author, category)."""
        return self.author is not None or self.category is not None

    def check_sites(self, known: Collection[str]) -> None:
        """Raises :class:`UnknownSiteError` for a site key not in ``known``."""
        unknown = [key for key in self.sites if key not in known]
        if not unknown:
            return
        listed = ", ".join(sorted(known)[:_SHOWN_SITE_KEYS]) or "none yet"
        more = " …" if len(known) > _SHOWN_SITE_KEYS else ""
        raise UnknownSiteError(
            f"unknown site {', '.join(map(repr, unknown))}: the sites are {listed}{more}"
        )

    def whoosh_query(self, schema: Schema) -> wq.Query | None:
        """The restriction on the index's documents, or None for none."""
        parts = [
            wq.Or([wq.Term("site", key) for key in self.sites]) if self.sites else None,
            _words_query(schema, "author", self.author) if self.author else None,
            _whole_value_query(schema, "category", self.category) if self.category else None,
            _date_range(self.date_from, self.date_to),
        ]
        present = [part for part in parts if part is not None]
        return wq.And(present) if present else None

    def apply(self, statement: Select[tuple[Article]]) -> Select[tuple[Article]]:
        """``statement`` (over articles joined with their site) restricted to the sites and
        days; author and category are left to the index (see ``needs_index``)."""
        if self.sites:
            statement = statement.where(Site.key.in_(self.sites))
        start, end = utc_day_bounds(self.date_from, self.date_to)
        if start is not None:
            statement = statement.where(Article.published >= start)
        if end is not None:
            statement = statement.where(Article.published < end)
        return statement


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


def _date_range(date_from: date | None, date_to: date | None) -> wq.Query | None:
    if date_from is None and date_to is None:
        return None
    start, end = (
        None if bound is None else to_naive_utc(bound)
        for bound in utc_day_bounds(date_from, date_to)
    )
    return wq.DateRange("published", start, end, endexcl=True)
