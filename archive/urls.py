"""Canonical URLs: one spelling per page, whatever session or tracking noise a link carried."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SESSION_PATH_PARAM = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
# Session ids, click trackers, Liferay portlet state (p_p_*) and print switches.
_NOISE_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|zarsrc|jsessionid|phpsessid|p_p_\w+|print|printable)$",
    re.IGNORECASE,
)
# Alternative views of the same article: NukeViet's /savefile/ and /print/, /in-bai/ pages.
_VIEW_SEGMENTS = frozenset({"savefile", "print", "printpage", "in-bai"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Session ids in the query: names CMSs use, with a value long enough to be a token rather
# than, say, a section id (``?sid=12``).
_SESSION_PARAMS = frozenset({"sid", "sessid", "sessionid", "session_id", "phpsessid", "jsessionid"})
_SESSION_TOKEN = re.compile(r"^[0-9A-Za-z_-]{16,}$")


def without_session(url: str) -> str:
    """The URL without session ids, which would make every visit's links new ones.

    Nothing else is dropped: Liferay's ``p_p_*`` parameters look like noise but
    route the pager's parameters to their portlet.
    """
    parts = urlsplit(url)
    path = _SESSION_PATH_PARAM.sub("", parts.path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_session_param(k, v)]
    if path == parts.path and len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(path=path, query=urlencode(kept)))


def _is_session_param(name: str, value: str) -> bool:
    return name.lower() in _SESSION_PARAMS and bool(_SESSION_TOKEN.match(value))


def canonical_url(url: str, site_base_url: str | None = None) -> str:
    """Lower-case scheme and host, no default port, fragment, session id, tracking parameter
    or print/savefile view.

    With the site's base URL, the http/https and ``www.``/bare-host spellings of
    the site's own host become the base URL's: portals link to themselves both
    ways. The path keeps its case: NukeViet and SharePoint aliases are
    case-sensitive on some servers.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if site_base_url is not None:
        scheme, host, port = _site_spelling(scheme, host, port, site_base_url)
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _without_view_segments(_SESSION_PATH_PARAM.sub("", parts.path)) or "/"
    query = [(k, v.strip()) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not (_NOISE_PARAMS.match(k) or _is_session_param(k, v))]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _site_spelling(
    scheme: str, host: str, port: int | None, site_base_url: str
) -> tuple[str, str, int | None]:
    site = urlsplit(site_base_url)
    site_host = (site.hostname or "").lower()
    if host.removeprefix("www.") != site_host.removeprefix("www."):
        return scheme, host, port
    site_scheme = site.scheme.lower()
    default_ports = (None, *_DEFAULT_PORTS.values())
    if port not in default_ports and port != site.port:
        return scheme, host, port
    return site_scheme, site_host, site.port if port not in default_ports else None


def _without_view_segments(path: str) -> str:
    segments = path.split("/")
    return "/".join(segment for segment in segments if segment.lower() not in _VIEW_SEGMENTS)


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL, the only kind an archived page may make a
    link or an image of: ``javascript:``, ``data:`` or ``vbscript:`` would run in the reader's
    browser. The scheme is read as browsers read it (case, leading spaces and control
    characters, tabs and newlines inside ignored)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.netloc)
