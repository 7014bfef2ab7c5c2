"""Extracting pages in the test process, for pipeline tests run without a reactor: the
Deferreds it gives have fired already."""

from __future__ import annotations

from twisted.internet.defer import Deferred, fail, succeed

from archive.profiles import Family
from crawler.extraction import PageExtraction, extract_page


class InProcessExtraction:
    """Extracts each page as a worker process of the crawl's pool would, but here and now."""

    def acquire(self) -> None:
        pass

    def release(self) -> None:
        pass

    def extract(
        self, html: str | bytes, url: str, family: Family | str
    ) -> Deferred[PageExtraction]:
        try:
            return succeed(extract_page(html, url, family))
        except Exception:
            return fail()
