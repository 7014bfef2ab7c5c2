"""Liferay 6.2 department sites (portal-notes 2D), as the Hà Nội Sở TT&TT mirror shows them.

Articles: ``/<page>/-/view_content/<id>-<slug>.html`` (Liferay 6),
``/-/asset_publisher/<inst>/content/<urlTitle>`` and Liferay 7's ``/-/<slug>``;
listings ``/web/guest/<page>`` paged with ``p_p_id=101…&_101…_cur=N``. Links may
carry ``;jsessionid=``; ``p_p_state=pop_up`` and ``exclusive`` are print and
fragment views of a page, never pages of their own.
"""

from __future__ import annotations

import re

from archive.profiles.base import Profile
from archive.profiles.xpath import has_class

_ASSET = f"//div[{has_class('asset-full-content')}]"


class LiferayV1(Profile):
    family = "liferay"
    version = "V1"

    article_path = re.compile(
        r"/-/view_content/\d+-[^/]*\.html$|/-/asset_publisher/[^/]+/content/[^/]+$"
        r"|^/-/(?!asset_publisher/)[^/]+$|/-/details/\d+/[^/]+$",
        re.IGNORECASE,
    )
    listing_path = re.compile(r"^/web/guest(?:/[^/]+)*/?$|^/web/[^/]+/[^/]+$", re.IGNORECASE)
    skipped_path = re.compile(
        r"p_p_state=(?:pop_up|exclusive|maximized)|/-/asset_publisher/[^/]+/rss|_viewmode=print",
        re.IGNORECASE,
    )

    marker = _ASSET
    site_marker = "//script[contains(., 'Liferay.')] | //body[contains(@class, '_WAR_')]"
    title_xpath = f"{_ASSET}//*[{has_class('header-title')}]"
    date_xpath = f"{_ASSET}//*[{has_class('assetPublishDate')}]"
    summary_xpath = f"{_ASSET}//*[{has_class('sapo')}]"
    body_xpath = f"{_ASSET}//div[{has_class('journal-content-article')}]"
    breadcrumb_links_xpath = f"//ul[{has_class('breadcrumb')}]/li/a"
    attachments_xpath = f"{_ASSET}//div[{has_class('asset-attachments')}]//a[@href]"
    noise_xpaths = (f"//div[{has_class('taglib-social-bookmarks')}]",)
    caption_xpath = "ancestor::p[1]/following-sibling::*[1][self::p][em or i]"

    # Asset publisher abstracts, on category pages and in the home page's portlets.
    listing_item_xpath = f"//div[{has_class('asset-abstract')}]"
    listing_link_xpath = f".//h3[{has_class('asset-title')}]/a[@href]"
    listing_date_xpath = f".//div[{has_class('assetPublishDate')}]"
    # The page iterator shows numbers only; the current one is an unlinked "active" item.
    pager_xpath = f"//div[{has_class('taglib-page-iterator')}]"
    current_page_xpath = f".//li[{has_class('active')}]"


VERSIONS = (LiferayV1,)
