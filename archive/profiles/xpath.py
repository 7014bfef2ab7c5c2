"""XPath predicate builders shared by the profiles (lxml has no CSS without cssselect)."""

from __future__ import annotations


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
