"""Which articles a search or an export looks at: one value for the index and the database.

Site and dates restrict both the Whoosh search and the SQL of an export; author
and category are matched by words, accent- and case-insensitively, which only
the index can do, so an export that names them asks the index for the ids.
A search applies them as a mask over the index's documents, sites and dates
read from the index's columns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.searching import Searcher

from archive.dates import check_day_range, utc_day_bounds
from archive.references import canonical_issuer, canonical_kind
from search import columns
from search.errors import QueryError
from search.indexer import to_naive_utc

if TYPE_CHECKING:
    from sqlalchemy import Select

    from archive.models import Article

# An error message lists the known site keys up to this many.
_SHOWN_SITE_KEYS = 12


class UnknownSiteError(QueryError):
    """A site filter names a site key the archive does not have."""


@dataclass(frozen=True)
class SearchFilters:
    """Sites (any of them), whole days of publication in portal time (both included), an
    author's words, a category, a language ("vi"), whether the article attaches documents
    and of which kind ("pdf"); empty fields restrict nothing."""

    sites: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    author: str | None = None
    category: str | None = None
    language: str | None = None
    has_documents: bool | None = None
    document_type: str | None = None
    # Citing a legal document of this kind ("QĐ") or by this issuer ("UBND").
    ref_kind: str | None = None
    ref_issuer: str | None = None

    def __post_init__(self) -> None:
        check_day_range(self.date_from, self.date_to)

    def to_json(self) -> dict[str, Any]:
        """The filters that restrict something, as JSON values (days as ISO dates), for a
        saved search to keep."""
        fields = {
            "sites": list(self.sites),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "author": self.author,
            "category": self.category,
            "language": self.language,
            "has_documents": self.has_documents,
            "document_type": self.document_type,
            "ref_kind": self.ref_kind,
            "ref_issuer": self.ref_issuer,
        }
        return {name: value for name, value in fields.items() if value not in (None, [])}

    @classmethod
    def from_json(cls, fields: Mapping[str, Any]) -> SearchFilters:
        """The filters ``to_json`` wrote."""
        days = {
            name: date.fromisoformat(fields[name])
            for name in ("date_from", "date_to")
            if fields.get(name)
        }
        return cls(
            sites=tuple(fields.get("sites", ())),
            author=fields.get("author"),
            category=fields.get("category"),
            language=fields.get("language"),
            has_documents=fields.get("has_documents"),
            document_type=fields.get("document_type"),
            ref_kind=fields.get("ref_kind"),
            ref_issuer=fields.get("ref_issuer"),
            **days,
        )

    @property
    def needs_index(self) -> bool:
        """Whether only the index can apply these filters (word matches on author and
        category, document kinds)."""
        return any(
            value is not None
            for value in (
                self.author,
                self.category,
                self.document_type,
                self.ref_kind,
                self.ref_issuer,
            )
        )

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
            self._term_restriction(schema),
            _date_range(self.date_from, self.date_to),
        ]
        present = [part for part in parts if part is not None]
        return wq.And(present) if present else None

    def allowed_documents(self, searcher: Searcher) -> np.ndarray | None:
        """A mask of the documents of ``searcher`` these filters let through (by global
        document number), or None when they restrict nothing."""
        allowed: np.ndarray | None = None
        if self.sites:
            site = columns.coded(searcher, "site")
            codes = [code for code, key in enumerate(site.values) if key in self.sites]
            allowed = np.isin(site.codes, codes)
        start, end = (
            None if bound is None else to_naive_utc(bound)
            for bound in utc_day_bounds(self.date_from, self.date_to)
        )
        if start is not None or end is not None:
            allowed = _and(allowed, _published_between(searcher, start, end))
        restricted = self._term_restriction(searcher.schema)
        if restricted is not None:
            matching = np.zeros(searcher.doc_count_all(), dtype=bool)
            matching[np.fromiter(searcher.docs_for_query(restricted), dtype=np.int64)] = True
            allowed = _and(allowed, matching)
        return allowed

    def _term_restriction(self, schema: Schema) -> wq.Query | None:
        parts = [
            _words_query(schema, "author", self.author) if self.author else None,
            _whole_value_query(schema, "category", self.category) if self.category else None,
            wq.Term("language", self.language) if self.language else None,
            _documents_query(self.has_documents, self.document_type),
            wq.Term("ref_kind", canonical_kind(self.ref_kind)) if self.ref_kind else None,
            wq.Term("ref_issuer", canonical_issuer(self.ref_issuer)) if self.ref_issuer else None,
        ]
        present = [part for part in parts if part is not None]
        return wq.And(present) if present else None

    def apply(self, statement: Select[tuple[Article]]) -> Select[tuple[Article]]:
        """``statement`` (over articles joined with their site) restricted to the sites,
        days, language and documents; author, category and document kinds are left to the
        index (see ``needs_index``)."""
        # Imported here: loading the database layer costs a search more than it searches.
        from sqlalchemy import exists

        from archive.models import Article, Attachment, Site

        if self.sites:
            statement = statement.where(Site.key.in_(self.sites))
        start, end = utc_day_bounds(self.date_from, self.date_to)
        if start is not None:
            statement = statement.where(Article.published >= start)
        if end is not None:
            statement = statement.where(Article.published < end)
        if self.language:
            statement = statement.where(Article.language == self.language)
        if self.has_documents is not None:
            attaches = exists().where(Attachment.article_id == Article.id)
            statement = statement.where(attaches if self.has_documents else ~attaches)
        return statement


def _and(mask: np.ndarray | None, other: np.ndarray) -> np.ndarray:
    return other if mask is None else mask & other


def _published_between(
    searcher: Searcher, start: datetime | None, end: datetime | None
) -> np.ndarray:
    published = columns.published(searcher)
    field = searcher.schema["published"]
    inside = published.dated
    if start is not None:
        inside &= published.raw >= field.to_column_value(start)
    if end is not None:
        inside &= published.raw < field.to_column_value(end)
    return inside


def _documents_query(has_documents: bool | None, kind: str | None) -> wq.Query | None:
    if kind:
        return wq.Term("document_type", kind.strip().lower())
    if has_documents is None:
        return None
    attaching = wq.Every("document_type")
    return attaching if has_documents else wq.Not(attaching)


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
