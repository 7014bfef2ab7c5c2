"""Saved searches: searches a researcher keeps watching, and the articles each newly matches.

A search is run when it is saved, and what it matches then is recorded as its
baseline. After every crawl, and on ``watch check``, each saved search is run
against the index again; the articles it now matches that were not recorded
before are recorded with the crawl run that found them. What is new since a
search was saved is then the matches found after its baseline, which is what its
feed lists. A search's matches are the articles an export of it would hold,
copies included: a story republished on another site is news for that site.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, Row, Select, delete, exists, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.db import Archive
from archive.errors import ArchiveError
from archive.models import Article, SavedSearch, SavedSearchMatch, Site, UTCDateTime, utcnow
from search.errors import QueryError
from search.filters import SearchFilters
from search.query import matching_article_ids

# A name is part of the feed's URL, so it is kept to what a URL path carries as it is.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# New matches are written this many at a time: a broad search may match the whole archive.
INSERT_BATCH = 500
# Characters of an article's text kept for the excerpt of a match.
EXCERPT_SOURCE_CHARS = 600


class WatchError(ArchiveError):
    """A saved search that cannot be saved, found or removed as asked."""


@dataclass(frozen=True)
class Watch:
    """A saved search: the search, and when it was saved and last checked."""

    name: str
    query: str | None
    filters: SearchFilters
    exact: bool
    created_at: datetime
    checked_at: datetime | None

    @classmethod
    def of(cls, saved: SavedSearch) -> Watch:
        return cls(
            name=saved.name,
            query=saved.query,
            filters=SearchFilters.from_json(saved.filters or {}),
            exact=saved.exact,
            created_at=saved.created_at,
            checked_at=saved.checked_at,
        )


@dataclass(frozen=True)
class WatchSummary:
    watch: Watch
    matches: int  # every match recorded, the baseline included
    new: int  # those found after the baseline
    newest: datetime | None  # when the last match was found


@dataclass(frozen=True)
class WatchMatch:
    """An article a saved search matched, and when and by which crawl run it was found."""

    article_id: int
    found_at: datetime
    run_id: int | None
    in_baseline: bool
    published: datetime | None
    site: str
    site_name: str
    title: str | None
    url: str
    # The start of the article's summary or body, for an excerpt.
    text: str


@dataclass(frozen=True)
class CheckResult:
    """What checking one saved search found: how many new matches, or why it could not run."""

    name: str
    new: int = 0
    error: str | None = None


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise WatchError(
            f"the name {name!r} is not a short name of letters, digits, '-' and '_' "
            "(at most 64): it becomes part of the feed's URL"
        )
    return name


def current_matches(
    index_dir: Path, query: str | None, filters: SearchFilters, *, exact: bool = False
) -> set[int]:
    """The ids of the articles a search matches now; raises what ``search`` raises for a query
    or a filter it cannot use."""
    if query is None and filters == SearchFilters():
        raise QueryError("a saved search needs a query or at least one filter")
    return matching_article_ids(index_dir, query, filters=filters, exact=exact)


def save_watch(
    archive: Archive,
    name: str,
    query: str | None,
    filters: SearchFilters,
    exact: bool,
    baseline: Collection[int],
) -> None:
    """Saves a search with ``baseline``, the articles it matches now (see
    :func:`current_matches`), all in one transaction."""
    check_name(name)
    now = utcnow()
    try:
        with archive.session() as session:
            if session.scalar(select(SavedSearch.id).where(SavedSearch.name == name)):
                raise WatchError(f"there is already a saved search named {name!r}")
            saved = SavedSearch(
                name=name,
                query=query,
                filters=filters.to_json(),
                exact=exact,
                # The baseline is what was found when the search was saved: see in_baseline.
                created_at=now,
                checked_at=now,
            )
            session.add(saved)
            session.flush()
            _record(session, saved.id, baseline, run_id=None, found_at=now)
    except IntegrityError:
        # Saved under the same name by another process since the check above.
        raise WatchError(f"there is already a saved search named {name!r}") from None


def remove_watch(archive: Archive, name: str) -> None:
    with archive.session() as session:
        saved = _saved(session, name)
        session.execute(
            delete(SavedSearchMatch).where(SavedSearchMatch.saved_search_id == saved.id)
        )
        session.delete(saved)


def get_watch(archive: Archive, name: str) -> Watch:
    with archive.sessions() as session:
        return Watch.of(_saved(session, name))


def list_watches(archive: Archive) -> list[WatchSummary]:
    """Every saved search, by name, with its counts of matches."""
    new = SavedSearchMatch.found_at > SavedSearch.created_at
    statement = (
        select(
            SavedSearch,
            func.count(SavedSearchMatch.id),
            func.count(SavedSearchMatch.id).filter(new),
            func.max(SavedSearchMatch.found_at),
        )
        .outerjoin(SavedSearchMatch, SavedSearchMatch.saved_search_id == SavedSearch.id)
        .group_by(SavedSearch.id)
        .order_by(SavedSearch.name)
    )
    with archive.sessions() as session:
        return [
            WatchSummary(Watch.of(saved), matches, new_matches, newest)
            for saved, matches, new_matches, newest in session.execute(statement)
        ]


def watch_matches(
    archive: Archive, name: str, *, limit: int, with_baseline: bool = False
) -> tuple[Watch, list[WatchMatch]]:
    """The saved search ``name`` and its ``limit`` latest matches, newest first; those of
    its baseline only if ``with_baseline``."""
    with archive.sessions() as session:
        saved = _saved(session, name)
        statement = _matches_of(saved)
        if not with_baseline:
            statement = statement.where(SavedSearchMatch.found_at > saved.created_at)
        rows = session.execute(statement.limit(limit))
        return Watch.of(saved), [_match(row, saved.created_at) for row in rows]


def check_watches(
    archive: Archive,
    index_dir: Path,
    *,
    run_id: int | None = None,
    names: Iterable[str] | None = None,
) -> list[CheckResult]:
    """Runs every saved search (or those named) against the index and records the articles
    each matches that it had not matched before, with ``run_id``, the crawl that indexed
    them. A search that cannot run (its site no longer indexed, no index) is reported in
    its result, and the others are checked all the same."""
    with archive.sessions() as session:
        if names is None:
            saved = list(session.scalars(select(SavedSearch).order_by(SavedSearch.name)))
        else:
            saved = [_saved(session, name) for name in names]
    return [_check(archive, index_dir, search, run_id) for search in saved]


def _check(
    archive: Archive, index_dir: Path, saved: SavedSearch, run_id: int | None
) -> CheckResult:
    watch = Watch.of(saved)
    try:
        matched = current_matches(index_dir, watch.query, watch.filters, exact=watch.exact)
    except (QueryError, FileNotFoundError) as exc:
        return CheckResult(watch.name, error=str(exc))
    now = utcnow()
    with archive.session() as session:
        recorded = set(
            session.scalars(
                select(SavedSearchMatch.article_id).where(
                    SavedSearchMatch.saved_search_id == saved.id
                )
            )
        )
        new = _record(session, saved.id, matched - recorded, run_id=run_id, found_at=now)
        session.get_one(SavedSearch, saved.id).checked_at = now
    return CheckResult(watch.name, new=new)


def _record(
    session: Session,
    saved_search_id: int,
    article_ids: Collection[int],
    *,
    run_id: int | None,
    found_at: datetime,
) -> int:
    """Records ``article_ids`` as matches of the saved search, in batches; an id the index
    holds but the database no longer does, or one recorded meanwhile, is left out. Returns
    how many were recorded."""
    recorded = 0
    for batch in _batches(sorted(article_ids), INSERT_BATCH):
        already = exists().where(
            SavedSearchMatch.saved_search_id == saved_search_id,
            SavedSearchMatch.article_id == Article.id,
        )
        rows = select(
            literal(saved_search_id, Integer()),
            Article.id,
            literal(run_id, Integer()),
            literal(found_at, UTCDateTime()),
        ).where(Article.id.in_(batch), ~already)
        # SQLAlchemy keeps an INSERT's row count only when asked; psycopg's is lost otherwise.
        result = session.execute(
            insert(SavedSearchMatch).from_select(
                ["saved_search_id", "article_id", "run_id", "found_at"], rows
            ),
            execution_options={"preserve_rowcount": True},
        )
        recorded += result.rowcount
    return recorded


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch


def _saved(session: Session, name: str) -> SavedSearch:
    saved = session.scalar(select(SavedSearch).where(SavedSearch.name == name))
    if saved is None:
        raise WatchError(f"there is no saved search named {name!r}: `watch list` shows them")
    return saved


def _matches_of(saved: SavedSearch) -> Select[Any]:
    text = func.substr(func.coalesce(Article.summary, Article.body), 1, EXCERPT_SOURCE_CHARS)
    return (
        select(
            SavedSearchMatch.article_id,
            SavedSearchMatch.found_at,
            SavedSearchMatch.run_id,
            Article.published,
            Site.key.label("site"),
            Site.name.label("site_name"),
            Article.title,
            Article.url,
            text.label("text"),
        )
        .join(Article, Article.id == SavedSearchMatch.article_id)
        .join(Site, Site.id == Article.site_id)
        .where(SavedSearchMatch.saved_search_id == saved.id)
        .order_by(
            SavedSearchMatch.found_at.desc(),
            Article.published.desc(),
            SavedSearchMatch.article_id.desc(),
        )
    )


def _match(row: Row[Any], created_at: datetime) -> WatchMatch:
    return WatchMatch(
        article_id=row.article_id,
        found_at=row.found_at,
        run_id=row.run_id,
        in_baseline=row.found_at <= created_at,
        published=row.published,
        site=row.site,
        site_name=row.site_name,
        title=row.title,
        url=row.url,
        text=row.text or "",
    )
