"""``portal-archive`` with a second template version of portalfolder, added as a new version
of a family is: a subclass restating what moved, appended to the family's versions.

On the testbed, the V2 template is that of the articles showing a captioned photo, so one
crawl meets pages of both templates. Run as ``python -m tests.crawler.versioned_cli``.
"""

from __future__ import annotations

from archive.profiles import FAMILIES, Family, portalfolder
from archive.profiles.xpath import has_class
from portal_archive.cli import main

PHOTO_TABLE = f"//div[{has_class('news_detail')}]//table[{has_class('image')}]"


class PortalFolderPhotoV2(portalfolder.PortalFolderV1):
    version = "V2"
    marker = PHOTO_TABLE


if __name__ == "__main__":
    FAMILIES["portalfolder"] = Family("portalfolder", (*portalfolder.VERSIONS, PortalFolderPhotoV2))
    main(prog_name="portal-archive")
