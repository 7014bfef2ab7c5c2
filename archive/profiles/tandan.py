"""The SharePoint "Tân Dân" portal (portal-notes 2A).

Articles: ``/portal/Pages/<Y>-<M>-<D>/<Slug>.aspx`` (date not zero-padded, or a
year-only folder; ``pages`` in any case); listings ``/portal/Pages/<Cat>.aspx``
with ``?PageIndex=N``, the home ``/portal/Pages/default.aspx`` among them.
"""

from __future__ import annotations

import re

from archive.profiles.base import Profile
from archive.profiles.xpath import has_class


class TandanV1(Profile):
    family = "tandan"
    version = "V1"

    article_path = re.compile(
        r"/portal/pages/(?:\d{4}-\d{1,2}-\d{1,2}|\d{4})/[^/]+\.aspx$", re.IGNORECASE
    )
    listing_path = re.compile(r"/portal/(?:pages|kenhtin)/[^/]+\.aspx$", re.IGNORECASE)
    skipped_path = re.compile(r"/home-new/", re.IGNORECASE)

    marker = f"//*[{has_class('tandan-p-article-news-title')}]"
    site_marker = "//table[contains(@class, 's4-wpTopTable')] | //*[contains(@class, 'tandan-')]"
    title_xpath = f"//h1[{has_class('tandan-p-article-news-title')}]"
    date_xpath = f"//*[{has_class('tandan-span-date-publish')}]"
    summary_xpath = f"//*[{has_class('tandan-p-article-news-summary')}]"
    body_xpath = f"//div[{has_class('tandan-p-article-main')}]"
    breadcrumb_links_xpath = f"//*[{has_class('tandan-breadcrumb')}]//a"
    noise_xpaths = (
        f"//div[{has_class('social-share')}]",
        f"//div[{has_class('tandan-div-article-other')}]",
    )
    caption_xpath = "ancestor::p[1]/following-sibling::*[1][self::p][em or i]"

    # Category pages list "news-top" blocks; home boxes add one-line items. Both show
    # the date as "(dd/mm/yyyy)" in span.ngay.
    listing_item_xpath = (
        f"//div[{has_class('tandan-div-module-news-top')}]"
        f" | //p[{has_class('tandan-p-module-news-second')}]"
    )
    listing_date_xpath = f".//span[{has_class('ngay')}]"
    next_page_xpath = f"//div[{has_class('tandan-pager')}]/a[normalize-space() = 'Tiếp']"


VERSIONS = (TandanV1,)
