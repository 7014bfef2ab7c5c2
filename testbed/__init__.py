"""Offline, deterministic replica of Vietnamese provincial government portals.

Imports nothing from the rest of the project: to them it is the outside world.
"""

from __future__ import annotations

from .model import SiteRecord
from .portal import MAX_ARTICLES, MIN_ARTICLES, Portal
from .server import Testbed, free_port_base
from .sites import SITES

__all__ = [
    "MAX_ARTICLES",
    "MIN_ARTICLES",
    "SITES",
    "Portal",
    "SiteRecord",
    "Testbed",
    "free_port_base",
]
