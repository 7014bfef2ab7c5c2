"""What extraction produces; re-exported by :mod:`archive.extract`.

The records live here rather than in ``archive.extract`` so that profiles can
build them without importing the module that imports the profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The fields without which a capture is not a usable article; ``missing`` names them.
REQUIRED_FIELDS = ("title", "published", "body")
# The fields a crawl report counts the articles without, per site. An article without an
# author is still usable, but a site where most lack one is a site whose sign-offs go unread.
REPORTED_FIELDS = ("title", "published", "author", "body")


@dataclass
class ImageRef:
    src: str
    caption: str | None


@dataclass
class AttachmentRef:
    url: str
    name: str | None
    media_type: str | None


@dataclass
class ExtractedArticle:
    url: str
    title: str | None
    summary: str | None
    body: str
    published: datetime | None
    updated: datetime | None
    author: str | None
    category: str | None
    language: str
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    # The outlet or document the article credits ("Nguồn: Báo Hà Tĩnh").
    source: str | None = None
    profile: str = "generic"
    missing: list[str] = field(default_factory=list)
