"""Profiles and extraction against pages saved from the testbed (see fixtures/capture.py)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from archive.extract import AttachmentRef, ImageRef, extract_article, parse_html
from archive.legacy import decode_document, detect_legacy
from archive.profiles import (
    FAMILIES,
    Family,
    ProfileNotFound,
    detect_family,
    get_profile,
)
from archive.profiles.portalfolder import PortalFolderV1
from archive.profiles.signoff import author_from_signoff
from archive.profiles.xpath import has_class

FIXTURES = Path(__file__).parent / "fixtures"
COMPARED_FIELDS = ("title", "author", "category", "summary", "body")


@dataclass(frozen=True)
class Fixture:
    family: str
    name: str
    html: bytes
    gold: dict[str, str]

    @property
    def url(self) -> str:
        return self.gold["url"]


def load_fixtures() -> list[Fixture]:
    return [
        Fixture(
            family=path.parent.name,
            name=path.stem,
            html=path.read_bytes(),
            gold=json.loads(path.with_suffix(".json").read_text("utf-8")),
        )
        for path in sorted(FIXTURES.glob("*/*.html"))
    ]


ALL_FIXTURES = load_fixtures()
by_id = pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda f: f"{f.family}/{f.name}")


def token_f1(found: str, expected: str) -> float:
    found_tokens, expected_tokens = (
        Counter(re.findall(r"\w+", t.lower())) for t in (found, expected)
    )
    overlap = sum((found_tokens & expected_tokens).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(found_tokens.values())
    recall = overlap / sum(expected_tokens.values())
    return 2 * precision * recall / (precision + recall)


def page(content: str, *, head: str = "", lang: str = "vi") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body>{content}</body></html>"
    )


# ----- every fixture, every field --------------------------------------------------------


def test_there_are_fixtures_for_every_family() -> None:
    families = Counter(fixture.family for fixture in ALL_FIXTURES)
    assert families["portalfolder"] >= 3 and families["tandan"] >= 2
    assert families["liferay"] >= 2 and families["nukeviet"] >= 3
    assert set(families) == set(FAMILIES) - {"generic"}
    names = {fixture.name for fixture in ALL_FIXTURES}
    assert {"stttt-seed", "kyanh-nfd", "xacamhung-republished", "nongthonmoi-legacy-doc"} <= names


@by_id
@pytest.mark.parametrize("profile", [None, "family"], ids=["detected", "named"])
def test_profile_reproduces_the_gold(fixture: Fixture, profile: str | None) -> None:
    article = extract_article(fixture.html, fixture.url, fixture.family if profile else None)

    assert article.profile == get_profile(fixture.family).name
    for name in COMPARED_FIELDS:
        assert getattr(article, name) == fixture.gold[name], name
    assert article.published == datetime.fromisoformat(fixture.gold["published"])
    assert article.published.tzinfo is not None
    assert article.updated is None
    assert article.language == "vi"
    assert article.missing == []
    assert article.url == fixture.url


@by_id
def test_attachments_are_the_gold_documents(fixture: Fixture) -> None:
    article = extract_article(fixture.html, fixture.url)
    found = [
        {"url": a.url, "name": a.name, "media_type": a.media_type} for a in article.attachments
    ]
    assert found == fixture.gold["attachments"]


def test_legacy_tcvn3_document_reads_as_unicode() -> None:
    fixture = next(f for f in ALL_FIXTURES if f.name == "nongthonmoi-legacy-doc")
    files = FIXTURES / fixture.family / f"{fixture.name}.files"
    legacy = [
        path for path in files.glob("*.doc") if detect_legacy(path.read_bytes().decode("latin-1"))
    ]
    assert legacy, "the fixture has a TCVN3 document"
    text = decode_document(legacy[0].read_bytes())
    assert fixture.gold["title"] in text.splitlines()
    assert fixture.gold["summary"] in text.splitlines()


def test_republished_copy_keeps_its_text_without_the_link_back() -> None:
    fixture = next(f for f in ALL_FIXTURES if f.name == "xacamhung-republished")
    assert fixture.gold["duplicate_of"] in fixture.html.decode("utf-8")  # the "Chi tiết" link
    article = extract_article(fixture.html, fixture.url)
    assert "Chi tiết" not in article.body.splitlines()
    assert article.body == fixture.gold["body"]
    credited = re.search(r"<strong>Nguồn: </strong>([^<]+)<", fixture.html.decode("utf-8"))[1]
    assert article.source == credited
    generic = extract_article(fixture.html, fixture.url, profile="generic")
    assert (generic.source, generic.author) == (credited, fixture.gold["author"])


@by_id
def test_every_caption_is_a_body_line_and_images_are_absolute(fixture: Fixture) -> None:
    article = extract_article(fixture.html, fixture.url)
    if fixture.name.endswith("captions"):
        assert article.images
    body_lines = set(article.body.splitlines())
    for image in article.images:
        assert image.src.startswith("http://127.0.0.1:")
        assert image.caption in body_lines


@by_id
def test_chrome_stays_out_of_the_body(fixture: Fixture) -> None:
    body = extract_article(fixture.html, fixture.url).body
    for chrome in (
        "Thêm nhận xét mới",
        "Thống kê",
        "Lượt truy cập",
        "Tin liên quan",
        "Các tin khác",
    ):
        assert chrome not in body
    assert fixture.gold["title"] not in body.splitlines()
    assert fixture.gold["author"] not in body.splitlines()


@by_id
def test_generic_profile_gets_title_date_and_most_of_the_body(fixture: Fixture) -> None:
    article = extract_article(fixture.html, fixture.url, profile="generic")

    assert article.profile == "generic"
    assert article.title == fixture.gold["title"]
    assert article.published == datetime.fromisoformat(fixture.gold["published"])
    assert token_f1(article.body, fixture.gold["body"]) >= 0.9


@by_id
def test_nfd_page_comes_out_nfc(fixture: Fixture) -> None:
    nfd_html = unicodedata.normalize("NFD", fixture.html.decode("utf-8"))
    article = extract_article(nfd_html, fixture.url)
    for name in COMPARED_FIELDS:
        assert getattr(article, name) == fixture.gold[name], name


def test_the_nfd_fixture_really_is_nfd() -> None:
    nfd = next(f for f in ALL_FIXTURES if f.name.endswith("nfd"))
    assert not unicodedata.is_normalized("NFC", nfd.html.decode("utf-8"))


def test_seed_page_fields() -> None:
    seed = next(f for f in ALL_FIXTURES if f.name == "stttt-seed")
    article = extract_article(seed.html, seed.url)
    assert article.title == "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"
    assert article.published == datetime.fromisoformat("2020-12-25T09:04:00+07:00")
    assert article.author == "H.A"
    assert article.body.endswith("vì một Hà Tĩnh giàu đẹp, văn minh./.")


# ----- detection and the family registry -------------------------------------------------


@by_id
def test_family_is_detected_from_markup(fixture: Fixture) -> None:
    assert detect_family(fixture.html, "http://127.0.0.1/anything") == fixture.family


@pytest.mark.parametrize(
    ("url", "family"),
    [
        ("http://h/ubmttq/portal/read/tin-tuc/news/mat-tran.html", "portalfolder"),
        ("http://h/dbnd/portal/folder/thuong-truc-hdnd-111/news/tong-hop.html", "portalfolder"),
        ("http://h/portal/Pages/2020-5-29/VPUB--Nam-2019-uoc-tinhkd6fqr.aspx", "tandan"),
        ("http://h/portal/pages/2015/Bai-viet.aspx", "tandan"),
        ("http://h/Tin-trong-tinh/Ha-Tinh-Phat-huy-37291.html", "nukeviet"),
        ("http://h/cong-nghe-thong-tin/-/view_content/4418033-chinh-thuc.html", "liferay"),
        ("http://h/-/-ak-lak-cong-bo-ieu-chinh-quy-hoach", "liferay"),
        ("http://h/chi-tiet-tin-tuc/so-tu-phap", None),
    ],
)
def test_family_is_detected_from_the_url_without_markup(url: str, family: str | None) -> None:
    assert detect_family(page("<p>Không có gì</p>"), url) == family


def test_nothing_is_detected_in_an_empty_page() -> None:
    assert detect_family(b"", "http://h/x") is None


def test_unknown_pages_go_to_the_generic_profile() -> None:
    article = extract_article(page("<h1>Tiêu đề bài viết</h1><p>Nội dung.</p>"), "http://h/x")
    assert article.profile == "generic"


def test_unknown_family_is_a_clear_error() -> None:
    with pytest.raises(ProfileNotFound, match=r"unknown portal family 'joomla'.*generic"):
        get_profile("joomla")
    assert issubclass(ProfileNotFound, KeyError) and issubclass(ProfileNotFound, ValueError)
    for payload in (page("<p>x</p>"), b""):
        with pytest.raises(ProfileNotFound):
            extract_article(payload, "http://h/", profile="joomla")


def test_families_and_profiles() -> None:
    assert set(FAMILIES) == {"portalfolder", "tandan", "liferay", "nukeviet", "generic"}
    assert get_profile("portalfolder").name == "portalfolder.V1"
    assert get_profile("tandan").name == "tandan.V1"
    assert get_profile("liferay").name == "liferay.V1"
    assert get_profile("nukeviet").name == "nukeviet.V4"
    assert get_profile("generic").name == "generic"


class PortalFolderV2(PortalFolderV1):
    """A template change is a subclass: only the selectors that moved are restated."""

    version = "V2"
    marker = f"//article[{has_class('post')}]"
    title_xpath = f"//article[{has_class('post')}]/header/h1"
    date_xpath = f"//article[{has_class('post')}]//time"
    body_xpath = f"//article[{has_class('post')}]/div[{has_class('post-body')}]"
    summary_xpath = f"{body_xpath}/p[normalize-space()][1]"


def test_a_family_picks_the_version_whose_template_the_page_uses() -> None:
    family = Family("portalfolder", (PortalFolderV1, PortalFolderV2))
    new_page = parse_html(
        page(
            '<article class="post"><header><h1>Tiêu đề mới</h1></header>'
            "<time>10:00 01/06/2024</time>"
            '<div class="post-body"><p>Đoạn một.</p><p>Đoạn hai.</p>'
            '<p style="text-align: right;"><strong>Thu Hà</strong></p></div></article>'
        )
    )
    old_page = parse_html(next(f for f in ALL_FIXTURES if f.family == "portalfolder").html)

    assert family.profile_for(old_page).name == "portalfolder.V1"
    article = family.profile_for(new_page).parse(new_page, "http://h/ctx/portal/read/a/news/b.html")
    assert article.profile == "portalfolder.V2"
    assert (article.title, article.summary, article.body, article.author) == (
        "Tiêu đề mới",
        "Đoạn một.",
        "Đoạn một.\nĐoạn hai.",
        "Thu Hà",
    )
    assert article.published == datetime.fromisoformat("2024-06-01T10:00:00+07:00")


# ----- URL rules -------------------------------------------------------------------------

URL_CASES = {
    "portalfolder": {
        "article": [
            "http://127.0.0.1:8001/stttt/portal/read/tin-hoat-dong/news/dau-an-nganh.html",
            "http://h/dbnd/portal/folder/thuong-truc-hdnd-111/news/tong-hop-y-kien.html",
        ],
        "listing": [
            "http://127.0.0.1:8001/stttt/portal/folder/home",
            "http://127.0.0.1:8001/stttt/portal/folder/tin-hoat-dong",
            "http://127.0.0.1:8001/stttt/portal/folder/tin-hoat-dong/27.html",
            "http://h/dhtn/portal/folder/chuong-trinh-cong-tac/3.htm",
        ],
        "skipped": [
            "http://127.0.0.1:8001/stttt/portal/search",
            "http://127.0.0.1:8001/stttt/portal/search?q=ha+tinh",
        ],
        "other": ["http://127.0.0.1:8001/stttt/static/uploads/ckeditor/images.thumb.x.jpg"],
    },
    "tandan": {
        "article": [
            "http://127.0.0.1:8000/portal/Pages/2020-12-25/Dau-an-nganh-thong-tinabc123.aspx",
            "http://h/portal/pages/2023-3-9/Ung-dung-Blockchainja6ggf.aspx",
            "http://h/portal/pages/2015/Bai-cu.aspx",
        ],
        "listing": [
            "http://127.0.0.1:8000/portal/Pages/default.aspx",
            "http://127.0.0.1:8000/portal/Pages/Tin-tuc-su-kien.aspx",
            "http://127.0.0.1:8000/portal/Pages/Tin-tuc-su-kien.aspx?PageIndex=3",
            "http://h/portal/KenhTin/Thoi-su.aspx",
        ],
        "skipped": [
            "http://h/portal/Pages/login.aspx",
            "http://h/portal/Pages/Tim-kiem.aspx?k=ha",
            "http://h/home-new/Pages/default.aspx",
            "http://h/portal/Pages/lich-tiep-cong-dan.aspx",
        ],
        "other": ["http://h/portal/Photos/2023-03-09/anh.jpg"],
    },
    "generic": {
        "article": [
            "http://h/Tin-trong-tinh/Ha-Tinh-Phat-huy-vai-tro-37291.html",
            "http://h/cong-nghe/-/view_content/4418033-chinh-thuc-kich-hoat.html",
            "http://h/chi-tiet-tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2024",
            "http://h/tin-tuc/ha-tinh-don-nhan-bang-cong-nhan-huyen-nong-thon-moi",
        ],
        "listing": [
            "http://h/",
            "http://h/Tin-trong-tinh/page-2",
            "http://h/danh-sach-tin-tuc/tin-noi-bat?page=3",
            "http://h/web/guest/tin-tuc?p_p_id=101_INSTANCE_x&_101_INSTANCE_x_cur=2",
        ],
        "skipped": [
            "http://h/dang-nhap",
            "http://h/print/bai-viet-123.html",
            "http://h/savefile/Tin-trong-tinh/Ha-Tinh-Phat-huy-vai-tro-37291.html",
            "http://h/tag/chuyen-doi-so",
        ],
        "other": [
            "http://h/images/logo.png",
            "http://h/css/site.css?v=2",
            "http://h/uploads/news/2020_07/ke-hoach.pdf",
            "http://h/documents/20182/0/ke-hoach.pdf/9326b99b-5b1e-4c1a",
        ],
    },
    "liferay": {
        "article": [
            "http://h/cong-nghe-thong-tin/-/view_content/4418033-chinh-thuc-kich-hoat.html",
            "http://h/chuyen-doi-so/-/view_content/4418229--ay-manh-to-cong-nghe-so.html",
            "http://h/-/asset_publisher/Kq0yW1f2/content/hoi-nghi?_101_INSTANCE_Kq0yW1f2_groupId=1",
            "http://h/-/-ak-lak-cong-bo-ieu-chinh-quy-hoach-tinh",
            "http://h/-/details/37632/ha-tinh-141199571",
        ],
        "listing": [
            "http://h/web/guest/trang-chu",
            "http://h/web/guest/tin-tuc-su-kien",
            "http://h/web/guest/tin-tuc-su-kien?p_p_id=101_INSTANCE_AB&p_p_state=normal"
            "&_101_INSTANCE_AB_delta=10&_101_INSTANCE_AB_cur=3",
        ],
        "skipped": [
            "http://h/tin-tuc/-/view_content/4418033-chinh-thuc.html?p_p_state=pop_up"
            "&_101_viewMode=print",
            "http://h/web/guest/tin-tuc/-/asset_publisher/AB12/rss",
            "http://h/web/guest/tim-kiem",
        ],
        "other": ["http://h/documents/20182/0/ke-hoach.pdf/9326b99b-5b1e"],
    },
    "nukeviet": {
        "article": [
            "http://h/Tin-trong-tinh/Ha-Tinh-Phat-huy-vai-tro-37291.html",
            "http://h/news/Khoa-hoc-cong-nghe/Song-khoe-90754.html",
        ],
        "listing": ["http://h/", "http://h/Tin-trong-tinh/", "http://h/Tin-trong-tinh/page-4"],
        "skipped": [
            "http://h/savefile/Tin-trong-tinh/Ha-Tinh-Phat-huy-vai-tro-37291.html",
            "http://h/print/Tin-trong-tinh/Ha-Tinh-Phat-huy-vai-tro-37291.html",
            "http://h/rss/Tin-trong-tinh/",
            "http://h/tag/nong-thon-moi",
            "http://h/seek/?q=ha",
        ],
        "other": ["http://h/uploads/news/2020_07/anh-moi-truong.png"],
    },
}
URL_KINDS = ("article", "listing", "skipped")


@pytest.mark.parametrize(
    ("family", "kind", "url"),
    [
        (family, kind, url)
        for family, kinds in URL_CASES.items()
        for kind, urls in kinds.items()
        for url in urls
    ],
)
def test_url_rules(family: str, kind: str, url: str) -> None:
    profile = get_profile(family)
    verdicts = {
        "article": profile.is_article_url(url),
        "listing": profile.is_listing_url(url),
        "skipped": profile.is_skipped_url(url),
    }
    assert verdicts == {name: name == kind for name in URL_KINDS}


# ----- what never gets invented, and the encoding quirks ---------------------------------


def test_page_without_a_date_has_none() -> None:
    html = page(
        '<ul class="breadcrumb"><li><a>Trang chủ</a></li><li><a>Tin tức</a></li></ul>'
        "<h1>Hội nghị tổng kết công tác năm</h1>"
        "<div><p>Sở Thông tin và Truyền thông tổ chức hội nghị tổng kết công tác năm, "
        "triển khai nhiệm vụ thời gian tới với sự tham gia của các phòng ban.</p>"
        "<p>Hội nghị đánh giá cao kết quả đạt được của các đơn vị trong toàn ngành.</p></div>"
    )
    for profile in (None, "generic", "portalfolder", "tandan"):
        article = extract_article(html, "http://h/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam", profile)
        assert article.published is None
        assert "published" in article.missing


def test_empty_payload_is_all_missing() -> None:
    article = extract_article(b"", "http://h/x")
    assert article.missing == ["title", "published", "body"]
    assert (article.title, article.body, article.published) == (None, "", None)


def test_entities_and_split_words_in_a_family_page() -> None:
    html = page(
        '<div class="tandan-breadcrumb"><a>Trang chủ</a> <a>Tin tức</a></div>'
        '<h1 class="tandan-p-article-news-title">'
        "Nh&#7919;ng n&#x103;m g&#7847;n &#x111;&acirc;y</h1>"
        '<span class="tandan-span-date-publish">Đăng ngày 25/12/2020 09:04</span>'
        '<p class="tandan-p-article-news-summary">Nh&#7919;ng n&#x103;m g&#7847;n đ&acirc;y.</p>'
        '<div class="tandan-p-article-main ms-rtestate-field">'
        '<p>\u200b<span style="font-size:14pt">h</span>oạt&nbsp;động <b>C</b>ung cấp.&nbsp;</p>'
        '<p style="text-align: right;"><strong>Tin, ảnh: Đức Kiên</strong></p>'
        '<div class="social-share"><a href="#">Facebook</a></div></div>'
    )
    article = extract_article(html, "http://h/portal/Pages/2020-12-25/Nhung-nam.aspx")
    assert article.title == "Những năm gần đây"
    assert article.summary == "Những năm gần đây."
    assert article.body == "Những năm gần đây.\nhoạt động Cung cấp."
    assert article.author == "Đức Kiên"
    assert article.category == "Tin tức"


def test_attachments_in_the_body() -> None:
    html = page(
        '<div class="news_detail"><h1 class="news_title">Quyết định mới</h1>'
        '<p class="news_time">09:04 25/12/2020</p><div class="news_content">'
        '<p>Ban hành quyết định.</p><p><img src="/stttt/anh.jpg"></p><p>Tệp đính kèm: '
        '<a href="/stttt/files/qd-12.pdf">Quyết định 12</a> '
        '<a href="../files/bieu-mau.docx">Biểu mẫu</a></p></div></div>'
    )
    article = extract_article(html, "http://h/stttt/portal/read/van-ban/news/quyet-dinh-moi.html")
    assert article.images == [ImageRef("http://h/stttt/anh.jpg", None)]
    assert article.attachments == [
        AttachmentRef("http://h/stttt/files/qd-12.pdf", "Quyết định 12", "application/pdf"),
        AttachmentRef(
            "http://h/stttt/portal/read/van-ban/files/bieu-mau.docx",
            "Biểu mẫu",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]


def test_title_falls_back_to_the_document_title_without_site_name() -> None:
    html = page(
        '<div class="news_content"><p>Nội dung.</p></div>',
        head="<title>Hà Tĩnh - Văn hóa - Thể thao - CỔNG THÔNG TIN ĐIỆN TỬ TỈNH HÀ TĨNH</title>",
    )
    article = extract_article(html, "http://h/a/portal/read/b/news/c.html")
    assert article.title == "Hà Tĩnh - Văn hóa - Thể thao"


def test_source_line_is_not_the_author_and_stays_in_the_body() -> None:
    html = page(
        '<div class="news_detail"><h1 class="news_title">Thông báo</h1>'
        '<p class="news_time">09:04 25/12/2020</p><div class="news_content">'
        "<p>Nội dung thông báo.</p>"
        '<p style="text-align: right;"><strong>Nguồn: Công văn số 86549/UBND-NCKS</strong></p>'
        "</div></div>"
    )
    article = extract_article(html, "http://h/a/portal/read/b/news/c.html")
    assert article.author is None
    assert article.body.endswith("Nguồn: Công văn số 86549/UBND-NCKS")
    assert article.source == "Công văn số 86549/UBND-NCKS"


@pytest.mark.parametrize(
    ("line", "styled", "author"),
    [
        ("H.A", False, "H.A"),
        ("N.N.", False, "N.N"),
        ("KY", False, "KY"),
        ("Thu Hà", True, "Thu Hà"),
        ("Thu Hà", False, "Thu Hà"),  # a full Vietnamese name on its own line
        ("Read More", False, None),
        ("Minh Anh", False, None),  # no mark says it is Vietnamese: needs styling
        ("Trần Minh Đức", True, "Trần Minh Đức"),
        ("Tác giả: Trần Minh Đức", False, "Trần Minh Đức"),
        ("Tin, ảnh: Đức Kiên", False, "Đức Kiên"),
        ("Tin ảnh: Đức Kiên", False, "Đức Kiên"),
        ("Nguồn: Công văn số 86549/UBND-NCKS", True, None),
        ("Theo Báo Hà Tĩnh", True, None),
        ("Hội nghị đã thành công tốt đẹp.", True, None),
        ("Đây là một câu dài hơn nhiều so với một cái tên bình thường", True, None),
    ],
)
def test_author_from_signoff(line: str, styled: bool, author: str | None) -> None:
    assert author_from_signoff(line, styled=styled) == author


# ----- the generic profile's article verdict ---------------------------------------------


@by_id
def test_generic_profile_takes_every_article_page_for_an_article(fixture: Fixture) -> None:
    assert get_profile("generic").is_article_page(parse_html(fixture.html), fixture.url)


def test_generic_profile_takes_a_listing_for_no_article() -> None:
    items = "".join(
        f'<div><h3><a href="/tin-tuc/tin-so-{day}.html">Tin số {day} về chuyển đổi số</a></h3>'
        f"<p><em>{day}/12/2020</em></p><p>{'Nội dung tóm tắt của bài viết. ' * 4}</p></div>"
        for day in range(20, 26)
    )
    listing = parse_html(page(f"<h1>Tin tức</h1>{items}", head="<title>Tin tức</title>"))
    assert not get_profile("generic").is_article_page(listing, "http://h/tin-tuc/")


def test_generic_profile_takes_an_undated_page_for_no_article() -> None:
    undated = parse_html(page(f"<h1>Giới thiệu</h1><p>{'Lịch sử hình thành. ' * 20}</p>"))
    assert not get_profile("generic").is_article_page(undated, "http://h/gioi-thieu-chung.html")
