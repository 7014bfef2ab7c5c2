"""What the spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ArticlePage:
    """A fetched page that the site's profile takes for an article."""

    url: str
    site_key: str
    html: str
    capture_id: int | None = None
    # Filled in by the archive pipeline for the pipelines after it.
    article_id: int | None = None
    save_status: str | None = None


@dataclass
class AttachedDocument:
    """A document file (PDF, DOC, …) that an article page links to."""

    url: str
    media_type: str | None
    body: bytes
    capture_id: int | None = None
    # Set by the archive pipeline: whether the text the archive keeps of it is new or changed
    # (the store then queued the articles that attach it for the indexer).
    text_changed: bool = False


@dataclass
class FetchFailure:
    """A page or document that could not be fetched, after whatever retries made sense."""

    url: str
    reason: str


CrawlItem = ArticlePage | AttachedDocument | FetchFailure
