from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from archive.doctext import DocumentText, TextStatus
from archive.extract import ExtractedArticle, ImageRef
from archive.legacy import LegacyEncoding
from archive.models import Article, ArticleVersion, Capture, Document
from archive.sites import SiteConfig
from archive.store import ArchiveStore, CaptureRecord, SaveStatus, content_hash

VIETNAM = timezone(timedelta(hours=7))
SITE = SiteConfig(
    key="stttt",
    name="Sở Thông tin và Truyền thông Hà Tĩnh",
    family="portalfolder",
    base_url="http://127.0.0.1:8002/",
    start_urls=("http://127.0.0.1:8002/stttt/portal/folder/home",),
)


def extracted(body: str = "Đoạn một.\nĐoạn hai.", url: str = "http://127.0.0.1:8002/a.html"):
    return ExtractedArticle(
        url=url,
        title="Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020",
        summary="Đoạn một.",
        body=body,
        published=datetime(2020, 12, 25, 9, 4, tzinfo=VIETNAM),
        updated=None,
        author="H.A",
        category="Tin hoạt động",
        language="vi",
        images=[ImageRef(src="http://127.0.0.1:8002/i.jpg", caption="Ảnh")],
        attachments=[],
        profile="portalfolder.V1",
        missing=[],
    )


def count(store: ArchiveStore, model: type) -> int:
    with store.archive.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_first_save_is_new_with_one_version(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    result = store.save_article(site_id, extracted(), capture_id=None)
    assert result.status is SaveStatus.NEW
    with store.archive.sessions() as session:
        article = session.get_one(Article, result.article_id)
        assert article.published == datetime(2020, 12, 25, 2, 4, tzinfo=UTC)
        assert article.site_key == "stttt"
        assert [image.caption for image in article.images] == ["Ảnh"]
    assert count(store, ArticleVersion) == 1


def test_same_content_again_is_unchanged_and_adds_nothing(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    first = store.save_article(site_id, extracted(), capture_id=None)
    again = store.save_article(site_id, extracted(body="Đoạn  một.\nĐoạn hai. "), None)
    assert again == type(again)(first.article_id, SaveStatus.UNCHANGED)
    assert (count(store, Article), count(store, ArticleVersion)) == (1, 1)


def test_changed_content_updates_and_keeps_the_old_version(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    first = store.save_article(site_id, extracted(), capture_id=None)
    changed = store.save_article(site_id, extracted(body="Đoạn một.\nĐoạn ba."), None)
    assert changed.status is SaveStatus.UPDATED
    assert changed.article_id == first.article_id
    with store.archive.sessions() as session:
        versions = session.scalars(select(ArticleVersion.body).order_by(ArticleVersion.id)).all()
    assert versions == ["Đoạn một.\nĐoạn hai.", "Đoạn một.\nĐoạn ba."]


def test_urls_differing_only_in_noise_are_one_article(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    store.save_article(site_id, extracted(url="http://127.0.0.1:8002/a.html#x"), None)
    store.save_article(site_id, extracted(url="HTTP://127.0.0.1:8002/a.html?fbclid=1"), None)
    assert count(store, Article) == 1


def test_ensure_site_is_idempotent(store: ArchiveStore) -> None:
    assert store.ensure_site(SITE) == store.ensure_site(SITE)


def test_capture_records_digest(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    record = CaptureRecord(
        url="http://127.0.0.1:8002/a.html",
        final_url="http://127.0.0.1:8002/a.html",
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=b"<html></html>",
    )
    capture_id = store.record_capture(None, site_id, record)
    with store.archive.sessions() as session:
        capture = session.get_one(Capture, capture_id)
    assert capture.payload_digest == "sha1:SQPPW43I4RVSPOJX2NFQP7CNIHNADMAC"
    assert capture.content_type == "text/html; charset=utf-8"


def test_naive_datetimes_are_refused(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    article = extracted()
    article.published = datetime(2020, 12, 25, 9, 4)
    with pytest.raises(Exception, match="naive datetime"):
        store.save_article(site_id, article, None)


def test_content_hash_ignores_whitespace_only() -> None:
    assert content_hash("A", "x  y\n") == content_hash("A", "x y")
    assert content_hash("A", "x y") != content_hash("B", "x y")


def test_a_document_is_kept_with_what_reading_it_gave(store: ArchiveStore) -> None:
    url = "http://127.0.0.1:8002/files/ke-hoach-145-kh-ubnd.pdf"
    read = DocumentText("KÕ ho¹ch", TextStatus.TEXT, None, 1)
    first = store.save_document(url, "application/pdf", 1200, read, None)
    again = store.save_document(url, "application/pdf", 1200, read, None)
    converted = DocumentText("Kế hoạch", TextStatus.TEXT, LegacyEncoding.TCVN3, 1)
    changed = store.save_document(url, "application/pdf", 1200, converted, None)
    assert (first.is_new, first.text_changed) == (True, True)
    assert (again.is_new, again.text_changed) == (False, False)
    assert (changed.is_new, changed.text_changed) == (False, True)
    with store.archive.sessions() as session:
        document = session.scalars(select(Document)).one()
        stored = (document.text, document.text_status, document.converted_from, document.pages)
    assert stored == ("Kế hoạch", "text", "tcvn3", 1)
    assert document.size == 1200
