"""Turn one captured portal page into an :class:`ExtractedArticle`.

The page is decoded (valid UTF-8 wins over a wrong declared charset), parsed
with lxml, and handed to the profile of its CMS family: given, named, or
detected from the markup and URL; of a family, the version whose template the
page uses reads it. Pages of unknown CMSs go to the generic profile. Fields
that cannot be found stay empty and are listed in ``missing``.
"""

from __future__ import annotations

from archive.profiles import Family, Profile, get_family, resolve_profile
from archive.profiles.records import (
    REQUIRED_FIELDS,
    AttachmentRef,
    ExtractedArticle,
    ImageRef,
)
from archive.text import parse_html

__all__ = ["AttachmentRef", "ExtractedArticle", "ImageRef", "extract_article", "parse_html"]


def extract_article(
    html: str | bytes, url: str, profile: Profile | Family | str | None = None
) -> ExtractedArticle:
    """Extract the article of one page; ``profile`` is a Profile, a Family, a family name or
    None (detected)."""
    if isinstance(profile, str):
        # An unknown family is the caller's mistake, whatever the page holds.
        get_family(profile)
    tree = parse_html(html)
    if tree is None:
        return _empty_article(url)
    return resolve_profile(tree, url, profile).parse(tree, url)


def _empty_article(url: str) -> ExtractedArticle:
    return ExtractedArticle(
        url=url,
        title=None,
        summary=None,
        body="",
        published=None,
        updated=None,
        author=None,
        category=None,
        language="vi",
        missing=list(REQUIRED_FIELDS),
    )
