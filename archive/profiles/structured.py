"""What a page says about itself for machines: JSON-LD, Open Graph, microdata, ``<time>``.

Publishers that declare an article this way declare its type, headline,
publication and update times and authors explicitly, so where it is there it
is the strongest evidence a reader has; it is also the only place some sites
give a date at all. Provincial portals rarely have it, which is why the
generic reader never depends on it. Everything here is hostile input: JSON
that does not parse, types that are lists, authors that are strings, objects
or lists of either, and values of any size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from archive.dates import find_dates
from archive.text import clean_line

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "blogposting", "socialmediaposting", "scholarlyarticle", "techarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
        "liveblogposting", "pressrelease",
    }
)  # fmt: skip
# A script that large is a data dump, not a page's description of itself.
MAX_JSON_LD_CHARS = 500_000
MAX_NAME_CHARS = 120

_JSON_LD = "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]/text()"
_META = "//meta[@property={0} or @name={0} or @itemprop={0}]/@content"
_PUBLISHED_META = ("article:published_time", "datePublished", "pubdate", "publishdate", "date")
_UPDATED_META = ("article:modified_time", "dateModified", "og:updated_time")
_ITEMPROP_TIME = "//*[@itemprop='{0}']/@datetime | //*[@itemprop='{0}'][not(@content)]/text()"


@dataclass
class Declared:
    """The page's own declarations, each ``None``/empty where it declares nothing."""

    is_article: bool = False
    headline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)


def declared(tree: HtmlElement) -> Declared:
    """JSON-LD first (explicit types), then meta tags and microdata."""
    found = Declared()
    for node in _json_ld_nodes(tree):
        if not _is_article_node(node):
            continue
        found.is_article = True
        found.headline = found.headline or _text(node.get("headline"))
        found.published = found.published or _date(node.get("datePublished"))
        found.updated = found.updated or _date(node.get("dateModified"))
        found.authors = found.authors or list(_names(node.get("author")))
    og_type = tree.xpath("string(//meta[@property='og:type']/@content)").strip().lower()
    found.is_article = found.is_article or og_type == "article"
    found.published = found.published or _first_date(tree, _PUBLISHED_META, "datePublished")
    found.updated = found.updated or _first_date(tree, _UPDATED_META, "dateModified")
    if not found.authors:
        found.authors = [
            name
            for value in tree.xpath(_META.format("'article:author'"))
            if (name := _person(value))
        ]
    return found


def _json_ld_nodes(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath(_JSON_LD):
        if len(script) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(script)
        except ValueError:
            continue
        yield from _nodes(data, depth=0)


def _nodes(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    # @graph and lists nest; a few levels are all that real pages use.
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), list | dict):
                yield from _nodes(data[key], depth + 1)


def _is_article_node(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.lower() in ARTICLE_TYPES for kind in kinds)


def _names(author: Any) -> Iterator[str]:
    authors = author if isinstance(author, list) else [author]
    for one in authors[:10]:
        name = one.get("name") if isinstance(one, dict) else one
        if (person := _person(name)) is not None:
            yield person


def _person(value: Any) -> str | None:
    """A name, not a profile URL or a paragraph."""
    name = _text(value)
    if not name or len(name) > MAX_NAME_CHARS or name.startswith(("http://", "https://", "/")):
        return None
    return name


def _text(value: Any) -> str | None:
    return clean_line(value) or None if isinstance(value, str) else None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    found = next(find_dates(value[:100]), None)
    return found.value if found else None


def _first_date(tree: HtmlElement, meta_names: tuple[str, ...], itemprop: str) -> datetime | None:
    values = [
        *(value for name in meta_names for value in tree.xpath(_META.format(f"'{name}'"))),
        *tree.xpath(_ITEMPROP_TIME.format(itemprop)),
    ]
    return next(filter(None, map(_date, values)), None)
