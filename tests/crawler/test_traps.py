"""Trap URLs, redirect loops, mislabelled charsets and failure reasons, one component at a time."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.failures import failure_reason
from crawler.middlewares import CharsetMiddleware
from crawler.traps import RedirectLoopMiddleware, trap_kind

LIMITS = {"max_length": 500, "max_depth": 12}
VIETNAMESE = "<html><head><meta charset='utf-8'></head><body>Sở Thông tin</body></html>"


@pytest.mark.parametrize(
    "url",
    [
        "http://h/web/guest/tin-tuc/-/view_content/737358-so-thong-tin.html",
        "http://h/portal/read/tin-tuc/news/bai-viet.html",
        "http://h/tin-tuc/2020/tin-tuc/bai.html",
        "http://h/news/page-2/?a=1",
        "http://h/index.php/tin-tuc/bai-viet.html",
    ],
)
def test_ordinary_portal_urls_are_no_traps(url: str) -> None:
    assert trap_kind(url, **LIMITS) is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://h/web/guest/tin-tuc/en/vi/en/vi/", "repeated_segment"),
        ("http://h/tin/-/view_content/12-bai.html/en/", "path_after_page"),
        ("http://h/portal/Pages/Tin.aspx/vi/", "path_after_page"),
        ("http://h/web/guest/tin-tuc/en/en/en/", "repeated_segment"),
        ("http://h/" + "/".join(f"d{n}" for n in range(13)), "deep_path"),
        ("http://h/tin?q=" + "x" * 500, "long_url"),
    ],
)
def test_growing_urls_are_traps(url: str, kind: str) -> None:
    assert trap_kind(url, **LIMITS) == kind


def test_a_redirect_back_into_its_chain_is_a_loop() -> None:
    middleware = RedirectLoopMiddleware()
    request = Request("http://h/b", meta={"redirect_urls": ["http://h/a"]})
    back = Response("http://h/b", status=302, headers={"Location": "/a"})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        middleware.process_response(request, back)
    onward = Response("http://h/b", status=302, headers={"Location": "/c"})
    assert middleware.process_response(request, onward) is onward


def test_a_utf8_page_declared_latin1_is_read_as_utf8() -> None:
    response = HtmlResponse(
        "http://h/a",
        body=VIETNAMESE.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
    )
    assert "Sở Thông tin" not in response.text
    fixed = CharsetMiddleware().process_response(Request("http://h/a"), response)
    assert "Sở Thông tin" in fixed.text


def test_legacy_bytes_keep_their_declared_charset() -> None:
    # TCVN3 (ABC) bytes are not valid UTF-8; archive.legacy converts them from the page text.
    response = HtmlResponse(
        "http://h/a",
        body=b"<html><body>S\xe8 Th\xb4ng tin</body></html>",
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
    )
    assert CharsetMiddleware().process_response(Request("http://h/a"), response) is response


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (HttpError(Response("http://h/a", status=500)), "HTTP 500"),
        (IgnoreRequest("max redirections reached"), "too many redirects"),
        (IgnoreRequest("redirect loop: http://h/a -> http://h/b"), "redirect loop"),
        (DownloadTimeoutError("took longer than 2 seconds"), "timeout"),
        (ResponseDataLossError("lost"), "truncated body"),
    ],
)
def test_failures_are_named_for_the_archivist(error: Exception, reason: str) -> None:
    assert failure_reason(Failure(error)) == reason


@pytest.mark.parametrize("message", ["Forbidden by robots.txt", "out of scope: http://x/"])
def test_refusals_on_purpose_are_not_failures(message: str) -> None:
    assert failure_reason(Failure(IgnoreRequest(message))) is None
