"""A small archive for the web interface's tests: two sites, four years of articles, an
article with two versions and its archived captures, a copy on the other site, and an
article whose every field an attacker wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from archive.datadir import DataDir
from archive.db import open_archive
from archive.extract import AttachmentRef, ExtractedArticle, ImageRef
from archive.models import Article, Document
from archive.runs import MAIN_WORKER, Counting, CrawlRuns, SiteCounters
from archive.sites import SiteConfig
from archive.store import ArchiveStore, CaptureRecord
from archive.warc import HttpExchange, WarcWriter
from search.indexer import ArticleIndex

VIETNAM = timezone(timedelta(hours=7))
SEED_TITLE = "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"
SEED_BODY = (
    "Năm 2020, ngành thông tin và truyền thông đạt nhiều kết quả.\nChuyển đổi số được đẩy mạnh."
)
SEED_REVISED_BODY = SEED_BODY + "\nBài viết được cập nhật số liệu cuối năm."
STTTT = SiteConfig(
    key="stttt",
    name="Sở Thông tin và Truyền thông Hà Tĩnh",
    family="portalfolder",
    base_url="http://127.0.0.1:8002/",
    start_urls=("http://127.0.0.1:8002/",),
)
SGD = SiteConfig(
    key="sgd",
    name="Sở Giáo dục và Đào tạo Hà Tĩnh",
    family="portalfolder",
    base_url="http://127.0.0.1:8003/",
    start_urls=("http://127.0.0.1:8003/",),
)
# Bulletins spread over 2019–2022 on both sites: enough for two pages of 20 hits.
BULLETINS = 24
# What an attacker would put in an archived page: script in every field, links and images
# that run script, an event attribute, a right-to-left override, a closing textarea.
HOSTILE_TITLE = '<script>document.title="pwned"</script> Bài độc hại \u202egnp.exe</textarea>'
HOSTILE_BODY = (
    "Nội dung độc hại <img src=x onerror=\"document.title='pwned'\">\n"
    '<script>alert("body")</script> <a href="javascript:alert(1)">bấm</a>'
)
HOSTILE_AUTHOR = '<b onmouseover="alert(1)">Kẻ tấn công</b>'
# Words found only in the seed's attached report, and markup that must stay text.
REPORT_WORDS = "cáp quang ngầm"
REPORT_TEXT = f"BÁO CÁO\nTổng kết dự án {REPORT_WORDS} năm 2020.\n<script>alert(1)</script>"
HOSTILE_LINKS = ("javascript:alert(1)", " JaVaScRiPt:alert(2)//a.pdf", "data:text/html,<b>x</b>")
# The captured page: it would change the title if any script of it ran.
CAPTURED_HTML = (
    "<!doctype html><html><head><title>bản lưu</title></head><body>"
    f"<h1>{SEED_TITLE}</h1><p>{SEED_BODY}</p>"
    '<script>document.title="pwned"</script></body></html>'
)


# What the crawl recorded per site: counters, and failures by reason.
CRAWL_COUNTERS = {
    "stttt": SiteCounters(pages_fetched=40, articles_new=18,
                          failures={"HTTP 404": 2, "timeout": 1}),
    "sgd": SiteCounters(pages_fetched=20, articles_new=9),
}  # fmt: skip


@dataclass(frozen=True)
class WebArchive:
    data: DataDir
    seed_id: int
    copy_id: int
    hostile_id: int
    run_id: int


def bulletin(number: int) -> tuple[SiteConfig, ExtractedArticle]:
    site = STTTT if number % 3 else SGD
    published = datetime(2019 + number % 4, 1 + number % 12, 1 + number, 8, 0, tzinfo=VIETNAM)
    article = ExtractedArticle(
        url=f"{site.base_url}{site.key}/portal/read/tin/news/ban-tin-{number}.html",
        title=f"Bản tin hoạt động số {number}",
        summary=None,
        body=f"Bản tin số {number} về hoạt động chuyển đổi số của tỉnh Hà Tĩnh.",
        published=published,
        updated=None,
        author="Lê Hoa" if number % 2 else "Nguyễn Văn Hùng",
        category="Tin hoạt động" if number % 2 else "Giáo dục",
        language="vi",
    )
    return site, article


def seed(
    body: str, url: str = f"{STTTT.base_url}stttt/portal/read/tin/news/dau-an.html"
) -> ExtractedArticle:
    return ExtractedArticle(
        url=url,
        title=SEED_TITLE,
        summary=None,
        body=body,
        published=datetime(2020, 12, 25, 9, 4, tzinfo=VIETNAM),
        updated=None,
        author="H.A",
        category="Tin hoạt động",
        language="vi",
        images=[ImageRef(src=f"{STTTT.base_url}anh/hoi-nghi.jpg", caption="Toàn cảnh hội nghị")],
        attachments=[
            AttachmentRef(
                f"{STTTT.base_url}files/bao-cao.pdf", "Báo cáo tổng kết", "application/pdf"
            )
        ],
        source="Báo Hà Tĩnh",
    )


def hostile() -> ExtractedArticle:
    return ExtractedArticle(
        url=f"{STTTT.base_url}stttt/portal/read/tin/news/doc-hai.html",
        title=HOSTILE_TITLE,
        summary=None,
        body=HOSTILE_BODY,
        published=datetime(2021, 6, 1, 8, 0, tzinfo=VIETNAM),
        updated=None,
        author=HOSTILE_AUTHOR,
        category="Tin hoạt động",
        language="vi",
        # Stored as an archive made before extraction refused them would hold them.
        images=[ImageRef(src=HOSTILE_LINKS[2], caption="ảnh độc")],
        attachments=[AttachmentRef(url, "Tải về", None) for url in HOSTILE_LINKS[:2]],
    )


def report_document() -> Document:
    """The seed's attached report as a crawl reads it: two pages of text, one line hostile."""
    return Document(
        url=f"{STTTT.base_url}files/bao-cao.pdf",
        media_type="application/pdf",
        size=4096,
        text=REPORT_TEXT,
        text_status="text",
        pages=2,
    )


def captured(store: ArchiveStore, writer: WarcWriter, site_id: int, url: str, at: datetime) -> int:
    """Archives ``CAPTURED_HTML`` as the response fetched from ``url`` at ``at``."""
    body = CAPTURED_HTML.encode("utf-8")
    headers = {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "portal=1"}
    exchange = HttpExchange(
        url=url, method="GET", request_headers={}, status=200,
        response_headers=headers, body=body, fetched_at=at,
    )  # fmt: skip
    record = CaptureRecord(
        url=url, final_url=url, status=200, headers=headers, body=body, fetched_at=at,
        warc=writer.write(exchange),
    )  # fmt: skip
    return store.record_capture(None, site_id, record)


def build_web_archive(data: DataDir) -> WebArchive:
    data.create()
    store = ArchiveStore(open_archive(data.db_url))
    site_ids = {site.key: store.ensure_site(site) for site in (STTTT, SGD)}
    for number in range(1, BULLETINS + 1):
        site, article = bulletin(number)
        store.save_article(site_ids[site.key], article, None)
    writer = WarcWriter(data.warc_dir, run_id=1, site_key="stttt")
    first = seed(SEED_BODY)
    for body, day in ((SEED_BODY, 25), (SEED_REVISED_BODY, 31)):
        at = datetime(2020, 12, day, 10, 0, tzinfo=VIETNAM)
        capture_id = captured(store, writer, site_ids["stttt"], first.url, at)
        seed_id = store.save_article(site_ids["stttt"], seed(body), capture_id).article_id
    writer.close()
    copy = seed(SEED_REVISED_BODY, url=f"{SGD.base_url}sgd/portal/read/tin/news/dau-an.html")
    copy_id = store.save_article(site_ids["sgd"], copy, None).article_id
    hostile_id = store.save_article(site_ids["stttt"], hostile(), None).article_id
    with store.archive.session() as session:
        session.add(report_document())
    with store.archive.sessions() as session:
        ArticleIndex(data.index_dir).add(session.scalars(select(Article)).all())
    runs = CrawlRuns(store.archive)
    run_id = runs.start(list(CRAWL_COUNTERS))
    for key, counters in CRAWL_COUNTERS.items():
        runs.set_site_mode(run_id, key, "full")
        runs.save_counters(Counting(run_id, key, MAIN_WORKER, 0), counters)
    runs.finish(run_id, "finished")
    return WebArchive(data, seed_id, copy_id, hostile_id, run_id)
