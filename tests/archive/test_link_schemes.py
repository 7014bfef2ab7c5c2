"""Only http(s) URLs of an archived page are kept as its images and documents."""

from __future__ import annotations

import pytest

from archive.extract import AttachmentRef, ImageRef, extract_article
from archive.urls import is_web_url
from tests.archive.test_profiles import page

HOSTILE_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript:x//a.pdf",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://[::1",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_urls_a_browser_would_run_are_no_web_urls(url: str) -> None:
    assert not is_web_url(url)


@pytest.mark.parametrize("url", ["http://h/a.pdf", "HTTPS://h/a", "https://h:8443/t?x=1"])
def test_http_urls_are_web_urls(url: str) -> None:
    assert is_web_url(url)


def test_script_links_and_images_are_not_stored() -> None:
    html = page(
        '<div class="news_detail"><h1 class="news_title">Quyết định mới</h1>'
        '<p class="news_time">09:04 25/12/2020</p><div class="news_content">'
        '<p>Ban hành quyết định.</p><p><img src="/stttt/anh.jpg">'
        '<img src=" JavaScript:alert(1)"><img src="data:image/png;base64,AAAA"></p>'
        '<p>Tệp đính kèm: <a href="/stttt/files/qd-12.pdf">Quyết định 12</a> '
        '<a href="javascript:x//a.pdf">Biểu mẫu</a> <a href="VBScript:x//b.doc">Mẫu</a></p>'
        "</div></div>"
    )
    article = extract_article(html, "http://h/stttt/portal/read/van-ban/news/quyet-dinh-moi.html")
    assert article.images == [ImageRef("http://h/stttt/anh.jpg", None)]
    assert article.attachments == [
        AttachmentRef("http://h/stttt/files/qd-12.pdf", "Quyết định 12", "application/pdf")
    ]
