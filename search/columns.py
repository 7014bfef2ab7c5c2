"""The per-article values a search counts and sorts by, for the whole index at once.

Publication time, site, category and author are columns of the index (see
:mod:`search.schema`); read as arrays indexed by Whoosh's global document
number, facets, the histogram and date order are a few array operations over
the matches, whatever their number, instead of a lookup per match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long

from search import whoosh_compat

# Publication times are stored as microseconds since year 1, naive UTC.
_UNIX_EPOCH = datetime_to_long(datetime(1970, 1, 1))
# Portal time is UTC+7 all year round (Vietnam has not changed clocks since 1975).
_PORTAL_OFFSET = np.timedelta64(7, "h")


@dataclass(frozen=True)
class Coded:
    """A column of few distinct values: a code per document, the values by code."""

    codes: np.ndarray
    values: list[str]


@dataclass(frozen=True)
class Published:
    """Publication times, for sorting and counting per period."""

    raw: np.ndarray  # Whoosh's sortable integers; ``missing`` for undated documents
    missing: int

    @property
    def dated(self) -> np.ndarray:
        return self.raw != self.missing

    def portal_times(self, docnums: np.ndarray) -> np.ndarray:
        """The dated ones of ``docnums`` as datetime64 in portal time (undated dropped)."""
        raw = self.raw[docnums]
        raw = raw[raw != self.missing].astype(np.int64) - _UNIX_EPOCH
        return raw.astype("datetime64[us]") + _PORTAL_OFFSET


def published(searcher: Searcher) -> Published:
    field = searcher.schema["published"]
    arrays = [
        whoosh_compat.numeric_column(leaf.reader(), "published")
        for leaf, _offset in searcher.leaf_searchers()
    ]
    return Published(np.concatenate(arrays), field.column_type.default_value())


def coded(searcher: Searcher, fieldname: str) -> Coded:
    """``fieldname``'s column across segments, each segment's codes mapped to one set."""
    values: list[str] = [""]
    code_of: dict[str, int] = {"": 0}
    parts = []
    for leaf, _offset in searcher.leaf_searchers():
        codes, segment_values = whoosh_compat.ref_column(leaf.reader(), fieldname)
        mapping = np.array(
            [code_of.setdefault(value, len(code_of)) for value in segment_values], dtype=np.int32
        )
        values.extend(list(code_of)[len(values) :])
        parts.append(mapping[codes] if len(mapping) else codes)
    return Coded(np.concatenate(parts), values)
