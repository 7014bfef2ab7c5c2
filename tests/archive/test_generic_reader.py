"""The generic reader decides from evidence any site gives, and chrome cannot fool it.

Each page here is written to put one kind of evidence against another: a
dated sidebar, a related list, reader comments and a "today" date in the
header against the article's own date; an article inside blocks named like
chrome; a static page in the article template; a CMS account and commenters
against the writer.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from archive.dates import PORTAL_TZ
from archive.extract import extract_article, parse_html
from archive.profiles import get_profile
from archive.profiles.base import signoff_left_out, split_signoff
from archive.profiles.boilerplate import MainText
from archive.profiles.layout import main_block, story_lists

PROSE = (
    "Sáng 25/12, Sở Thông tin và Truyền thông tổ chức hội nghị tổng kết công tác năm 2020, "
    "đánh giá kết quả chuyển đổi số trên địa bàn tỉnh và triển khai nhiệm vụ năm tới. "
)
URL = "http://portal.example/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2020.html"
TITLE = "Hội nghị tổng kết công tác thông tin và truyền thông năm 2020"


def page(article: str, *, head: str = "", header: str = "", after: str = "") -> str:
    """A portal page: header with today's date, a dated sidebar, the article, more chrome."""
    sidebar = "".join(
        f'<li><a href="/tin-tuc/tin-khac-so-{n}.html">Tin khác số {n} về cải cách hành chính'
        f" tỉnh</a> <span>{n:02d}/11/2020 08:00</span></li>"
        for n in range(1, 8)
    )
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{TITLE} - Cổng thông tin điện tử</title>{head}</head><body>"
        f'<div class="top">{header or "Thứ ba, 01/12/2026"}</div>'
        f'<div class="col-left"><h3>Đọc nhiều</h3><ul>{sidebar}</ul></div>'
        f'<div class="col-main">{article}{after}</div>'
        f'<div class="foot">Bản quyền thuộc Sở Thông tin và Truyền thông.</div></body></html>'
    )


def article(date_line: str = "09:04 25/12/2020", closing: str = "<p>H.A</p>") -> str:
    return f"<h1>{TITLE}</h1><p>{date_line}</p>" + f"<p>{PROSE}</p>" * 4 + closing


COMMENTS = (
    '<div class="y-kien"><h3>Ý kiến bạn đọc</h3>'
    "<div><b>Nguyễn Văn An</b> <span>26/12/2020 10:00</span><p>Bài viết rất hay.</p></div>"
    "<div><b>Trần Thị Bình</b> <span>27/12/2020 11:00</span><p>Cảm ơn ban biên tập.</p></div>"
    "</div>"
)
RELATED = (
    "<div><h3>Tin cùng chuyên mục</h3><ul>"
    + "".join(
        f'<li><a href="/tin-tuc/bai-lien-quan-{n}.html">Bài liên quan số {n} về chuyển đổi số'
        f" của tỉnh</a> ({n + 10:02d}/12/2020)</li>"
        for n in range(1, 6)
    )
    + "</ul></div>"
)


def test_the_date_is_the_one_by_the_headline_not_the_header_sidebar_or_comments() -> None:
    html = page(article(), after=RELATED + COMMENTS)
    tree = parse_html(html)
    generic = get_profile("generic")
    extracted = extract_article(html, URL, profile="generic")
    assert generic.is_article_page(tree, URL)
    assert extracted.published == datetime(2020, 12, 25, 9, 4, tzinfo=PORTAL_TZ)
    assert extracted.title == TITLE


def test_a_date_printed_before_the_headline_is_found_too() -> None:
    body = f"<p>Thứ sáu - 25/12/2020 09:04</p><h1>{TITLE}</h1>" + f"<p>{PROSE}</p>" * 4
    extracted = extract_article(page(body, after=RELATED), URL, profile="generic")
    assert extracted.published == datetime(2020, 12, 25, 9, 4, tzinfo=PORTAL_TZ)


def test_a_static_page_in_the_article_template_is_no_article() -> None:
    static = "<h1>Giới thiệu chung</h1>" + f"<p>{PROSE}</p>" * 4
    tree = parse_html(page(static, after=RELATED))
    assert not get_profile("generic").is_article_page(tree, "http://portal.example/gioi-thieu")


def test_a_listing_with_summaries_is_no_article() -> None:
    items = "".join(
        f'<div><h3><a href="/tin-tuc/tin-so-{n}.html">Tin số {n} về chuyển đổi số của tỉnh'
        f"</a></h3><p>{n:02d}/12/2020</p><p>{PROSE}</p></div>"
        for n in range(1, 11)
    )
    tree = parse_html(page(f"<h1>Tin tức</h1>{items}"))
    assert not get_profile("generic").is_article_page(tree, "http://portal.example/tin-tuc/")


def test_an_article_in_blocks_named_like_chrome_is_kept_whole() -> None:
    wrapped = (
        f'<div class="content-with-sidebar"><div class="article-footer-wrap">{article()}'
        "</div></div>"
    )
    extracted = extract_article(page(wrapped), URL, profile="generic")
    assert extracted.body.count("Sáng 25/12") == 4
    assert "Đọc nhiều" not in extracted.body


def test_lists_of_other_stories_and_comments_stay_out_of_the_text() -> None:
    extracted = extract_article(page(article(), after=RELATED + COMMENTS), URL, profile="generic")
    assert "Bài liên quan số 1" not in extracted.body
    assert "Tin khác số 1" not in extracted.body
    assert extracted.author == "H.A"


def test_story_lists_are_found_by_their_shape_whatever_they_are_named() -> None:
    tree = parse_html(page(article(), after=RELATED))
    lists = story_lists(tree, main_block(tree))
    texts = [" ".join(block.text_content().split()) for block in lists]
    assert any("Bài liên quan số 1" in text for text in texts)
    assert any("Tin khác số 1" in text for text in texts)
    assert not any("Sáng 25/12" in text for text in texts)


def test_a_list_of_stories_with_summaries_after_the_article_is_cut() -> None:
    summaries = (
        '<div class="c56e52"><h3>Xem thêm</h3><ul>'
        + "".join(
            f'<li><a href="/tin-tuc/bai-{n}.html">Bài số {n} về chuyển đổi số của tỉnh</a>'
            f" <span>{n:02d}/11/2020 08:00</span><p>Tóm tắt bài số {n}: huyện đã tập trung"
            " lãnh đạo, chỉ đạo thực hiện và đạt nhiều kết quả tích cực.</p></li>"
            for n in range(1, 8)
        )
        + "</ul></div>"
    )
    extracted = extract_article(page(article(), after=summaries), URL, profile="generic")
    assert "Tóm tắt" not in extracted.body
    assert extracted.body.count(PROSE.strip()) == 4
    assert extracted.author == "H.A"


def test_a_cms_account_or_a_commenter_is_never_the_author() -> None:
    posted = article(date_line="09:04 25/12/2020 | Người đăng: admin | Lượt xem: 1.234", closing="")
    extracted = extract_article(page(posted, after=COMMENTS), URL, profile="generic")
    assert extracted.author is None


def test_the_author_from_a_byline_or_a_labelled_line_after_the_text() -> None:
    byline = article(date_line="09:04 25/12/2020 | Trần Minh Đức | Lượt xem: 12", closing="")
    assert extract_article(page(byline), URL, profile="generic").author == "Trần Minh Đức"
    labelled = page(article(closing=""), after='<span class="x1">Tác giả: Thu Hà</span>')
    assert extract_article(labelled, URL, profile="generic").author == "Thu Hà"


def test_structured_data_gives_the_date_with_the_publishers_own_offset() -> None:
    ld_json = (
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "NewsArticle", "headline": "Late news", "datePublished":'
        ' "2020-12-25T23:30:00-05:00", "author": {"@type": "Person", "name": "Jane Roe"}}'
        "</script>"
    )
    body = "<h1>Late news</h1>" + "<p>The council met late in the evening to vote.</p>" * 6
    html = (
        f'<html lang="en"><head><title>Late news</title>{ld_json}</head><body>{body}</body></html>'
    )
    extracted = extract_article(html, "https://news.example/2020/late-news", profile="generic")
    assert extracted.published == datetime(
        2020, 12, 25, 23, 30, tzinfo=timezone(-timedelta(hours=5))
    )
    assert extracted.published.date().isoformat() == "2020-12-25"
    assert extracted.author == "Jane Roe"


def test_a_headline_without_a_heading_tag_is_found_by_the_title() -> None:
    body = f'<div class="tieu-de">{TITLE}</div><p>25/12/2020 09:04</p>' + f"<p>{PROSE}</p>" * 4
    tree = parse_html(page(body))
    assert get_profile("generic").is_article_page(tree, URL)
    assert extract_article(page(body), URL, profile="generic").title == TITLE


def test_a_page_laid_out_in_tables_reads_as_text() -> None:
    layout = (
        "<table><tr><td><div>Trang chủ | Giới thiệu | Liên hệ</div></td></tr>"
        f"<tr><td><div>{article()}</div></td><td><p>Liên kết website</p></td></tr></table>"
    )
    extracted = extract_article(page(layout), URL, profile="generic")
    assert "|" not in extracted.body
    assert extracted.body.splitlines()[0].startswith("Sáng 25/12")


def test_a_data_table_in_the_article_is_kept_and_a_meta_remnant_is_not() -> None:
    table = (
        "<table><tr><th>Đơn vị</th><th>Hồ sơ</th></tr>"
        "<tr><td>Sở Thông tin và Truyền thông</td><td>1.234</td></tr>"
        "<tr><td>Sở Tài chính</td><td>987</td></tr></table>"
    )
    body = article(date_line="09:04 25/12/2020 | Lượt xem: 12", closing=table)
    extracted = extract_article(page(body), URL, profile="generic")
    assert "Sở Tài chính" in extracted.body
    assert "Lượt xem" not in extracted.body


def test_a_byline_in_a_meta_line_whose_date_is_a_block_of_its_own() -> None:
    meta = (
        '<span class="meta"><p>Đăng tải: 09h04 ngày 25/12/2020</p> | <span>Trần Minh Đức</span>'
        " | <span>Người đăng: Biên tập viên</span> | <span>Lượt xem: 12</span></span>"
    )
    body = f"<h1>{TITLE}</h1>{meta}" + f"<p>{PROSE}</p>" * 4
    extracted = extract_article(page(body), URL, profile="generic")
    assert extracted.author == "Trần Minh Đức"
    assert extracted.published == datetime(2020, 12, 25, 9, 4, tzinfo=PORTAL_TZ)


def test_a_byline_on_the_line_of_a_date_block() -> None:
    # A ``p`` inside a ``p`` is closed by the parser: the line's parts become loose siblings.
    meta = (
        '<p class="meta"><p>Cập nhật: Thứ sáu, 25.12.2020 - 09:04:26</p> | <span>Q.N</span>'
        " | <span>Người đăng: webmaster</span> | <span>Lượt xem: 371</span></p>"
    )
    body = f"<section><h1>{TITLE}</h1>{meta}" + f"<p>{PROSE}</p>" * 4 + "</section>"
    extracted = extract_article(page(body), URL, profile="generic")
    assert extracted.author == "Q.N"
    assert extracted.published == datetime(2020, 12, 25, 9, 4, 26, tzinfo=PORTAL_TZ)


def test_initials_alone_under_the_headline_are_the_byline() -> None:
    body = (
        f'<section><p class="ten-bai">{TITLE}</p><span class="thong-tin"><span>Q.N</span></span>'
        "<div><p>25/12/2020 09:04</p>" + f"<p>{PROSE}</p>" * 4 + "</div></section>"
    )
    assert extract_article(page(body), URL, profile="generic").author == "Q.N"


def test_a_sentence_opening_with_theo_is_text_not_a_source_credit() -> None:
    report = "Theo báo cáo, đến nay toàn tỉnh đã hoàn thành 85% kế hoạch đề ra, vượt cùng kỳ."
    body = (
        f"<h1>{TITLE}</h1><p>09:04 25/12/2020</p>" + f"<p>{PROSE}</p>" * 3
        + "<p><strong>Tháo gỡ khó khăn, vướng mắc</strong></p>"
        + f"<p>{report}</p>"
    )  # fmt: skip
    extracted = extract_article(page(body), URL, profile="generic")
    assert extracted.author is None
    assert extracted.source is None
    assert extracted.body.splitlines()[-1] == report


def test_a_byline_by_the_headline_inside_a_block_named_like_chrome() -> None:
    # The whole article, headline and byline included, sits in a "sidebar"-named block.
    body = (
        f'<section class="content-with-sidebar"><h1>{TITLE}</h1>'
        '<div><span class="by">Bài, ảnh: Minh Châu</span> | <span>Lượt xem: 8.303</span></div>'
        "<p>25/12/2020 09:04</p>" + f"<p>{PROSE}</p>" * 4 + "</section>"
    )
    unlabelled = body.replace("Bài, ảnh: Minh Châu", "Minh Châu")
    for html, name in ((body, "Minh Châu"), (unlabelled, "Minh Châu")):
        assert extract_article(page(html), URL, profile="generic").author == name


def test_a_signoff_left_out_of_the_text_is_read_before_the_attachments() -> None:
    # trafilatura now and then drops the short sign-off between the text and its source line.
    text = MainText(
        lines=[PROSE, "Nguồn: Báo Hà Tĩnh"],
        page=[PROSE, "Thu Hà", "Nguồn: Báo Hà Tĩnh", "Văn bản đính kèm", "Kế hoạch 112", "Zalo"],
    )
    scope = parse_html("<div><p><b>Văn bản đính kèm</b></p></div>")
    assert signoff_left_out(text, scope) == "Thu Hà"
    # A bold heading right after the text is no name.
    unsigned = MainText(lines=[PROSE], page=[PROSE, "Văn bản đính kèm", "Kế hoạch 112", "Zalo"])
    assert signoff_left_out(unsigned, scope) is None


def test_a_signoff_followed_by_share_buttons() -> None:
    lines = [PROSE, "Minh Châu", "Share: Facebook Twitter Zalo Từ khóa: Chuyển đổi số"]
    scope = parse_html(f"<div><p>{PROSE}</p><p><b>Minh Châu</b></p></div>")
    assert split_signoff(lines, scope) == ([PROSE], "Minh Châu")
