"""NukeViet 4 (portal-notes 2E): nongthonmoi.hatinh.gov.vn and the Hà Tĩnh commune sites.

Articles: ``/[<module>/]<Cat-Alias>/<Title-Alias>-<id>.html`` (aliases keep their
capitals); listings ``/<Cat-Alias>/`` and ``/<Cat-Alias>/page-N``. ``/savefile/``
and print views are whole copies of an article, and ``tag/``, ``topic/``,
``author/`` and ``rss/`` are not articles. The markup is the default theme's
``modules/news/detail.tpl``.
"""

from __future__ import annotations

import re

from archive.profiles.base import Profile
from archive.profiles.xpath import has_class

_DETAIL = "//div[@itemtype='http://schema.org/NewsArticle']"


class NukeVietV4(Profile):
    family = "nukeviet"
    version = "V4"

    article_path = re.compile(r"^(?:/[A-Za-z0-9-]+){1,2}/[A-Za-z0-9-]+-\d+\.html$")
    listing_path = re.compile(r"^/(?:[A-Za-z0-9-]+/(?:page-\d+)?)?$")
    skipped_path = re.compile(
        r"^/(?:savefile|print|rss|tag|topic|author|sendmail|seek|sitemap)\b"
        r"|/(?:print|sendmail)/|[?&]op=",
        re.IGNORECASE,
    )

    marker = _DETAIL
    site_marker = "//meta[@name='generator'][starts-with(@content, 'NukeViet')]"
    title_xpath = f"{_DETAIL}//h1[@itemprop='headline']"
    date_xpath = f"{_DETAIL}//span[{has_class('h5')}]"
    summary_xpath = f"{_DETAIL}//*[{has_class('hometext')}]"
    body_xpath = f"{_DETAIL}//div[@id='news-bodyhtml']"
    breadcrumb_links_xpath = f"//ul[{has_class('breadcrumbs')}]/li/a"
    # "Tác giả: X", then perhaps "Nguồn: Y", which names no person.
    author_xpath = f"{_DETAIL}//p[{has_class('h5')}][{has_class('text-right')}]"
    source_xpath = author_xpath
    attachments_xpath = f"{_DETAIL}//div[{has_class('news-download-file')}]//a[@href]"
    # The "Chi tiết" link back to the story an RSS import came from.
    noise_xpaths = (f"//p[a[{has_class('pull-right')}]]",)
    caption_xpath = "ancestor::figure[1]/figcaption"

    # Category pages only: the home page's boxes list titles without dates.
    listing_item_xpath = f"//div[{has_class('news_column')}]//div[{has_class('panel-body')}]"
    listing_link_xpath = ".//h3/a[@href]"
    listing_date_xpath = f".//li[em[{has_class('fa-clock-o')}]]"
    # Numbers only; the current one is an "active" item linking to "#".
    pager_xpath = f"//ul[{has_class('pagination')}]"
    current_page_xpath = f"li[{has_class('active')}]"


VERSIONS = (NukeVietV4,)
