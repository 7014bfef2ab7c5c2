"""Saved searches on the web: the page listing them, and an Atom feed of each one's new
matches.

A feed lists what a saved search found after it was saved (its baseline left
out), newest first: each entry links to the archived article and, when it is an
http(s) URL, to the original. The feed is built as an XML tree, so every text of
an archived page is escaped by the serialiser; characters XML 1.0 cannot carry
at all (most control characters) are dropped first.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree import ElementTree as ET

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from archive.dates import local_iso
from archive.export import site_names
from archive.urls import is_web_url
from portal_archive.web import results as shown
from portal_archive.web.config import config_of
from portal_archive.web.params import SearchParams
from portal_archive.web.templating import render
from search.watches import NAME_PATTERN, Watch, WatchError, WatchMatch, list_watches, watch_matches

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
# Entries of a feed: a reader polls it, so it shows what is recent, not the whole history.
FEED_ENTRIES = 50
# Characters of an entry's summary.
SUMMARY_CHARS = 280
# What XML 1.0 has no way to write, even as a character reference.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


def watches_page(request: Request) -> Response:
    """Every saved search with its counts, the search it runs and its feed."""
    config = config_of(request)
    names = site_names(config.archive)
    rows = [
        {
            "summary": summary,
            "search_link": _params(summary.watch).link("/"),
            "filters": [
                active.label for active in shown.active_filters(_params(summary.watch), names)
            ],
            "feed": request.url_for("feed", name=summary.watch.name).path,
        }
        for summary in list_watches(config.archive)
    ]
    return render(request, "watches.html", {"rows": rows})


def feed(request: Request) -> Response:
    """The Atom feed of a saved search's new matches; 404 for a name no search has."""
    name = request.path_params["name"]
    if not NAME_PATTERN.fullmatch(name):
        raise HTTPException(404, "Không có tìm kiếm đã lưu này.")
    try:
        watch, matches = watch_matches(config_of(request).archive, name, limit=FEED_ENTRIES)
    except WatchError:
        raise HTTPException(404, "Không có tìm kiếm đã lưu này.") from None
    document = atom_feed(request, watch, matches)
    body = ET.tostring(document, encoding="unicode", xml_declaration=False)
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        headers={"content-type": ATOM_MEDIA_TYPE},
    )


def atom_feed(request: Request, watch: Watch, matches: list[WatchMatch]) -> ET.Element:
    root = ET.Element("feed", xmlns=ATOM_NAMESPACE)
    _text(root, "id", _tag_uri(watch))
    _text(root, "title", f"{watch.name} — portal-archive")
    _text(root, "subtitle", f"Bài mới khớp với tìm kiếm: {_described(watch)}")
    newest = matches[0].found_at if matches else watch.checked_at or watch.created_at
    _text(root, "updated", _atom_time(newest))
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=str(request.url))
    alternate = str(request.base_url).rstrip("/") + _params(watch).link("/")
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=alternate)
    author = ET.SubElement(root, "author")
    _text(author, "name", "portal-archive")
    _text(root, "generator", "portal-archive")
    for match in matches:
        _entry(root, request, watch, match)
    return root


def _entry(root: ET.Element, request: Request, watch: Watch, match: WatchMatch) -> None:
    entry = ET.SubElement(root, "entry")
    _text(entry, "id", f"{_tag_uri(watch)}/article/{match.article_id}")
    _text(entry, "title", _one_line(match.title or "") or "(không có tiêu đề)")
    _text(entry, "updated", _atom_time(match.found_at))
    if match.published is not None:
        _text(entry, "published", _atom_time(match.published))
    archived = str(request.url_for("article", article_id=match.article_id))
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=archived)
    if is_web_url(match.url):
        ET.SubElement(entry, "link", rel="related", type="text/html", href=_clean(match.url))
    ET.SubElement(entry, "category", term=match.site, label=_clean(match.site_name))
    summary = _excerpt(match.text)
    if summary:
        _text(entry, "summary", summary)


def _tag_uri(watch: Watch) -> str:
    """A feed id that stays the same wherever the interface is served from, and differs for
    a search saved again under the same name (RFC 4151)."""
    return f"tag:portal-archive,{watch.created_at:%Y-%m-%d}:watch/{watch.name}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _atom_time(moment: datetime) -> str:
    return local_iso(moment) or ""


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", _clean(text)).strip()


def _excerpt(text: str) -> str:
    """The start of an article's text on one line, cut at a word."""
    flat = _one_line(text)
    if len(flat) <= SUMMARY_CHARS:
        return flat
    return flat[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def _params(watch: Watch) -> SearchParams:
    return SearchParams(query=watch.query, filters=watch.filters, exact=watch.exact)


def _described(watch: Watch) -> str:
    parts = [f"“{watch.query}”"] if watch.query else []
    parts += [active.label for active in shown.active_filters(_params(watch), {})]
    return _clean(", ".join(parts))
