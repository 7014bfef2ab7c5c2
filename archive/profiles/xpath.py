"""Selectors shared by the profiles: XPath predicate builders (lxml has no CSS without
cssselect), and :class:`ClassMark` for the class and id hints read on every page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement


def lowered(expression: str) -> str:
    """``expression`` in lower case (ASCII letters only: XPath 1.0 has no lower-case())."""
    return f"translate({expression}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


_LOWERED_CLASS_AND_ID = lowered("concat(@class, ' ', @id)")


def has_class(name: str) -> str:
    """Predicate body: the element's class list contains ``name`` exactly."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def class_or_id_contains(*fragments: str) -> str:
    """Predicate body: the class or id contains any of ``fragments`` (case-insensitive)."""
    return " or ".join(f"contains({_LOWERED_CLASS_AND_ID}, '{part}')" for part in fragments)


class ClassMark:
    """Elements whose class or id contains one of ``fragments`` (case-insensitive).

    The same test as :func:`class_or_id_contains`, run in Python: XPath 1.0 lowers
    the attributes with ``translate()`` once per fragment and element, which on a
    real page of a few thousand elements costs thirty times one regex search.
    ``tags`` limits the marked elements to those kinds.
    """

    def __init__(self, *fragments: str, tags: Iterable[str] = ()) -> None:
        self._pattern = re.compile("|".join(map(re.escape, fragments)))
        self._tags = tuple(tags)

    def marks(self, element: HtmlElement) -> bool:
        if self._tags and element.tag not in self._tags:
            return False
        names = element.get("class"), element.get("id")
        return any(names) and bool(self._pattern.search(" ".join(filter(None, names)).lower()))

    def within(self, root: HtmlElement) -> list[HtmlElement]:
        """The marked elements in ``root``, itself included, in document order."""
        kinds = self._tags or (etree.Element,)
        return [element for element in root.iter(*kinds) if self.marks(element)]

    def encloses(self, element: HtmlElement, within: HtmlElement | None = None) -> bool:
        """Whether ``element`` or one of its ancestors is marked, up to ``within``.

        ``within`` is a block known to be content (the one that holds the article):
        how the blocks around it are named says nothing of what is inside it.
        """
        for block in (element, *element.iterancestors()):
            if block is within:
                return False
            if self.marks(block):
                return True
        return False
