"""Test doubles for the search tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

VN = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class FakeAttachment:
    media_type: str | None
    name: str | None = None
    text: str | None = None
    url: str = "https://stttt.hatinh.gov.vn/van-ban/tep.pdf"


@dataclass(frozen=True)
class FakeCitedDocument:
    folded_key: str
    kind: str
    issuer: str | None


@dataclass(frozen=True)
class FakeCitation:
    reference: FakeCitedDocument


@dataclass
class FakeArticle:
    """Stands in for archive.models.Article: the attributes the index reads."""

    id: int
    body: str
    title: str | None = None
    summary: str | None = None
    url: str = ""
    site_key: str = "stttt.hatinh"
    published: datetime | None = None
    author: str | None = None
    category: str | None = None
    content_hash: str = "hash"
    duplicate_of_url: str | None = None
    language: str = "vi"
    attachments: tuple[FakeAttachment, ...] = ()
    references: tuple[FakeCitation, ...] = ()

    def __post_init__(self) -> None:
        self.url = self.url or f"https://stttt.hatinh.gov.vn/a/{self.id}"
