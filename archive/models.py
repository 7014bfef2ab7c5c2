"""What the archive keeps: sites, crawl runs, captures, articles and their versions.

Times are stored as UTC and come back timezone-aware; portals show
Asia/Ho_Chi_Minh time, which is a display concern (see ``archive.dates``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Select,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as naive UTC.

    SQLite has no timezone type; normalising to UTC on the way in keeps
    ordering and range filters correct on every backend.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the archive stores aware times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# PostgreSQL's btree index rows take at most 2704 bytes, and a character up to 4 in UTF-8.
MAX_INDEXED_TEXT_CHARS = 600


def _storable(value: str | None, max_chars: int | None) -> str | None:
    if value is None:
        return None
    # PostgreSQL refuses NUL characters in text, which a broken page or document may hold;
    # SQLite keeps them: the same text is stored on both without.
    value = value.replace("\x00", "")
    return value if max_chars is None else value[:max_chars]


class StoredText(TypeDecorator[str]):
    """Text as every backend can store it; ``max_chars`` bounds a column that is indexed."""

    impl = Text
    cache_ok = True

    def __init__(self, max_chars: int | None = None) -> None:
        super().__init__()
        self.max_chars = max_chars

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return _storable(value, self.max_chars)


class StoredString(TypeDecorator[str]):
    """A string of at most the column's length. PostgreSQL refuses a longer one where SQLite
    keeps it whole: a page's or a server's longer value (an author line, a Content-Type)
    keeps its first characters on both."""

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return _storable(value, self.length)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(StoredString(100), unique=True)
    name: Mapped[str] = mapped_column(StoredString(300))
    base_url: Mapped[str] = mapped_column(StoredString(2000))
    family: Mapped[str] = mapped_column(StoredString(50))
    parent_key: Mapped[str | None] = mapped_column(StoredString(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="site")


class CrawlRun(Base):
    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    sites: Mapped[str] = mapped_column(StoredText)  # space-separated site keys
    mode: Mapped[str] = mapped_column(StoredString(20), default="full")
    status: Mapped[str] = mapped_column(StoredString(20), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # How often the run was resumed after a kill or a stop; each part counts in rows of its own.
    resumed: Mapped[int] = mapped_column(default=0)

    site_modes: Mapped[list[RunSiteMode]] = relationship(order_by="RunSiteMode.id")
    site_counters: Mapped[list[RunSiteCounters]] = relationship(order_by="RunSiteCounters.id")


class RunSiteMode(Base):
    """Whether a run crawls a site in full or incrementally, chosen once per run and site."""

    __tablename__ = "run_site_mode"
    __table_args__ = (UniqueConstraint("run_id", "site_key", name="uq_run_site_mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id"))
    site_key: Mapped[str] = mapped_column(StoredString(100))
    mode: Mapped[str] = mapped_column(StoredString(20))


class RunSiteCounters(Base):
    """What one process (``worker``) counted of a site in one part of a run.

    Each process only ever rewrites its own row, so processes crawling the same run never
    overwrite each other's counts; a site's counters over the run merge its rows
    (``archive.runs``).
    """

    __tablename__ = "run_site_counters"
    __table_args__ = (
        UniqueConstraint("run_id", "site_key", "worker", "part", name="uq_run_site_counters"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    site_key: Mapped[str] = mapped_column(StoredString(100))
    worker: Mapped[str] = mapped_column(StoredString(100))
    # The run's ``resumed`` count when the process started.
    part: Mapped[int] = mapped_column(Integer)
    # ``archive.runs.SiteCounters.to_dict``.
    counters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Capture(Base):
    __tablename__ = "capture"
    __table_args__ = (Index("ix_capture_url", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    url: Mapped[str] = mapped_column(StoredText)
    final_url: Mapped[str] = mapped_column(StoredText)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(StoredString(200))
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload_digest: Mapped[str] = mapped_column(StoredString(80))
    size: Mapped[int] = mapped_column(Integer)
    # Where the exchange's WARC response (or revisit) record starts, relative to
    # DATA/warc/, and how many (compressed) bytes it takes there.
    warc_file: Mapped[str | None] = mapped_column(StoredText)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)
    # "response", or "revisit" when the payload equals an earlier capture of the URL.
    warc_type: Mapped[str | None] = mapped_column(StoredString(20))
    # Why no response came back (status 0): DNS, refused, timeout… Such exchanges
    # have no WARC record; this row and the run's counters are their evidence.
    error: Mapped[str | None] = mapped_column(StoredText)


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_site_published", "site_id", "published"),
        Index("ix_article_content_hash", "content_hash"),
        # Copies imported through RSS keep the title: see archive.dedup.
        Index("ix_article_title", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    url: Mapped[str] = mapped_column(StoredText, unique=True)  # canonical URL
    title: Mapped[str | None] = mapped_column(StoredText(MAX_INDEXED_TEXT_CHARS))
    summary: Mapped[str | None] = mapped_column(StoredText)
    body: Mapped[str] = mapped_column(StoredText, default="")
    published: Mapped[datetime | None]
    updated: Mapped[datetime | None]
    author: Mapped[str | None] = mapped_column(StoredString(300))
    source: Mapped[str | None] = mapped_column(StoredText)  # "Nguồn: …": where the text came from
    category: Mapped[str | None] = mapped_column(StoredString(300))
    language: Mapped[str] = mapped_column(StoredString(10), default="vi")
    # Fields the extractor looked for and could not find; never filled by guessing.
    missing: Mapped[str] = mapped_column(StoredString(100), default="")
    profile: Mapped[str] = mapped_column(StoredString(50), default="")
    content_hash: Mapped[str] = mapped_column(StoredString(64))
    # Hash of the normalised body alone: the same text under another title or URL.
    body_hash: Mapped[str | None] = mapped_column(StoredString(64), index=True)
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    # The SimHash in four 16-bit bands, indexed: see archive.dedup.
    simhash_band0: Mapped[int | None] = mapped_column(Integer, index=True)
    simhash_band1: Mapped[int | None] = mapped_column(Integer, index=True)
    simhash_band2: Mapped[int | None] = mapped_column(Integer, index=True)
    simhash_band3: Mapped[int | None] = mapped_column(Integer, index=True)
    # Indexed: every save looks up the copies of the articles it regroups.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(back_populates="articles", lazy="joined")
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.id", cascade="all, delete-orphan"
    )
    images: Mapped[list[Image]] = relationship(cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(cascade="all, delete-orphan")
    references: Mapped[list[ArticleReference]] = relationship(cascade="all, delete-orphan")
    duplicate_of: Mapped[Article | None] = relationship(remote_side=[id])

    @property
    def site_key(self) -> str:
        return self.site.key

    @property
    def duplicate_of_url(self) -> str | None:
        return self.duplicate_of.url if self.duplicate_of is not None else None


class ArticleVersion(Base):
    __tablename__ = "article_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    content_hash: Mapped[str] = mapped_column(StoredString(64))
    title: Mapped[str | None] = mapped_column(StoredText)
    body: Mapped[str] = mapped_column(StoredText)
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))

    article: Mapped[Article] = relationship(back_populates="versions")


class Image(Base):
    __tablename__ = "image"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    src: Mapped[str] = mapped_column(StoredText)
    caption: Mapped[str | None] = mapped_column(StoredText)


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    # Canonical, like ``Document.url``: the attachment's document is the one at its URL,
    # fetched before or after the article, and shared by every article that attaches it.
    url: Mapped[str] = mapped_column(StoredText, index=True)
    name: Mapped[str | None] = mapped_column(StoredText)
    media_type: Mapped[str | None] = mapped_column(StoredString(200))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))

    document: Mapped[Document | None] = relationship(
        primaryjoin="foreign(Attachment.url) == Document.url", viewonly=True, lazy="select"
    )

    @property
    def text(self) -> str | None:
        """The text of the attached document, once it is fetched and read."""
        return self.document.text if self.document is not None else None


class Document(Base):
    """A document file an article attaches, as fetched: its media type and its text in
    Unicode, with how the text was had (``text_status``)."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(StoredText, unique=True)  # canonical URL
    media_type: Mapped[str | None] = mapped_column(StoredString(200))
    size: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(StoredText)
    # How the text was read (archive.doctext.TextStatus): "text", "partial" (cut at the page or
    # character limit), "scanned" (pages without a text layer), "unsupported", "failed",
    # "too-large", "timeout", "skipped" (document text turned off for the crawl); None for
    # documents fetched before it was recorded.
    text_status: Mapped[str | None] = mapped_column(StoredString(20))
    # The pre-Unicode encoding the text was converted from ("tcvn3", "vni"), if any.
    converted_from: Mapped[str | None] = mapped_column(StoredString(20))
    pages: Mapped[int | None] = mapped_column(Integer)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegalReference(Base):
    """A legal document ("văn bản") that articles cite, by its number: "81/2004/QĐ-UB" is
    decision (QĐ) 81 of 2004 issued by the people's committee (UB)."""

    __tablename__ = "legal_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The normalised number ("81/2004/QĐ-UB"), what ``ref:`` searches and pages name.
    key: Mapped[str] = mapped_column(StoredString(200), unique=True)
    # ``key`` without diacritics, lower-case ("81/2004/qd-ub"): a query typed without them.
    folded_key: Mapped[str] = mapped_column(StoredString(200), index=True)
    # The abbreviation ("QĐ", "NQ", "TT"…), "CV" for an official letter, "Luật" for a law.
    kind: Mapped[str] = mapped_column(StoredString(20))
    kind_name: Mapped[str | None] = mapped_column(StoredString(100))  # "Quyết định", …
    number: Mapped[str] = mapped_column(StoredString(50))
    year: Mapped[int | None] = mapped_column(Integer)
    # "UBND", "CP", "TTg"…: of a letter ("1234/UBND-KT1") the body, not the drafting unit.
    issuer: Mapped[str | None] = mapped_column(StoredString(100))


class ArticleReference(Base):
    """That an article cites a legal document, and where: its title, body or attached documents."""

    __tablename__ = "article_reference"
    __table_args__ = (
        UniqueConstraint("article_id", "reference_id", "place", name="uq_article_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    reference_id: Mapped[int] = mapped_column(ForeignKey("legal_reference.id"), index=True)
    place: Mapped[str] = mapped_column(StoredString(20))  # "title", "body" or "document"
    # The reference as the article writes it ("Quyết định số 81/2004/QĐ-UB").
    cited_as: Mapped[str | None] = mapped_column(StoredText)

    reference: Mapped[LegalReference] = relationship(lazy="joined")


class SavedSearch(Base):
    """A search a researcher keeps watching: each crawl records the articles newly matching it."""

    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(StoredString(100), unique=True)
    query: Mapped[str | None] = mapped_column(StoredText)
    # The search's filters as ``search.filters.SearchFilters`` writes them.
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    exact: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None]


class SavedSearchMatch(Base):
    """An article that matched a saved search, and when it was first found to."""

    __tablename__ = "saved_search_match"
    __table_args__ = (
        UniqueConstraint("saved_search_id", "article_id", name="uq_saved_search_match"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_search.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    found_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FrontierRequest(Base):
    """A request a crawl run scheduled for a site, kept so that a killed crawl can resume.

    A request is done once everything its response produced is safe: the
    requests it found recorded here, its article or document stored. A run that
    finishes deletes its rows.
    """

    __tablename__ = "frontier_request"
    __table_args__ = (
        UniqueConstraint("run_id", "site_key", "fingerprint", name="uq_frontier_request"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id"))
    site_key: Mapped[str] = mapped_column(StoredString(100))
    # Scrapy's request fingerprint (hex), what its duplicate filter compares.
    fingerprint: Mapped[str] = mapped_column(StoredString(64))
    url: Mapped[str] = mapped_column(StoredText)
    # The request as Scrapy's ``Request.to_dict`` gives it, pickled: its meta
    # holds the dates listings show, which JSON has no type for.
    request: Mapped[bytes] = mapped_column(LargeBinary)
    done: Mapped[bool] = mapped_column(default=False)


class IndexQueueEntry(Base):
    """An article whose entry in the search index is out of date, waiting for the indexer.

    Crawl processes only add rows; the one process that writes the index reads them
    in order and deletes those it indexed, so a crawl never waits on the index lock.
    """

    __tablename__ = "index_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


def with_what_the_index_reads(statement: Select[tuple[Article]]) -> Select[tuple[Article]]:
    """``statement`` loading, with its articles, what the search index reads of them beyond
    their columns (their attachments and the text of their documents, the legal documents
    they cite, the original they copy), in a query per batch instead of one per article."""
    return statement.options(
        selectinload(Article.attachments).selectinload(Attachment.document),
        selectinload(Article.references),
        joinedload(Article.duplicate_of),
    )
