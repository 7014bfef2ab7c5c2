"""CMS families: each knows its URL scheme and page templates."""

from __future__ import annotations

from .base import Family, Response
from .portalfolder import PortalFolder
from .tandan import Tandan

FAMILIES: dict[str, type[Family]] = {f.name: f for f in (PortalFolder, Tandan)}

__all__ = ["FAMILIES", "Family", "PortalFolder", "Response", "Tandan"]
