"""CMS families: each knows its URL scheme and page templates."""

from __future__ import annotations

from .base import Family, Response
from .liferay import Liferay
from .nukeviet import NukeViet
from .portalfolder import PortalFolder
from .randomcms import RandomCms
from .tandan import Tandan

FAMILIES: dict[str, type[Family]] = {
    f.name: f for f in (PortalFolder, Tandan, Liferay, NukeViet, RandomCms)
}

__all__ = [
    "FAMILIES",
    "Family",
    "Liferay",
    "NukeViet",
    "PortalFolder",
    "RandomCms",
    "Response",
    "Tandan",
]
