"""The Hà Tĩnh/Nghệ An Java "portal/folder" CMS (portal-notes 2C), the seed page's family.

Articles: ``/<ctx>/portal/read/<cat>/news/<slug>.html`` or
``/<ctx>/portal/folder/<cat>/news/<slug>.html``; listings
``/<ctx>/portal/folder/<cat>[/<N>.html]``. The family has no sapo markup: the
summary is the first paragraph of the body.
"""

from __future__ import annotations

import re

from archive.profiles.base import Profile
from archive.profiles.xpath import has_class


class PortalFolderV1(Profile):
    family = "portalfolder"
    version = "V1"

    article_path = re.compile(r"/portal/(?:read|folder)/[^/]+/news/[^/]+\.html?$", re.IGNORECASE)
    listing_path = re.compile(
        r"/portal/folder/[^/]+(?:/\d+\.html?)?/?$|/default/index$", re.IGNORECASE
    )
    skipped_path = re.compile(r"/portal/search\b", re.IGNORECASE)

    marker = f"//div[{has_class('news_detail')}]"
    # Root-relative: other sub-sites link here with absolute URLs.
    site_marker = "//a[starts-with(@href, '/')][contains(@href, '/portal/folder/')]"
    title_xpath = f"//div[{has_class('news_detail')}]//h1[{has_class('news_title')}]"
    date_xpath = f"//div[{has_class('news_detail')}]//*[{has_class('news_time')}]"
    body_xpath = f"//div[{has_class('news_content')}]"
    summary_xpath = f"{body_xpath}/p[normalize-space()][1]"
    breadcrumb_links_xpath = f"//ul[{has_class('breadcrumb')}]/li/a"
    noise_xpaths = (
        f"//div[{has_class('related_news')}]",
        f"//div[{has_class('comment_box')}]",
        f"//div[{has_class('stats')}]",
    )
    caption_xpath = "ancestor::tr[1]/following-sibling::tr[1]"

    # Folder pages and the home page's per-folder boxes: a title link and an <em> date.
    listing_item_xpath = (
        f"//div[{has_class('page_news')}]/div | //div[{has_class('home_box')}]/ul/li"
    )
    listing_date_xpath = ".//em"
    next_page_xpath = f"//div[{has_class('pager')}]/a[normalize-space() = 'Tiếp']"


VERSIONS = (PortalFolderV1,)
