"""What the archive holds for one URL: the article, its versions with diffs, the archived bytes."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from archive.db import Archive, ArchiveError
from archive.models import Article, ArticleVersion, Capture, Site
from archive.urls import canonical_url
from archive.warc import READ_ERRORS, StoredResponse, read_response


@dataclass(frozen=True)
class VersionEntry:
    number: int
    captured_at: datetime
    title: str | None
    content_hash: str
    diff: list[str]  # unified diff from the previous version; empty for the first


def find_article(session: Session, url: str) -> Article:
    """The article at ``url`` (any spelling of it); ArchiveError when there is none, saying
    whether the URL was fetched at all."""
    article = session.scalar(select(Article).where(Article.url.in_({url, canonical_url(url)})))
    if article is None:
        article = _article_by_site_spelling(session, url)
    if article is not None:
        return article
    if session.scalar(_captures_of({url, canonical_url(url)}).limit(1)) is None:
        raise ArchiveError(f"no article archived at {url}: it was never fetched")
    raise ArchiveError(
        f"no article archived at {url}: it was fetched but is not an article"
        " (show --raw prints what was fetched)"
    )


def _article_by_site_spelling(session: Session, url: str) -> Article | None:
    # The stored URL is canonical for its site (http/https, www): try each site's spelling.
    for base_url in session.scalars(select(Site.base_url)):
        candidate = canonical_url(url, base_url)
        article = session.scalar(select(Article).where(Article.url == candidate))
        if article is not None:
            return article
    return None


def version_history(archive: Archive, url: str) -> tuple[Article, list[VersionEntry]]:
    """The article and each distinct text it has had, oldest first, with what changed."""
    with archive.sessions() as session:
        article = find_article(session, url)
        versions = session.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article.id)
            .order_by(ArticleVersion.id)
        ).all()
        return article, list(_entries(versions))


def _entries(versions: list[ArticleVersion]) -> Iterator[VersionEntry]:
    previous: list[str] = []
    for number, version in enumerate(versions, start=1):
        lines = _text_lines(version)
        diff = (
            list(
                difflib.unified_diff(
                    previous, lines, f"version {number - 1}", f"version {number}", lineterm=""
                )
            )
            if number > 1
            else []
        )
        yield VersionEntry(number, version.captured_at, version.title, version.content_hash, diff)
        previous = lines


def _text_lines(version: ArticleVersion) -> list[str]:
    return [f"# {version.title or ''}", *version.body.splitlines()]


def archived_response(
    archive: Archive, warc_dir: Path, url: str, at: datetime | None = None
) -> StoredResponse:
    """The archived response for ``url`` (a fetched URL or an article's) captured closest to
    ``at``, or the last one, read from its WARC file; a revisit is followed to the response
    whose payload it repeats."""
    with archive.sessions() as session:
        capture = _last_capture(session, url)
        if at is not None:
            capture = _capture_closest_to(session, capture.url, at)
        if capture.warc_type == "revisit":
            capture = _revisited(session, capture)
    if capture.warc_file is None or capture.warc_offset is None:
        raise ArchiveError(f"the capture of {url} has no WARC record")
    try:
        return read_response(warc_dir / capture.warc_file, capture.warc_offset)
    except READ_ERRORS as exc:
        raise ArchiveError(f"cannot read {capture.warc_file}@{capture.warc_offset}: {exc}") from exc


def _captures_of(urls: set[str]) -> Select[tuple[Capture]]:
    """Captures with a WARC record that requested, or were redirected to, one of ``urls``."""
    return select(Capture).where(
        or_(Capture.url.in_(urls), Capture.final_url.in_(urls)), Capture.warc_file.is_not(None)
    )


def _last_capture(session: Session, url: str) -> Capture:
    capture = session.scalar(_captures_of({url}).order_by(Capture.id.desc()).limit(1))
    if capture is not None:
        return capture
    article = find_article(session, url)
    if article.capture_id is None:
        raise ArchiveError(f"no capture recorded for {url}")
    return session.get_one(Capture, article.capture_id)


def _capture_closest_to(session: Session, url: str, at: datetime) -> Capture:
    """The capture of ``url`` nearest in time to ``at``, before or after it."""
    before = session.scalar(
        _captures_of({url})
        .where(Capture.fetched_at <= at)
        .order_by(Capture.fetched_at.desc())
        .limit(1)
    )
    after = session.scalar(
        _captures_of({url}).where(Capture.fetched_at > at).order_by(Capture.fetched_at).limit(1)
    )
    nearest = [capture for capture in (before, after) if capture is not None]
    return min(nearest, key=lambda capture: abs(capture.fetched_at - at))


def _revisited(session: Session, revisit: Capture) -> Capture:
    original = session.scalar(
        select(Capture)
        .where(
            Capture.url == revisit.url,
            Capture.payload_digest == revisit.payload_digest,
            Capture.warc_type == "response",
        )
        .order_by(Capture.id)
        .limit(1)
    )
    if original is None:
        raise ArchiveError(f"the revisit of {revisit.url} refers to a response not archived")
    return original
