"""Known-item relevance over a small testbed archive.

Each query is what a researcher would type to find one article they know of:
its title with or without diacritics, part of it, a phrase from its body, its
author and topic, or its topic within a date range. The index is built from
the testbed's gold with the project's indexer; the measure is the mean
reciprocal rank of the known article among the first ten hits (MRR@10).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pytest
from whoosh import index as whoosh_index

import testbed
from search.indexer import ArticleIndex
from search.parsing import parse_query

from .fakes import FakeArticle

TESTBED_ARTICLES = 300
TESTBED_SEED = 1
TOP = 10
MIN_MRR = 0.9


@dataclass(frozen=True)
class KnownItem:
    query: str
    title: str  # of the one article the query is meant to find


COVID_CAM_XUYEN = "Kiểm tra công tác phòng, chống dịch Covid-19 tại huyện Cẩm Xuyên"
# Its title is led by the notice it cites.
COVID_CAM_XUYEN_TITLE = f"Quán triệt Thông báo số 473/TB-UBND: {COVID_CAM_XUYEN}"
TET_TAN_SUU = (
    "Chỉ thị của Ban Thường vụ Tỉnh ủy về lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị"
    " trọng tâm trước, trong và sau Tết Nguyên đán Tân Sửu 2021"
)

# Title words as written, whole titles or the part a researcher remembers.
ACCENTED_TITLES = [
    KnownItem(
        "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020",
        "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020",
    ),
    KnownItem(
        "Hà Tĩnh thu ngân sách nội địa 8.018 tỷ đồng",
        "Hà Tĩnh thu ngân sách nội địa 8.018 tỷ đồng, đạt 135% dự toán Trung ương giao",
    ),
    KnownItem(
        "Ngăn người nhập cảnh trái phép qua đường mòn",
        "Ngăn người nhập cảnh trái phép qua đường mòn, lối mở để phòng dịch Covid-19",
    ),
    KnownItem("Chỉ thị của Ban Thường vụ Tỉnh ủy về lãnh đạo", TET_TAN_SUU),
    KnownItem("Tết Nguyên đán Tân Sửu", TET_TAN_SUU),
    KnownItem("Sức hút của thư viện tỉnh", "Hà Tĩnh: Sức hút của thư viện tỉnh năm 2023"),
    KnownItem("tour du lịch Xuân Thành", "Kết nối tour, tuyến du lịch Xuân Thành ở xã Xuân Thành"),
    KnownItem("giải cờ tướng Vũ Quang", "Khai mạc giải cờ tướng thị trấn Vũ Quang quý I/2017"),
    KnownItem(
        "rèn luyện thân thể theo gương Bác Hồ",
        "Phường Kỳ Thịnh: Tổng kết phong trào rèn luyện thân thể theo gương Bác Hồ vĩ đại"
        " quý III/2017",
    ),
    KnownItem(
        "Bảo tồn bảo tàng tỉnh",
        "Huyện Hương Khê: Bảo tồn bảo tàng tỉnh gắn với phát triển du lịch năm 2023",
    ),
    KnownItem(
        "an toàn thông tin mạng huyện Thạch Hà",
        "Sở Thông tin và Truyền thông kiểm tra an toàn thông tin mạng tại huyện Thạch Hà",
    ),
    KnownItem(
        "huy chương pickleball quý III/2024",
        "Hà Tĩnh giành nhiều huy chương tại giải pickleball quý III/2024",
    ),
    KnownItem(
        "Chủ tịch UBND tỉnh kiểm tra thu hút đầu tư",
        "Chủ tịch UBND tỉnh kiểm tra thu hút đầu tư tại phường Sông Trí",
    ),
    KnownItem(
        "kiên cố hóa kênh mương Vũ Quang", "Hiệu quả từ kiên cố hóa kênh mương ở thị trấn Vũ Quang"
    ),
    KnownItem(
        "Huyện Đức Thọ: Nhiều kết quả tích cực trong công tác dân vận",
        "Huyện Đức Thọ: Nhiều kết quả tích cực trong công tác dân vận",
    ),
    KnownItem(
        "phòng họp trực tuyến Nghèn",
        "Thị trấn Nghèn triển khai phòng họp trực tuyến 9 tháng năm 2022",
    ),
    KnownItem(
        "chương trình OCOP Cương Gián",
        "Xã Cương Gián nỗ lực hoàn thành chương trình OCOP quý III/2023",
    ),
]

# The same kind of queries typed without diacritics.
UNACCENTED_TITLES = [
    KnownItem(
        "dau an nganh thong tin va truyen thong",
        "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020",
    ),
    KnownItem(
        "ngan nguoi nhap canh trai phep",
        "Ngăn người nhập cảnh trái phép qua đường mòn, lối mở để phòng dịch Covid-19",
    ),
    KnownItem(
        "hoi nghi tong ket an toan giao thong giai doan 2016-2020",
        "Hội nghị tổng kết an toàn giao thông giai đoạn 2016-2020",
    ),
    KnownItem(
        "hong linh nuoi trong thuy san",
        "Thị xã Hồng Lĩnh về đích nuôi trồng thủy sản 9 tháng năm 2022",
    ),
    KnownItem(
        "bao ve rung mua kho 6 thang dau nam 2024",
        "Quyết định phê duyệt đề án bảo vệ rừng mùa khô 6 tháng đầu năm 2024",
    ),
    KnownItem(
        "cam xuyen dang cai giai boi loi", "Huyện Cẩm Xuyên đăng cai giải bơi lội quý I/2021"
    ),
    KnownItem("chu ky so xa son tay", "Hà Tĩnh: Hiệu quả bước đầu từ chữ ký số ở xã Sơn Tây"),
    KnownItem(
        "thanh toan khong dung tien mat thanh pho ha tinh",
        "Tập huấn thanh toán không dùng tiền mặt cho cán bộ thành phố Hà Tĩnh",
    ),
    KnownItem(
        "ky trinh chuyen doi co cau cay trong",
        "Người dân phường Kỳ Trinh chung sức chuyển đổi cơ cấu cây trồng",
    ),
    KnownItem(
        "thao go vuong mac san xuat vu xuan",
        "Tháo gỡ vướng mắc về sản xuất vụ Xuân tại phường Kỳ Phương quý III/2019",
    ),
    KnownItem(
        "tiet kiem chong lang phi huong khe",
        "Hướng dẫn triển khai thực hành tiết kiệm, chống lãng phí tại huyện Hương Khê"
        " 6 tháng đầu năm 2022",
    ),
    KnownItem(
        "to cong nghe so cong dong duc tho",
        "Đẩy mạnh tổ công nghệ số cộng đồng tại huyện Đức Thọ năm 2018",
    ),
    KnownItem(
        "ky luat ky cuong hanh chinh thi tran nghen",
        "Công văn chỉ đạo kỷ luật, kỷ cương hành chính trên địa bàn thị trấn Nghèn quý I/2025",
    ),
]

# A phrase from the body that no other article has.
BODY_PHRASES = [
    KnownItem(
        '"sơ kết giải bơi lội"',
        "Hà Tĩnh giành nhiều huy chương tại đội tuyển điền kinh 6 tháng đầu năm 2024",
    ),
    KnownItem(
        '"dồn điền, đổi thửa trên địa bàn xã Thiên Lộc"',
        "Thị xã Hồng Lĩnh về đích nuôi trồng thủy sản 9 tháng năm 2022",
    ),
    KnownItem(
        '"Đức Đồng đang từng bước khẳng định hiệu quả của giải phóng mặt bằng"',
        "Người dân phường Kỳ Trinh chung sức chuyển đổi cơ cấu cây trồng",
    ),
    KnownItem(
        '"xa cam nhuong dang tung buoc khang dinh hieu qua"',
        "Sở Thông tin và Truyền thông kiểm tra thanh toán không dùng tiền mặt tại huyện Vũ Quang"
        " quý I/2019",
    ),
    KnownItem(
        '"Sở Kế hoạch và Đầu tư tổ chức sơ kết chuyển đổi số"',
        "Công văn chỉ đạo công tác phòng cháy, chữa cháy trên địa bàn xã Kỳ Hoa quý I/2018",
    ),
    KnownItem('"phường Sông Trí đã tập trung lãnh đạo"', COVID_CAM_XUYEN_TITLE),
    KnownItem(
        "phuong ky lien da tap trung lanh dao chi dao thuc hien he thong mot cua",
        "Tập huấn hệ thống truyền thanh cơ sở ứng dụng CNTT cho cán bộ xã Kỳ Lợi",
    ),
]

# Who wrote it and roughly what about.
AUTHOR_AND_TOPIC = [
    KnownItem(
        'author:"Thanh Hương" trật tự an toàn giao thông',
        "Quyết định phê duyệt đề án bảo đảm trật tự an toàn giao thông giai đoạn 2016-2020",
    ),
    KnownItem('author:"Lê Hoa" cờ tướng', "Khai mạc giải cờ tướng thị trấn Vũ Quang quý I/2017"),
    KnownItem(
        'author:"Trần Minh Đức" điền kinh',
        "Hà Tĩnh giành nhiều huy chương tại đội tuyển điền kinh 6 tháng đầu năm 2024",
    ),
    KnownItem(
        'author:"Thu Hà" an toàn thông tin mạng',
        "Sở Thông tin và Truyền thông kiểm tra an toàn thông tin mạng tại huyện Thạch Hà",
    ),
    KnownItem(
        "author:P.V bao ve moi truong",
        "Xã Kỳ Hà: Nhiều kết quả tích cực trong bảo vệ môi trường năm 2021",
    ),
]

# A topic that recurs, and the time the researcher remembers.
DATE_BOUNDED = [
    KnownItem(f"{COVID_CAM_XUYEN} date:2019", COVID_CAM_XUYEN_TITLE),
    KnownItem(
        "đẩy mạnh an toàn giao thông date:2021-06",
        "Hà Tĩnh đẩy mạnh an toàn giao thông 9 tháng năm 2021",
    ),
    KnownItem(
        "giai pickleball date:2024-03..2024-05",
        "Hà Tĩnh giành nhiều huy chương tại giải pickleball năm 2024",
    ),
]

KNOWN_ITEMS = ACCENTED_TITLES + UNACCENTED_TITLES + BODY_PHRASES + AUTHOR_AND_TOPIC + DATE_BOUNDED


@pytest.fixture(scope="module")
def testbed_index(tmp_path_factory: pytest.TempPathFactory) -> whoosh_index.Index:
    """The gold of a small testbed, indexed; copies are left out as the hit list folds them."""
    with testbed.Testbed(articles=TESTBED_ARTICLES, seed=TESTBED_SEED) as portal:
        originals = [article for article in portal.gold() if not article.get("duplicate_of")]
    index_dir = tmp_path_factory.mktemp("relevance") / "index"
    ArticleIndex(index_dir).add(_as_article(number, gold) for number, gold in enumerate(originals))
    return whoosh_index.open_dir(str(index_dir))


def _as_article(number: int, gold: dict[str, str]) -> FakeArticle:
    return FakeArticle(
        id=number,
        body=gold["body"],
        title=gold["title"],
        summary=gold.get("summary"),
        url=gold["url"],
        site_key=gold["site"],
        published=datetime.fromisoformat(gold["published"]),
        author=gold.get("author"),
        category=gold.get("category"),
    )


def rank(index: whoosh_index.Index, item: KnownItem) -> int | None:
    """The known article's place (1 is first) among the first ``TOP`` hits, None if absent."""
    with index.searcher() as searcher:
        parsed = parse_query(item.query, index.schema)
        hits = searcher.search(parsed, limit=TOP)
        titles = [hit["title"] for hit in hits]
    return titles.index(item.title) + 1 if item.title in titles else None


def test_the_set_is_large_and_names_articles_that_exist(testbed_index: whoosh_index.Index) -> None:
    assert len(KNOWN_ITEMS) >= 40
    with testbed_index.searcher() as searcher:
        titles = Counter(fields["title"] for fields in searcher.all_stored_fields())
    assert all(titles[item.title] == 1 for item in KNOWN_ITEMS), "a known item must be unique"


def test_known_items_rank_first(testbed_index: whoosh_index.Index) -> None:
    ranks = {item.query: rank(testbed_index, item) for item in KNOWN_ITEMS}
    mrr = sum(1 / place for place in ranks.values() if place) / len(ranks)
    misses = {query: place for query, place in ranks.items() if place != 1}
    assert mrr >= MIN_MRR, f"MRR@{TOP} {mrr:.3f}; not first: {misses}"


def test_title_words_typed_with_diacritics_find_the_article_first(
    testbed_index: whoosh_index.Index,
) -> None:
    # Each of these words is spelled exactly in the title; that article comes first
    # even when Whoosh's top-N search would skip low-scoring parts of the query.
    ranks = {item.query: rank(testbed_index, item) for item in ACCENTED_TITLES}
    assert {query: place for query, place in ranks.items() if place != 1} == {}
