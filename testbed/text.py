"""Text helpers: diacritic folding, the CMS slug rules and reader-visible text."""

from __future__ import annotations

import html
import re
import unicodedata
from html.entities import codepoint2name

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_DROPPED_IN_TANDAN = re.compile("[-\"'“”‘’]|[^\\x00-\\x7f]")
_NON_ALNUM = re.compile("[^A-Za-z0-9]")


def fold(text: str, capital_dj: str = "D") -> str:
    """Remove Vietnamese diacritics; đ does not decompose, so it is mapped by hand."""
    text = text.replace("đ", "d").replace("Đ", capital_dj)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def portalfolder_slug(title: str) -> str:
    """Lowercase ASCII, hyphenated, hard-cut at 80; this CMS loses a capital Đ entirely."""
    ascii_title = fold(title, capital_dj="").lower()
    return _NON_SLUG.sub("-", ascii_title).strip("-")[:80]


def tandan_slug(title: str) -> str:
    """Case kept, spaces become "-", hyphens and quotes vanish, other punctuation becomes "-".

    So " - " and ": " both leave "--", as in the real `VPUB--Nam-2019-...` URLs.
    """
    kept = _DROPPED_IN_TANDAN.sub("", fold(title))
    return _NON_ALNUM.sub("-", kept)[:50]


def reader_text(raw: str) -> str:
    """What a reader sees: NFC, no zero-width spaces, whitespace runs (NBSP too) as one space."""
    text = unicodedata.normalize("NFC", raw).replace("\u200b", "")
    return " ".join(text.split())


def named_entities(text: str) -> str:
    """Escape for HTML, then spell Latin-1 letters as named entities (`&acirc;`), as Tandan does."""
    escaped = html.escape(text, quote=False)
    return "".join(
        f"&{codepoint2name[ord(ch)]};" if 0xC0 <= ord(ch) <= 0xFF else ch for ch in escaped
    )
