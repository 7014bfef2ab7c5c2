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
    r"^(?:từ\s*khóa|tags?|lượt\s*(?:xem|đọc|truy\s*cập)|chia\s*sẻ|in\s*bài(?:\s*viết)?"
    r"|chi\s*tiết|bình\s*luận)\b",
    re.IGNORECASE,
)
_FURNITURE_MAX_CHARS = 80
# "H.A", "N.N", "KY", "T.M.Đ": initials, optionally dotted.
_INITIALS = re.compile(r"^(?:[A-ZĐ]\.?){1,4}$")
_MAX_WORDS = 6
SIGNOFF_MAX_CHARS = 48
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
    if _is_name_like(name) and (label or styled or is_initials):
        return name
    return None


def is_source_line(line: str) -> bool:
    return bool(_SOURCE_LABEL.match(clean_line(line)))


def source_from_line(line: str) -> str | None:
    """The outlet or document a "Nguồn: …" / "Theo …" line names, or ``None``."""
    line = clean_line(line)
    label = _SOURCE_LABEL.match(line)
    if not label:
        return None
    return line[label.end() :].lstrip(" :").rstrip(")").strip() or None


def is_furniture(line: str) -> bool:
    return len(line) <= _FURNITURE_MAX_CHARS and bool(_FURNITURE.match(clean_line(line)))


def is_set_apart(element: etree._Element) -> bool:
    """Right-aligned, or all of its text inside bold/italic markup."""
    if element.get("align", "").lower() == "right" or _RIGHT_ALIGNED.search(
        element.get("style", "")
    ):
        return True
    return _all_text_emphasised(element)


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
