"""A base for spider middlewares that judge what a page produced as a whole."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.http import Response


class PageOutputMiddleware:
    """Collects a page's requests and items, then lets ``page_output`` filter them together.

    Whether a listing's next page is worth a request depends on everything else
    the page linked to, which a request-by-request filter cannot see.
    """

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self.page_output(response, list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        outputs = [output async for output in result]
        for output in self.page_output(response, outputs):
            yield output

    def page_output(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        raise NotImplementedError
