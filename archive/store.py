"""Putting what a crawl saw into the archive: sites, runs, captures, articles and versions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.dedup import BodyPrints, fingerprint, group_duplicates
from archive.doctext.result import DocumentText
from archive.models import (
    Article,
    ArticleVersion,
    Attachment,
    Capture,
    Document,
    Image,
    IndexQueueEntry,
    Site,
    utcnow,
)
from archive.references import link_article_references, link_document_references
from archive.urls import canonical_url
from archive.warc import Revisit, WarcLocation, payload_digest

if TYPE_CHECKING:
    from archive.db import Archive
    from archive.extract import ExtractedArticle
    from archive.sites import SiteConfig

_WHITESPACE = re.compile(r"\s+")


class SaveStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SaveResult:
    article_id: int
    status: SaveStatus
    # Other articles whose duplicate group changed with this save.
    regrouped: frozenset[int] = frozenset()


@dataclass(frozen=True)
class DocumentSaveResult:
    is_new: bool  # the first fetch of its URL
    text_changed: bool  # its text is new or differs from the text kept before


@dataclass
class CaptureRecord:
    """One HTTP exchange as the crawler saw it; status 0 and ``error`` when nothing came back."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime = field(default_factory=utcnow)
    warc: WarcLocation | None = None
    error: str | None = None
    # The digest its WARC record states, when ``body`` is not the payload it was taken of
    # (a revisit read back from a WARC file has none).
    stated_digest: str | None = None

    @property
    def payload_digest(self) -> str:
        # The WARC convention (sha1, base32), so captures and WARC records agree.
        return self.stated_digest or payload_digest(self.body)


@dataclass(frozen=True)
class KnownArticle:
    """What the archive knows of an article's current state, to ask the server if it changed."""

    # The latest of its publication, update and Last-Modified times.
    modified: datetime | None
    etag: str | None = None
    last_modified: str | None = None


T = TypeVar("T")


def once_more_on_conflict(save: Callable[[], T]) -> T:
    """``save()``, run again if it inserted a row another process inserted meanwhile (the
    workers of one run share the database): the second time it finds that row."""
    try:
        return save()
    except IntegrityError:
        return save()


def content_hash(title: str | None, body: str) -> str:
    """Hash of what a reader sees; whitespace differences are not a new version."""
    text = _WHITESPACE.sub(" ", f"{title or ''}\n{body}").strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ArchiveStore:
    """Writes to one archive; every method is its own transaction."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def ensure_site(self, config: SiteConfig) -> int:
        """The site's id, the site recorded (or brought up to date) first."""
        return once_more_on_conflict(lambda: self._save_site(config))

    def _save_site(self, config: SiteConfig) -> int:
        with self.archive.session() as session:
            site = session.scalar(select(Site).where(Site.key == config.key))
            if site is None:
                site = Site(key=config.key)
                session.add(site)
            site.name = config.name
            site.base_url = config.base_url
            site.family = config.family
            site.parent_key = config.parent
            session.flush()
            return site.id

    def known_articles(self, site_id: int) -> dict[str, KnownArticle]:
        """The site's archived articles by canonical URL, with the validators of their capture."""
        statement = (
            select(Article.url, Article.published, Article.updated, Capture.headers)
            .outerjoin(Capture, Article.capture_id == Capture.id)
            .where(Article.site_id == site_id)
        )
        with self.archive.sessions() as session:
            return {
                url: _known_article(published, updated, headers or {})
                for url, published, updated, headers in session.execute(statement)
            }

    def known_documents(self) -> set[str]:
        with self.archive.sessions() as session:
            return set(session.scalars(select(Document.url)))

    def articles_attaching(self, url: str) -> list[int]:
        """Ids of the articles that attach the document at ``url``."""
        statement = select(Attachment.article_id).where(Attachment.url == canonical_url(url))
        with self.archive.sessions() as session:
            return sorted(set(session.scalars(statement)))

    def touch_article(self, url: str) -> bool:
        """Marks an article seen unchanged (the server said 304); False if it is not archived."""
        with self.archive.session() as session:
            article = session.scalar(select(Article).where(Article.url == canonical_url(url)))
            if article is None:
                return False
            article.last_seen = utcnow()
            return True

    def record_capture(self, run_id: int | None, site_id: int | None, record: CaptureRecord) -> int:
        with self.archive.session() as session:
            capture = Capture(
                run_id=run_id,
                site_id=site_id,
                url=record.url,
                final_url=record.final_url,
                status=record.status,
                content_type=record.headers.get("Content-Type"),
                headers=dict(record.headers),
                fetched_at=record.fetched_at,
                payload_digest=record.payload_digest,
                size=len(record.body),
                error=record.error,
            )
            if record.warc is not None:
                capture.warc_file = record.warc.file
                capture.warc_offset = record.warc.offset
                capture.warc_length = record.warc.length
                capture.warc_type = record.warc.record_type
            session.add(capture)
            session.flush()
            return capture.id

    def earlier_capture(self, url: str, digest: str) -> Revisit | None:
        """The first archived response for ``url`` with this payload, which a revisit cites."""
        statement = (
            select(Capture.url, Capture.fetched_at)
            .where(
                Capture.url == url,
                Capture.payload_digest == digest,
                Capture.warc_type == "response",
            )
            .order_by(Capture.id)
            .limit(1)
        )
        with self.archive.sessions() as session:
            row = session.execute(statement).first()
        return Revisit(url=row.url, fetched_at=row.fetched_at) if row else None

    def save_document(
        self,
        url: str,
        media_type: str | None,
        size: int,
        read: DocumentText,
        capture_id: int | None,
    ) -> DocumentSaveResult:
        return once_more_on_conflict(
            lambda: self._save_document(url, media_type, size, read, capture_id)
        )

    def _save_document(
        self,
        url: str,
        media_type: str | None,
        size: int,
        read: DocumentText,
        capture_id: int | None,
    ) -> DocumentSaveResult:
        """Keeps the latest fetch of an attached document of ``size`` bytes, with what reading
        it gave."""
        with self.archive.session() as session:
            row = session.scalar(select(Document).where(Document.url == canonical_url(url)))
            is_new = row is None
            if row is None:
                row = Document(url=canonical_url(url))
                session.add(row)
            text_changed = is_new or row.text != read.text
            row.media_type = media_type
            row.size = size
            row.text = read.text
            row.text_status = read.status
            row.converted_from = read.converted_from
            row.pages = read.pages
            row.capture_id = capture_id
            row.fetched_at = utcnow()
            if text_changed:
                # The articles attaching it cite what the document cites, and the index
                # searches its text with each of them.
                link_document_references(session, row)
                attaching = select(Attachment.article_id).where(Attachment.url == row.url)
                enqueue_for_index(session, session.scalars(attaching))
            return DocumentSaveResult(is_new, text_changed)

    def save_article(
        self,
        site_id: int,
        extracted: ExtractedArticle,
        capture_id: int | None,
        prints: BodyPrints | None = None,
    ) -> SaveResult:
        return once_more_on_conflict(
            lambda: self._save_article(site_id, extracted, capture_id, prints)
        )

    def _save_article(
        self,
        site_id: int,
        extracted: ExtractedArticle,
        capture_id: int | None,
        prints: BodyPrints | None,
    ) -> SaveResult:
        """Adds or updates the article at the extracted URL; a changed text is a new version.

        A new or changed article that repeats another one's text is marked as a
        duplicate of the earliest copy. ``prints`` are its body's, if worked out already.
        The article and the copies regrouped with it are queued for the indexer in the
        same transaction, so no index update is lost however the crawl ends.
        """
        digest = content_hash(extracted.title, extracted.body)
        with self.archive.session() as session:
            site = session.get_one(Site, site_id)
            url = canonical_url(extracted.url, site.base_url)
            article = session.scalar(select(Article).where(Article.url == url))
            if article is None:
                article = Article(site_id=site_id, url=url, first_seen=utcnow())
                session.add(article)
                status = SaveStatus.NEW
            elif article.content_hash == digest:
                article.last_seen = utcnow()
                article.capture_id = capture_id
                return SaveResult(article.id, SaveStatus.UNCHANGED)
            else:
                status = SaveStatus.UPDATED
            _fill_article(article, extracted, digest, capture_id, prints)
            link_article_references(session, article)
            article.versions.append(
                ArticleVersion(
                    content_hash=digest,
                    title=extracted.title,
                    body=extracted.body,
                    capture_id=capture_id,
                )
            )
            session.flush()
            regrouped = group_duplicates(session, article)
            enqueue_for_index(session, [article.id, *regrouped])
            return SaveResult(article.id, status, frozenset(regrouped))

    def index_queue(self, limit: int) -> list[tuple[int, int]]:
        """(entry id, article id) of the ``limit`` oldest entries of the index queue."""
        statement = (
            select(IndexQueueEntry.id, IndexQueueEntry.article_id)
            .order_by(IndexQueueEntry.id)
            .limit(limit)
        )
        with self.archive.sessions() as session:
            return [(entry, article) for entry, article in session.execute(statement)]

    def index_queue_length(self) -> int:
        with self.archive.sessions() as session:
            return session.scalar(select(func.count(IndexQueueEntry.id))) or 0

    def forget_indexed(self, entry_ids: Iterable[int]) -> None:
        """Deletes entries the indexer is done with; an article queued again since keeps its
        newer entry."""
        with self.archive.session() as session:
            session.execute(delete(IndexQueueEntry).where(IndexQueueEntry.id.in_(list(entry_ids))))


def enqueue_for_index(session: Session, article_ids: Iterable[int]) -> None:
    """Queues articles for the indexer within ``session``'s transaction."""
    session.add_all(IndexQueueEntry(article_id=article_id) for article_id in set(article_ids))


def _fill_article(
    article: Article,
    extracted: ExtractedArticle,
    digest: str,
    capture_id: int | None,
    prints: BodyPrints | None,
) -> None:
    article.title = extracted.title
    article.summary = extracted.summary
    article.body = extracted.body
    article.published = extracted.published
    article.updated = extracted.updated
    article.author = extracted.author
    article.source = extracted.source
    article.category = extracted.category
    article.language = extracted.language
    article.missing = " ".join(extracted.missing)
    article.profile = extracted.profile
    article.content_hash = digest
    fingerprint(article, prints)
    article.capture_id = capture_id
    article.last_seen = utcnow()
    article.images = [Image(src=image.src, caption=image.caption) for image in extracted.images]
    article.attachments = [
        Attachment(url=canonical_url(item.url), name=item.name, media_type=item.media_type)
        for item in extracted.attachments
    ]


def _known_article(
    published: datetime | None, updated: datetime | None, headers: Mapping[str, str]
) -> KnownArticle:
    lowered = {name.lower(): value for name, value in headers.items()}
    last_modified = lowered.get("last-modified")
    times = [moment for moment in (published, updated, _http_date(last_modified)) if moment]
    return KnownArticle(
        modified=max(times) if times else None,
        etag=lowered.get("etag"),
        last_modified=last_modified,
    )


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
