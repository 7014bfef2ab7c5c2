"""Plain data types shared by the generator, the families and the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str
    # Selects the title and sentence pools, so a culture section reads like one.
    topic: str


@dataclass(frozen=True, slots=True)
class SiteDef:
    key: str
    name: str
    family: str
    categories: tuple[Category, ...]
    context: str = ""
    parent: str | None = None
    # Relative share of the generated articles this site receives.
    weight: int = 1
    # What a generated family is drawn from; empty for the hand-written families.
    family_seed: str = ""
    # Every so many of the site's articles (the fourth, then each n-th) is served in NFD.
    nfd_every: int = 0


@dataclass(frozen=True, slots=True)
class SiteRecord:
    """A running site as tests, the demo and the sites TOML see it."""

    key: str
    name: str
    family: str
    base_url: str
    start_url: str
    parent: str | None = None


@dataclass(slots=True)
class Article:
    """Cheap per-article metadata; the body is regenerated on demand from `id`."""

    id: int
    site: str
    category: Category
    title: str
    published: datetime
    author: str
    path: str = ""
    # Some pages are served in NFD (combining marks) as a few real publishers do.
    nfd: bool = False
    # A republished copy (an RSS import) names the id of the article it copies.
    original: int | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document attached to an article ("văn bản"), served as real bytes."""

    path: str
    name: str
    media_type: str
    # How its text is held: "text" (Unicode), "tcvn3" (the pre-Unicode ABC encoding old
    # documents were typed in) or "scanned" (page images without text).
    kind: str = "text"

    @property
    def legacy(self) -> bool:
        return self.kind == "tcvn3"


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of an article body: a paragraph, a subheading or a captioned image."""

    kind: str  # "p", "h" or "img"
    text: str
    image: str = ""


@dataclass(slots=True)
class Body:
    summary: str
    blocks: list[Block] = field(default_factory=list)
