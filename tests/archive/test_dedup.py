"""Duplicates: exact and near copies across sites point at the earliest copy."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from archive.dedup import (
    NEAR_DUPLICATE_BITS,
    body_hash,
    hamming_distance,
    normalised_words,
    simhash,
)
from archive.extract import ExtractedArticle
from archive.models import Article
from archive.sites import SiteConfig
from archive.store import ArchiveStore

VIETNAM = timezone(timedelta(hours=7))
SENTENCES = [
    "Sở Thông tin và Truyền thông tổ chức hội nghị tổng kết công tác chuyển đổi số năm 2020.",
    "Hội nghị đánh giá kết quả triển khai chính quyền số tại các huyện, thị xã, thành phố.",
    "Nhiều chỉ tiêu về hạ tầng viễn thông và dịch vụ công trực tuyến đã vượt kế hoạch đề ra.",
    "Tỷ lệ hồ sơ giải quyết trực tuyến mức độ 3 và 4 tăng mạnh so với cùng kỳ năm trước.",
    "Lãnh đạo tỉnh đề nghị các sở, ngành tiếp tục đẩy mạnh ứng dụng công nghệ thông tin.",
    "Các địa phương cần bố trí nguồn lực để hoàn thiện cơ sở dữ liệu dùng chung của tỉnh.",
]
BODY = "\n".join(SENTENCES)
OTHER_BODY = "\n".join(
    f"Huyện Cẩm Xuyên ra quân làm giao thông nông thôn đợt {n}, huy động hàng nghìn ngày công."
    for n in range(8)
)


def site(key: str, port: int) -> SiteConfig:
    base = f"http://127.0.0.1:{port}/"
    return SiteConfig(key=key, name=key, family="generic", base_url=base, start_urls=(base,))


def page(url: str, body: str, *, title: str = "Tổng kết chuyển đổi số", day: int = 25):
    return ExtractedArticle(
        url=url,
        title=title,
        summary=None,
        body=body,
        published=datetime(2020, 12, day, 9, 4, tzinfo=VIETNAM),
        updated=None,
        author=None,
        category=None,
        language="vi",
    )


def originals(store: ArchiveStore) -> dict[str, str | None]:
    with store.archive.sessions() as session:
        articles = session.scalars(select(Article).order_by(Article.id))
        return {article.url: article.duplicate_of_url for article in articles}


def test_simhash_is_close_for_an_edited_copy_and_far_for_another_text() -> None:
    edited = BODY.replace("tăng mạnh", "tăng nhanh")
    assert hamming_distance(simhash(BODY), simhash(edited)) <= NEAR_DUPLICATE_BITS
    assert hamming_distance(simhash(BODY), simhash(OTHER_BODY)) > 2 * NEAR_DUPLICATE_BITS
    assert simhash("Chi tiết") is None


def test_body_hash_ignores_case_whitespace_and_normal_form() -> None:
    nfd = "Ha\u0300 Ti\u0303nh  ĐÃ"
    assert body_hash(nfd) == body_hash("hà tĩnh\nđã")


def test_a_copy_on_another_site_points_at_the_earlier_article(store: ArchiveStore) -> None:
    first, second = store.ensure_site(site("a", 8001)), store.ensure_site(site("b", 8002))
    store.save_article(first, page("http://127.0.0.1:8001/x.html", BODY), None)
    store.save_article(second, page("http://127.0.0.1:8002/y.html", BODY, day=27), None)
    assert originals(store) == {
        "http://127.0.0.1:8001/x.html": None,
        "http://127.0.0.1:8002/y.html": "http://127.0.0.1:8001/x.html",
    }


def test_an_earlier_copy_found_later_becomes_the_original(store: ArchiveStore) -> None:
    sites = [store.ensure_site(site(key, 8000 + n)) for n, key in enumerate("abc")]
    store.save_article(sites[0], page("http://127.0.0.1:8000/a.html", BODY, day=27), None)
    edited = BODY.replace("tăng mạnh", "tăng nhanh")
    store.save_article(sites[1], page("http://127.0.0.1:8001/b.html", edited, day=28), None)
    result = store.save_article(sites[2], page("http://127.0.0.1:8002/c.html", BODY, day=20), None)
    assert originals(store) == {
        "http://127.0.0.1:8000/a.html": "http://127.0.0.1:8002/c.html",
        "http://127.0.0.1:8001/b.html": "http://127.0.0.1:8002/c.html",
        "http://127.0.0.1:8002/c.html": None,
    }
    # Their index entries name the old original: the pipeline re-indexes them.
    assert len(result.regrouped) == 2


def test_an_rss_import_of_the_lead_is_a_copy(store: ArchiveStore) -> None:
    first, second = store.ensure_site(site("a", 8001)), store.ensure_site(site("b", 8002))
    store.save_article(first, page("http://127.0.0.1:8001/x.html", BODY), None)
    lead = f"{SENTENCES[0]} {SENTENCES[1]}\nChi tiết"
    store.save_article(second, page("http://127.0.0.1:8002/rss.html", lead, day=26), None)
    assert originals(store)["http://127.0.0.1:8002/rss.html"] == "http://127.0.0.1:8001/x.html"


def test_unrelated_articles_and_short_bodies_are_not_grouped(store: ArchiveStore) -> None:
    first, second = store.ensure_site(site("a", 8001)), store.ensure_site(site("b", 8002))
    store.save_article(first, page("http://127.0.0.1:8001/x.html", BODY), None)
    store.save_article(second, page("http://127.0.0.1:8002/y.html", OTHER_BODY, title="X"), None)
    store.save_article(first, page("http://127.0.0.1:8001/p.html", "Ảnh", title="Ảnh 1"), None)
    store.save_article(second, page("http://127.0.0.1:8002/q.html", "Ảnh", title="Ảnh 2"), None)
    assert set(originals(store).values()) == {None}


def test_http_https_and_www_spellings_are_one_article(store: ArchiveStore) -> None:
    portal = SiteConfig(
        key="hatinh",
        name="Hà Tĩnh",
        family="generic",
        base_url="https://hatinh.gov.vn/",
        start_urls=("https://hatinh.gov.vn/",),
    )
    site_id = store.ensure_site(portal)
    for url in (
        "http://www.hatinh.gov.vn/tin/a.html",
        "https://hatinh.gov.vn/tin/a.html?p_p_id=101&p_p_lifecycle=0",
        "https://hatinh.gov.vn/tin/print/a.html",
    ):
        store.save_article(site_id, page(url, BODY), None)
    assert list(originals(store)) == ["https://hatinh.gov.vn/tin/a.html"]


def test_simhash_sets_the_bits_most_shingles_set() -> None:
    # The textbook definition, one bit at a time, against the bit-plane counting.
    words = normalised_words(BODY)
    shingles = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
    hashes = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles
    ]
    expected = 0
    for bit in range(64):
        if sum(1 if value >> bit & 1 else -1 for value in hashes) > 0:
            expected |= 1 << bit
    assert simhash(BODY) % (1 << 64) == expected
