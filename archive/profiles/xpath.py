"""XPath predicate builders shared by the profiles (lxml has no CSS without cssselect)."""

from __future__ import annotations

_LOWERED_CLASS_AND_ID = (
    "translate(concat(@class, ' ', @id), "
    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
)


def has_class(name: str) -> str:
    """Predicate body: the element's class list contains ``name`` exactly."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def class_or_id_contains(*fragments: str) -> str:
    """Predicate body: the class or id contains any of ``fragments`` (case-insensitive)."""
    return " or ".join(f"contains({_LOWERED_CLASS_AND_ID}, '{part}')" for part in fragments)
