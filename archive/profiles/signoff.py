"""The author's sign-off that ends a Vietnamese portal article.

Portal articles end with a short attribution line instead of a byline:
initials (``H.A``, ``N.N``, ``KY``), a name (``Thu Hà``, ``Trần Minh Đức``) or
a labelled form (``Tác giả: X``, ``Tin, ảnh: X``). ``Nguồn: …`` names a
source document or outlet, not a person, so it is never taken as the author.
"""

from __future__ import annotations

import re

from lxml import etree

from archive.text import clean_line

_SIGNOFF_LABEL = re.compile(
    r"^(?:tác\s*giả|tin\s*(?:,|và|-)?\s*ảnh|bài\s*(?:,|và|-)?\s*ảnh|tin|bài|ảnh|"
    r"phóng\s*viên|pv|ctv|btv)\s*:\s*",
    re.IGNORECASE,
)
_SOURCE_LABEL = re.compile(r"^\(?\s*(?:nguồn|theo)\b", re.IGNORECASE)
# Page furniture that trails an article when no container isolates it: tags, view
# counters, print and share links, the "Chi tiết" link of an RSS import.
_FURNITURE = re.compile(
    r"^(?:(?:bản\s*)?in\s+)?(?:từ\s*khóa|tags?|lượt\s*(?:xem|đọc|truy\s*cập)|chia\s*sẻ|share"
    r"|(?:in|bản\s*in)\s*bài(?:\s*viết)?|bản\s*in"
    r"|chi\s*tiết|bình\s*luận)\b",
    re.IGNORECASE,
)
_FURNITURE_MAX_CHARS = 80
_CAPITALISED_SYLLABLE = re.compile(
    r"^[A-ZĐ\u00c0-\u00dd\u0102\u01a0\u01af\u1ea0-\u1ef8][^\W\d_A-Z]{0,6}$"
)
_VIETNAMESE_MARK = re.compile("[àáâãèéêìíòóôõùúýăđơư\u1ea0-\u1ef9ĐĂƠƯÂÊÔ]")
_SEPARATOR_CHARS = " |·•–—-"
_PARTS = re.compile(r"\s+[|·•–—-]\s+")
# Accounts a CMS names as the poster of a page, never a person who wrote it.
_CMS_USER = re.compile(
    r"^(?:admin(?:istrator)?|super\s*user|quản\s*trị(?:\s*viên)?|webmaster|biên\s*tập\s*viên)$",
    re.IGNORECASE,
)
# "H.A", "N.N", "KY", "T.M.Đ": initials, optionally dotted.
_INITIALS = re.compile(r"^(?:[A-ZĐ]\.?){1,4}$")
_MAX_WORDS = 6
SIGNOFF_MAX_CHARS = 48
SOURCE_MAX_CHARS = 100
_RIGHT_ALIGNED = re.compile(r"text-align\s*:\s*right", re.IGNORECASE)
_EMPHASIS_TAGS = frozenset({"strong", "b", "em", "i"})


def author_from_signoff(line: str, *, styled: bool = False) -> str | None:
    """The author named by a sign-off ``line``, or ``None`` if it is not one.

    ``styled`` says the line is set apart (right-aligned or bold), as portal
    editors set sign-offs; an unstyled line needs a label or initials.
    """
    line = clean_line(line)
    if not line or _SOURCE_LABEL.match(line):
        return None
    label = _SIGNOFF_LABEL.match(line)
    name = line[label.end() :].strip() if label else line
    is_initials = bool(_INITIALS.match(name.replace(" ", "")))
    if is_initials:
        name = name.rstrip(".")
    if _is_name_like(name) and (label or styled or is_initials or _is_vietnamese_name(name)):
        return name
    return None


def labelled_author(line: str) -> str | None:
    """The author a labelled line names ("Tác giả: X", "Bài, ảnh: X"), or ``None``.

    Meta lines join their parts with separators ("09:04 25/12/2020 | Bài: Thu Hà"),
    so each part is tried.
    """
    for part in _PARTS.split(clean_line(line)):
        label = _SIGNOFF_LABEL.match(part)
        name = part[label.end() :].strip() if label else ""
        if label and _is_name_like(name) and not is_cms_account(name):
            return name
    return None


def byline_author(date_line: str) -> str | None:
    """The writer a date line names among its parts ("08:05 15/10/2022 | Trần Minh Đức |
    Lượt xem: 12"): labelled, or initials or a full Vietnamese name standing alone."""
    for part in _PARTS.split(clean_line(date_line)):
        part = part.strip(_SEPARATOR_CHARS)
        initials = len(part.replace(".", "").replace(" ", "")) >= 2 and bool(
            _INITIALS.match(part.replace(" ", ""))
        )
        name = labelled_author(part) or (
            part.rstrip(".") if initials or _is_vietnamese_name(part) else None
        )
        if name:
            return name
    return None


def is_cms_account(name: str) -> bool:
    """Whether ``name`` is an account a CMS shows as a page's poster, not a person."""
    return bool(_CMS_USER.match(name.strip()))


def is_source_line(line: str) -> bool:
    return source_from_line(line) is not None


def source_from_line(line: str) -> str | None:
    """The outlet or document a "Nguồn: …" / "Theo …" line names, or ``None``.

    A credit is short and names one thing; "Theo báo cáo, đến nay …" is a sentence.
    """
    line = clean_line(line)
    label = _SOURCE_LABEL.match(line)
    if not label or len(line) > SOURCE_MAX_CHARS:
        return None
    named = line[label.end() :].lstrip(" :").rstrip(")").strip()
    if label.group().strip(" (").lower() == "theo" and "," in named:
        return None
    return named or None


def is_furniture(line: str) -> bool:
    return len(line) <= _FURNITURE_MAX_CHARS and bool(_FURNITURE.match(clean_line(line)))


def is_set_apart(element: etree._Element) -> bool:
    """Right-aligned, or all of its text inside bold/italic markup."""
    if element.get("align", "").lower() == "right" or _RIGHT_ALIGNED.search(
        element.get("style", "")
    ):
        return True
    return _all_text_emphasised(element)


def _is_vietnamese_name(name: str) -> bool:
    """A full Vietnamese name on a line of its own ("Văn Đức", "Trần Minh Đức").

    Editors often end an article with the writer's bare name. Two to four
    capitalised syllables, one of them marked as only Vietnamese spells them,
    read as a name; a closing phrase has lower-case words or punctuation.
    """
    words = name.split()
    return (
        2 <= len(words) <= 4
        and all(_CAPITALISED_SYLLABLE.match(word) for word in words)
        and any(_VIETNAMESE_MARK.search(word) for word in words)
    )


def _is_name_like(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= _MAX_WORDS
        and len(name) <= SIGNOFF_MAX_CHARS
        and name[0].isupper()
        and not any(ch.isdigit() for ch in name)
        and not name.endswith((".", ":", ";", "!", "?"))
    )


def _all_text_emphasised(element: etree._Element) -> bool:
    if clean_line(element.text or ""):
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return False
    for child in children:
        if child.tag.lower() not in _EMPHASIS_TAGS and not _all_text_emphasised(child):
            return False
        if clean_line(child.tail or ""):
            return False
    return True
