"""Pools of the names real portal templates use, for the generated families to draw from.

Class and id names come in English and in Vietnamese without diacritics, as
theme authors write them. Some names of the article's own wrappers contain
chrome-ish words (`content-with-sidebar`, `article-footer-wrap`): real themes do
that, and a reader that drops every element named "sidebar" or "footer" loses
the article.
"""

from __future__ import annotations

# Class or id names by the role of the element that carries them.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "article": (
        "news-detail", "baiviet", "chitiet", "chi-tiet-tin", "article", "post", "detail",
        "content-detail", "tin-chi-tiet", "newsdetail", "box-news-detail", "single-post",
        "content-with-sidebar", "article-footer-wrap", "main-content", "col-main", "ndtin",
    ),
    "body": (
        "noidung", "content-main", "article-body", "post-content", "news-content",
        "entry-content", "detail-content", "fulltext", "bodytext", "nd-baiviet", "content",
        "chi-tiet-noi-dung", "article-content", "text-detail", "news_body", "ContentDetail",
    ),
    "title": (
        "title", "news-title", "tieude", "tieu-de", "post-title", "article-title",
        "entry-title", "headline", "ten-bai", "title-detail", "TieuDe",
    ),
    "date": (
        "date", "ngay-dang", "time", "post-date", "meta-date", "ngaydang", "publish-date",
        "thoigian", "date-time", "news-date", "entry-date",
    ),
    "sapo": ("sapo", "lead", "tomtat", "summary", "mota", "intro", "description", "news-sapo"),
    "related": (
        "tin-lien-quan", "related", "other-news", "tin-khac", "more-news", "box-related",
        "cac-tin-khac", "related-posts", "tincungchuyenmuc",
    ),
    "sidebar": (
        "sidebar", "cot-phai", "right-col", "col-right", "widget-area", "box-right", "aside",
        "cot-trai", "left-col",
    ),
    "footer": ("footer", "chan-trang", "site-footer", "bottom", "footer-info", "copyright"),
    "header": ("header", "dau-trang", "top", "site-header", "banner", "top-bar"),
    "comments": ("binh-luan", "comments", "comment-list", "y-kien", "feedback", "ykienbandoc"),
    "nav": ("menu", "main-nav", "nav", "menu-top", "danh-muc", "navbar", "mainmenu"),
    "breadcrumb": ("breadcrumb", "breadcrumbs", "duong-dan", "path", "crumbs"),
    "meta": ("meta", "post-meta", "info", "thong-tin", "article-meta", "tools"),
    "author": ("author", "tac-gia", "tacgia", "signature", "byline", "butdanh"),
    "list": ("list-news", "danh-sach", "news-list", "listing", "category-news", "dstin"),
    "item": ("item", "news-item", "tin", "post-item", "row-news", "list-item"),
    "pager": ("pagination", "pager", "phan-trang", "paging", "page-nav"),
}  # fmt: skip

# BEM blocks and elements: `article__body`, `c-post__title`.
BEM_BLOCKS = ("article", "news", "post", "c-post", "detail", "tin", "o-main")
BEM_ELEMENTS = ("body", "content", "title", "date", "lead", "box", "inner", "list", "meta")
# Classes on wrappers that mean nothing: layout grids and boxes.
FILLERS = (
    "row", "col-md-8", "col-md-9", "col-sm-12", "inner", "box", "wrap", "container",
    "clearfix", "block", "panel", "panel-body", "region", "zone", "portlet-body",
)  # fmt: skip

WEEKDAY_SPELLINGS = (
    ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"),
    ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật"),
)
DATE_LABELS = (
    "", "", "Ngày đăng: ", "Đăng ngày ", "Cập nhật: ", "Ngày cập nhật: ", "Đăng tải: ",
    "Ngày xuất bản: ", "Thời gian đăng: ",
)  # fmt: skip

RELATED_HEADINGS = ("Tin liên quan", "Tin khác", "Các tin khác", "Tin cùng chuyên mục",
                    "Các tin đã đưa", "Bài viết liên quan", "Xem thêm")  # fmt: skip
SIDEBAR_HEADINGS = ("Tin mới nhất", "Đọc nhiều", "Tin nổi bật", "Thông báo", "Văn bản mới",
                    "Tin xem nhiều", "Sự kiện")  # fmt: skip
TICKER_HEADINGS = ("Tin mới", "Tiêu điểm", "Tin nóng", "Nổi bật")
POSTERS = ("admin", "Super User", "Quản trị viên", "Biên tập viên", "webmaster", "bientap01")
COMMENTERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh", "Phạm Hùng", "Hoàng Lan",
              "Bạn đọc Thạch Hà", "Võ Thị Hoa", "Đặng Quốc Tuấn")  # fmt: skip
COMMENTS = (
    "Bài viết rất hay và thiết thực, cảm ơn ban biên tập.",
    "Mong tỉnh tiếp tục quan tâm hơn nữa đến vùng nông thôn.",
    "Đề nghị cơ quan chức năng sớm có hướng dẫn cụ thể cho người dân.",
    "Thông tin bổ ích, tôi đã chia sẻ cho bà con trong xóm.",
)
SHARE_LABELS = ("Chia sẻ", "Chia sẻ bài viết", "Share")
PRINT_LABELS = ("In bài viết", "Bản in", "In trang", "In")
SEARCH_LABELS = ("Tìm kiếm", "Tìm", "Tra cứu")
NEXT_LABELS = ("Tiếp", "»", "Sau", "Trang sau", ">", "Tiếp »")
ATTACHMENT_HEADINGS = ("Tệp đính kèm:", "File đính kèm", "Tải về", "Văn bản đính kèm")
HOME_LABELS = ("Trang chủ", "Trang nhất", "Home")

SITE_NAMES = (
    "Cổng thông tin điện tử huyện Hương Sơn",
    "Sở Kế hoạch và Đầu tư Hà Tĩnh",
    "UBND xã Thạch Kim",
    "Sở Y tế Hà Tĩnh",
    "Trung tâm Hành chính công tỉnh Hà Tĩnh",
    "UBND thành phố Hà Tĩnh",
    "Sở Giáo dục và Đào tạo Hà Tĩnh",
    "Liên đoàn Lao động tỉnh Hà Tĩnh",
    "UBND huyện Cẩm Xuyên",
    "Sở Nội vụ Hà Tĩnh",
    "UBND xã Kỳ Tân",
    "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh",
)
# Display name and topic; the topic picks the title and sentence pools.
CATEGORIES = (
    ("Tin tức - Sự kiện", "chung"),
    ("Tin hoạt động", "chung"),
    ("Hoạt động lãnh đạo", "lanhdao"),
    ("Chuyển đổi số", "so"),
    ("Văn bản chỉ đạo điều hành", "vanban"),
    ("Văn hóa - Xã hội", "vanhoa"),
    ("Thể thao", "thethao"),
    ("Nông thôn mới", "nongthon"),
    ("Kinh tế", "nongthon"),
    ("Tin địa phương", "chung"),
    ("Cải cách hành chính", "so"),
)
# Pages that wear the article template but are no articles: no date, no author.
STATIC_PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Giới thiệu",
        (
            "Cơ quan là đơn vị trực thuộc UBND tỉnh Hà Tĩnh, có chức năng tham mưu, giúp UBND "
            "tỉnh quản lý nhà nước trong lĩnh vực được giao.",
            "Cơ quan có tư cách pháp nhân, có con dấu và tài khoản riêng theo quy định.",
        ),
    ),
    (
        "Liên hệ",
        (
            "Địa chỉ: Số 1 đường Nguyễn Du, thành phố Hà Tĩnh, tỉnh Hà Tĩnh.",
            "Điện thoại: 0239.3855.123 - Fax: 0239.3855.124.",
            "Email: vanthu@hatinh.gov.vn.",
        ),
    ),
    (
        "Sơ đồ cơ cấu tổ chức",
        (
            "Lãnh đạo cơ quan gồm Giám đốc và các Phó Giám đốc.",
            "Các phòng chuyên môn: Văn phòng, Phòng Kế hoạch - Tài chính, Thanh tra.",
        ),
    ),
    (
        "Chức năng, nhiệm vụ",
        (
            "Trình UBND tỉnh dự thảo quyết định, chỉ thị và các văn bản khác thuộc thẩm quyền.",
            "Tổ chức thực hiện các văn bản quy phạm pháp luật, quy hoạch, kế hoạch sau khi được "
            "phê duyệt.",
        ),
    ),
)
# Sites of the real world a portal links to; the testbed never serves or contacts them.
OUTSIDE = (
    ("Cổng thông tin điện tử Chính phủ", "https://www.chinhphu.vn/"),
    ("Báo Điện tử Chính phủ", "https://baochinhphu.vn/"),
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ("Báo Hà Tĩnh", "https://baohatinh.vn/"),
    ("Bộ Thông tin và Truyền thông", "https://mic.gov.vn/"),
    ("Cơ sở dữ liệu quốc gia về văn bản pháp luật", "https://vbpl.vn/"),
)
