"""What can go wrong when indexing or searching, as exceptions callers can catch."""

from __future__ import annotations


class IndexNotFoundError(FileNotFoundError):
    """There is no search index in the given directory (yet)."""


class IndexOutdatedError(IndexNotFoundError):
    """The index was written by another version of the program and must be rebuilt."""


class IndexLockedError(RuntimeError):
    """Another writer holds the index's write lock."""


class QueryError(ValueError):
    """The query string cannot be turned into a search."""


class EmptyQueryError(QueryError):
    """The query string is empty or only whitespace."""
