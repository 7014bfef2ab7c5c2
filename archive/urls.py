"""Canonical URLs: one spelling per page, whatever session or tracking noise a link carried."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SESSION_PATH_PARAM = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
_NOISE_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|jsessionid|phpsessid)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment, session id or tracking parameter.

    The path keeps its case: NukeViet and SharePoint aliases are case-sensitive
    on some servers.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    path = _SESSION_PATH_PARAM.sub("", parts.path) or "/"
    query = [(k, v.strip()) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not _NOISE_PARAMS.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))
