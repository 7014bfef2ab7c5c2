"""CMS families generated from a seed, for a reader that must work on CMSs nobody profiled.

The four hand-written families teach a reader their own markup. A family drawn
here differs from seed to seed in element kinds and class names, nesting and
layout, URL schemes and pagination, how and where the date and the author are
printed, and which chrome (dated lists, comments, counters, tickers) surrounds
the article; its text comes from the same generator as the other families', so
its gold is made the same way.
"""

from __future__ import annotations

from .family import RandomCms
from .sites import random_sites

__all__ = ["RandomCms", "random_sites"]
