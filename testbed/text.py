"""Text helpers: diacritic folding, the CMS slug rules and reader-visible text."""

from __future__ import annotations

import html
import re
import unicodedata
from html.entities import codepoint2name

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_DROPPED_IN_TANDAN = re.compile("[-\"'“”‘’]|[^\\x00-\\x7f]")
_NON_ALNUM = re.compile("[^A-Za-z0-9]")
_NON_ALNUM_RUN = re.compile("[^A-Za-z0-9]+")


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


def liferay_slug(title: str) -> str:
    """Lowercase ASCII, hyphenated; Liferay loses đ and Đ ("-ak-lak" for "Đắk Lắk"), so a
    slug can start with "-"."""
    ascii_title = fold(title.replace("đ", "-").replace("Đ", "-")).lower()
    return _NON_SLUG.sub("-", ascii_title).rstrip("-")


def nukeviet_alias(title: str) -> str:
    """NukeViet's alias: diacritics folded (đ→d), case kept, runs of other characters → "-"."""
    return _NON_ALNUM_RUN.sub("-", fold(title)).strip("-")


def numeric_entities(text: str, *, hexadecimal: bool) -> str:
    """Escape for HTML, then spell every non-ASCII letter as a numeric character reference."""
    escaped = html.escape(text, quote=False)
    template = "&#x{:X};" if hexadecimal else "&#{};"
    return "".join(template.format(ord(ch)) if ord(ch) > 0x7F else ch for ch in escaped)


# TCVN3 (ABC), the pre-Unicode Vietnamese 8-bit encoding: one byte per precomposed letter.
_TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ"
_TCVN3_BYTES = bytes(
    [
        0xB5, 0xB8, 0xB6, 0xB7, 0xB9, 0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6,
        0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB, 0xAE, 0xCC, 0xD0, 0xCE, 0xCF, 0xD1,
        0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6, 0xD7, 0xDD, 0xD8, 0xDC, 0xDE,
        0xDF, 0xE3, 0xE1, 0xE2, 0xE4, 0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9,
        0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE, 0xEF, 0xF3, 0xF1, 0xF2, 0xF4,
        0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9, 0xFA, 0xFD, 0xFB, 0xFC, 0xFE,
        0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    ]
)  # fmt: skip
_TO_TCVN3 = dict(zip(_TCVN3_LETTERS, _TCVN3_BYTES, strict=True))


def tcvn3_bytes(text: str) -> bytes:
    """``text`` as an old TCVN3 document stores it. Capitals with a tone mark had a font
    of their own in TCVN3; they are written lowercase here, as the regular font shows them."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = _TO_TCVN3.get(ch) or _TO_TCVN3.get(ch.lower())
        if code is not None:
            out.append(code)
        elif ord(ch) < 0x80:
            out.append(ord(ch))
        else:
            out += fold(ch).encode("ascii", "replace")
    return bytes(out)


_FROM_TCVN3 = {code: letter for letter, code in _TO_TCVN3.items()}


def tcvn3_text(data: bytes) -> str:
    """What a TCVN3 font shows for ``data``: its letters, and Windows-1252 for other bytes."""
    return "".join(_FROM_TCVN3.get(byte) or bytes([byte]).decode("cp1252") for byte in data)
