"""Finding and normalising legal document numbers: a table of real forms and near-misses,
scored for precision and recall, then each rule on its own."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from archive.extract import AttachmentRef, ExtractedArticle
from archive.models import Article, ArticleReference, Document, LegalReference
from archive.references import (
    Citation,
    canonical_issuer,
    canonical_kind,
    distinct_citations,
    find_citations,
    folded_key,
    link_document_references,
    normalised_key,
)
from archive.sites import SiteConfig
from archive.store import ArchiveStore

# Each row: a text as portals write it, and the keys of the documents it cites, in order.
TABLE: list[tuple[str, list[str]]] = [
    # The forms of the state's documents (Nghị định 30/2020/NĐ-CP).
    ("Thực hiện Quyết định số 81/2004/QĐ-UB ngày 12/5/2004 của UBND tỉnh", ["81/2004/QĐ-UB"]),
    ("Nghị quyết 17/NQ-CP về một số nhiệm vụ phát triển Chính phủ điện tử", ["17/NQ-CP"]),
    ("Công văn số 1234/UBND-KT1 về việc triển khai", ["1234/UBND-KT1"]),
    ("theo Kế hoạch 45/KH-UBND của UBND huyện", ["45/KH-UBND"]),
    ("Thông tư 20/2018/TT-BTTTT quy định chi tiết", ["20/2018/TT-BTTTT"]),
    ("Chỉ thị 05/CT-TTg của Thủ tướng Chính phủ", ["05/CT-TTg"]),
    ("Nghị định 15/2020/NĐ-CP quy định xử phạt vi phạm hành chính", ["15/2020/NĐ-CP"]),
    ("Luật số 86/2015/QH13 về an toàn thông tin mạng", ["86/2015/QH13"]),
    ("Tờ trình 12/TTr-SNV đề nghị phê duyệt", ["12/TTr-SNV"]),
    ("Thông báo 15/TB-VPUB kết luận của đồng chí Chủ tịch", ["15/TB-VPUB"]),
    ("Báo cáo 100/BC-STTTT tình hình công tác tháng 11", ["100/BC-STTTT"]),
    ("Hướng dẫn 03/HD-SGDĐT về nhiệm vụ năm học", ["03/HD-SGDĐT"]),
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 về công tác văn thư", ["30/2020/NĐ-CP"]),
    ("Quyết định số: 2345/QĐ-UBND ngày 20/7/2021", ["2345/QĐ-UBND"]),
    ("Quyết định số:1050/QĐ-UBND", ["1050/QĐ-UBND"]),
    ("Thông tư liên tịch số 03/2016/TTLT-BTC-BNV", ["03/2016/TTLT-BTC-BNV"]),
    ("Chương trình 08/CTr-UBND thực hiện Nghị quyết của Tỉnh ủy", ["08/CTr-UBND"]),
    ("Đề án 06/ĐA-UBND phát triển du lịch", ["06/ĐA-UBND"]),
    ("Công điện 01/CĐ-TTg về ứng phó bão số 9", ["01/CĐ-TTg"]),
    ("Quy chế 02/QC-UBND phối hợp", ["02/QC-UBND"]),
    ("Giấy mời số 57/GM-UBND dự hội nghị", ["57/GM-UBND"]),
    ("Văn bản hợp nhất số 01/VBHN-BTTTT", ["01/VBHN-BTTTT"]),
    ("Pháp lệnh số 02/2022/UBTVQH15 về xử lý vi phạm", ["02/2022/UBTVQH15"]),
    ("Nghị quyết số 43/2022/QH15 của Quốc hội", ["43/2022/QH15"]),
    ("Luật Đất đai số 45/2013/QH13 đã quy định", ["45/2013/QH13"]),
    ("Văn bản số 3562/VPCP-KSTT của Văn phòng Chính phủ", ["3562/VPCP-KSTT"]),
    ("Công văn 1234/TTg-KTTH ngày 3/9", ["1234/TTg-KTTH"]),
    ("Sở đã ban hành văn bản số 456/SNV-TCBC", ["456/SNV-TCBC"]),
    ("Công văn số 145/UBND gửi các xã", ["145/UBND"]),
    ("Quyết định số 1.234/QĐ-UBND về việc phê duyệt", ["1234/QĐ-UBND"]),
    ("Quyết định 12/QĐ-BCĐ389 của Ban chỉ đạo", ["12/QĐ-BCĐ389"]),
    ("Kế hoạch số 11/KH-HĐND của Thường trực HĐND", ["11/KH-HĐND"]),
    # Party documents: the kind before the slash.
    ("Nghị quyết số 57-NQ/TW của Bộ Chính trị", ["57-NQ/TW"]),
    ("Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo", ["05-CT/TW"]),
    ("Kết luận số 01-KL/TW ngày 18/5/2021", ["01-KL/TW"]),
    ("Hướng dẫn 30-HD/BTCTW", ["30-HD/BTCTW"]),
    # Typed as they come: dashes, spaces, no diacritics, decomposed, an eth for Đ.
    ("Quyết định số 81 / 2004 / QĐ - UB", ["81/2004/QĐ-UB"]),
    ("Kế hoạch số 45/KH–UBND (có dấu gạch ngang dài)", ["45/KH-UBND"]),
    ("Nghị quyết 17/NQ—CP", ["17/NQ-CP"]),
    ("Kế hoạch 45/KH\u2011UBND", ["45/KH-UBND"]),
    ("Thông tư 20/2018/TT\u2212BTTTT", ["20/2018/TT-BTTTT"]),
    ("Quyet dinh so 12/QD-UBND cua UBND tinh", ["12/QĐ-UBND"]),
    ("Nghi dinh 15/2020/ND-CP", ["15/2020/NĐ-CP"]),
    ("Huong dan 03/HD-SGDDT", ["03/HD-SGDDT"]),
    (unicodedata.normalize("NFD", "Quyết định số 81/2004/QĐ-UB"), ["81/2004/QĐ-UB"]),
    ("Quyết định số 12/QÐ-UBND (Ð là chữ eth)", ["12/QĐ-UBND"]),
    ("Chỉ thị 5/CT-TTg", ["05/CT-TTg"]),
    ("Chỉ thị số 5/CT-TTG", ["05/CT-TTg"]),
    ("Tờ trình 12/TTR-SNV", ["12/TTr-SNV"]),
    ("theo Quyết định 81/2004/QĐ-UB,", ["81/2004/QĐ-UB"]),
    ("(Kế hoạch số 45/KH-UBND).", ["45/KH-UBND"]),
    (
        "Kế hoạch 45/KH-UBND; Quyết định 12/QĐ-UBND và Công văn 99/UBND-VX",
        [
            "45/KH-UBND",
            "12/QĐ-UBND",
            "99/UBND-VX",
        ],
    ),
    ("Các văn bản 12/QĐ-UBND, 13/QĐ-UBND", ["12/QĐ-UBND", "13/QĐ-UBND"]),
    # Near-misses: numbers with slashes that are no document.
    ("Điện thoại: 0239.3855.123, di động 0912 345 678", []),
    ("ngày 12/3/2020 và ngày 12/03/2020", []),
    ("đạt 3/4 chỉ tiêu, được 2/3 số phiếu tán thành", []),
    ("tỷ lệ 1/500, tỷ số 2/1", []),
    ("Xem http://hatinh.gov.vn/van-ban/12/QD-UBND.pdf", []),
    ("tệp /uploads/2020/12/QĐ-UBND.doc", []),
    ("ISBN 978-604-80-1234-5", []),
    ("lúc 14h30, 10:30/ngày", []),
    ("tăng 15%/năm, 24/7", []),
    ("nhà số 5/7 đường Trần Phú", []),
    ("năm 12/2020", []),
    ("Quyết định 12/2020 chưa có ký hiệu", []),
    ("giai đoạn 2021-2025/2030", []),
    ("Covid-19, F0/F1", []),
    ("Thông tư 04/2020/TT", []),
    ("tốc độ 60 km/h, 100 người/km2", []),
    ("lô 24/TP chưa có chủ", []),
    ("kết quả 2-1/BC", []),
    ("phòng 301/A2", []),
    ("QĐ-UBND không kèm số", []),
]


def _keys(text: str) -> list[str]:
    return [citation.key for citation in find_citations(text)]


def test_the_table_is_large_and_mixed() -> None:
    assert len(TABLE) >= 60
    assert sum(1 for _text, expected in TABLE if not expected) >= 20


def test_precision_and_recall_over_the_table() -> None:
    found = expected = correct = 0
    for text, keys in TABLE:
        got = _keys(text)
        found += len(got)
        expected += len(keys)
        correct += sum(1 for key in got if key in keys)
    precision, recall = correct / found, correct / expected
    print(f"\nreferences: precision {precision:.3f}, recall {recall:.3f} over {len(TABLE)} texts")
    assert precision >= 0.98
    assert recall >= 0.95


@pytest.mark.parametrize(("text", "keys"), TABLE)
def test_each_row(text: str, keys: list[str]) -> None:
    assert _keys(text) == keys


def test_a_citation_says_kind_number_year_and_issuer() -> None:
    (citation,) = find_citations("Thực hiện Quyết định số 81/2004/QĐ-UB ngày 12/5/2004")
    assert citation == Citation(
        key="81/2004/QĐ-UB",
        kind="QĐ",
        kind_name="Quyết định",
        number="81",
        year=2004,
        issuer="UB",
        cited_as="Quyết định số 81/2004/QĐ-UB",
    )
    assert citation.folded_key == "81/2004/qd-ub"


def test_an_official_letter_is_its_issuer_and_unit() -> None:
    (letter,) = find_citations("1234/UBND-KT1")
    assert (letter.kind, letter.kind_name, letter.issuer) == ("CV", "Công văn", "UBND")


def test_a_bare_letter_number_without_a_unit_needs_to_be_introduced() -> None:
    assert _keys("145/UBND") == []
    assert _keys("văn bản số 145/UBND") == ["145/UBND"]


def test_a_law_is_named_by_its_assembly() -> None:
    (law,) = find_citations("Luật số 86/2015/QH13")
    assert (law.kind, law.issuer, law.year) == ("Luật", "QH13", 2015)
    (resolution,) = find_citations("Nghị quyết 43/2022/QH15")
    assert resolution.kind == "NQ"


def test_the_abbreviation_says_the_kind_whatever_the_word_before() -> None:
    (citation,) = find_citations("Kế hoạch 45/KH-UBND")
    assert citation.kind == "KH"
    (plan,) = find_citations("Theo văn bản 45/KH-UBND")
    assert (plan.kind, plan.kind_name) == ("KH", "Kế hoạch")


def test_party_documents_keep_their_form() -> None:
    (citation,) = find_citations("Nghị quyết số 57-NQ/TW")
    assert (citation.key, citation.kind, citation.issuer, citation.year) == (
        "57-NQ/TW",
        "NQ",
        "TW",
        None,
    )


def test_cited_as_is_the_text_as_written() -> None:
    (citation,) = find_citations("theo Quyết định số 81 / 2004 / QĐ – UB của tỉnh")
    assert citation.cited_as == "Quyết định số 81 / 2004 / QĐ – UB"
    (decomposed,) = find_citations(unicodedata.normalize("NFD", "Quyết định số 8/QĐ-UB"))
    assert decomposed.cited_as == "Quyết định số 8/QĐ-UB"


def test_unaccented_and_accented_numbers_fold_alike() -> None:
    assert folded_key("03/HD-SGDĐT") == folded_key("03/HD-SGDDT") == "03/hd-sgddt"


def test_hd_and_da_are_kinds_of_their_own() -> None:
    assert canonical_kind("HD") == "HD"
    assert canonical_kind("HĐ") == "HĐ"
    assert canonical_kind("qd") == "QĐ"
    assert canonical_kind("ttr") == "TTr"
    assert canonical_kind("DA") == "DA"


def test_issuers_are_upper_case_but_for_conventional_mixed_case() -> None:
    assert canonical_issuer("ubnd") == "UBND"
    assert canonical_issuer("ttg") == "TTg"
    assert canonical_issuer("btc – bnv") == "BTC-BNV"


def test_a_query_value_normalises_in_any_case() -> None:
    assert normalised_key("81/2004/qd-ub") == "81/2004/QĐ-UB"
    assert normalised_key("81/2004/QĐ-UB") == "81/2004/QĐ-UB"
    assert normalised_key("5/ct-ttg") == "05/CT-TTg"
    assert normalised_key("57-nq/tw") == "57-NQ/TW"
    assert normalised_key("12/2020") is None
    assert normalised_key("12/QĐ-UBND và 13/QĐ-UBND") is None


def test_distinct_citations_keep_the_first_of_each_document() -> None:
    texts = ["Quyết định 12/QĐ-UBND", "như 12/QĐ-UBND đã nêu, và Kế hoạch 3/KH-UBND"]
    assert [citation.cited_as for citation in distinct_citations(texts)] == [
        "Quyết định 12/QĐ-UBND",
        "Kế hoạch 3/KH-UBND",
    ]


# ----- linking articles to what they cite -----------------------------------------------

SITE = SiteConfig(
    key="stttt",
    name="Sở Thông tin và Truyền thông Hà Tĩnh",
    family="portalfolder",
    base_url="http://127.0.0.1:8002/",
    start_urls=("http://127.0.0.1:8002/stttt/portal/folder/home",),
)
PLAN_URL = "http://127.0.0.1:8002/uploads/ke-hoach-145.pdf"


def _article(title: str, body: str, url: str = "http://127.0.0.1:8002/a.html") -> ExtractedArticle:
    return ExtractedArticle(
        url=url,
        title=title,
        summary=None,
        body=body,
        published=datetime(2020, 12, 25, 9, 4, tzinfo=timezone(timedelta(hours=7))),
        updated=None,
        author=None,
        category=None,
        language="vi",
        images=[],
        attachments=[AttachmentRef(url=PLAN_URL, name="Kế hoạch số 145/KH-UBND", media_type=None)],
        profile="portalfolder.V1",
        missing=[],
    )


def _links(store: ArchiveStore, article_id: int) -> set[tuple[str, str, str | None]]:
    with store.archive.sessions() as session:
        article = session.get_one(Article, article_id)
        return {(link.reference.key, link.place, link.cited_as) for link in article.references}


def test_saving_an_article_links_what_its_title_body_and_attachments_cite(
    store: ArchiveStore,
) -> None:
    site_id = store.ensure_site(SITE)
    saved = store.save_article(
        site_id,
        _article(
            "Triển khai Quyết định 81/2004/QĐ-UB",
            "Theo Quyết định số 81/2004/QĐ-UB và Nghị quyết 17/NQ-CP, 17/NQ–CP.",
        ),
        None,
    )
    assert _links(store, saved.article_id) == {
        ("81/2004/QĐ-UB", "title", "Quyết định 81/2004/QĐ-UB"),
        ("81/2004/QĐ-UB", "body", "Quyết định số 81/2004/QĐ-UB"),
        ("17/NQ-CP", "body", "Nghị quyết 17/NQ-CP"),
        ("145/KH-UBND", "document", "Kế hoạch số 145/KH-UBND"),
    }
    with store.archive.sessions() as session:
        decision = session.scalars(
            select(LegalReference).where(LegalReference.key == "81/2004/QĐ-UB")
        ).one()
        assert (decision.kind, decision.kind_name, decision.number) == ("QĐ", "Quyết định", "81")
        assert (decision.year, decision.issuer, decision.folded_key) == (
            2004,
            "UB",
            "81/2004/qd-ub",
        )


def test_articles_share_one_row_per_document_however_it_is_typed(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    store.save_article(site_id, _article("Hướng dẫn 03/HD-SGDĐT", ""), None)
    other = _article("Huong dan 03/HD-SGDDT", "", url="http://127.0.0.1:8002/b.html")
    saved = store.save_article(site_id, other, None)
    with store.archive.sessions() as session:
        keys = session.scalars(select(LegalReference.key).order_by(LegalReference.key)).all()
    assert keys == ["03/HD-SGDĐT", "145/KH-UBND"]
    assert ("03/HD-SGDĐT", "title", "Huong dan 03/HD-SGDDT") in _links(store, saved.article_id)


def test_a_changed_article_is_relinked(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    first = _article("Tin", "Theo Kế hoạch 45/KH-UBND.")
    saved = store.save_article(site_id, first, None)
    store.save_article(site_id, replace(first, body="Theo Kế hoạch 46/KH-UBND."), None)
    assert {key for key, _place, _cited in _links(store, saved.article_id)} == {
        "46/KH-UBND",
        "145/KH-UBND",
    }
    with store.archive.sessions() as session:
        assert len(session.scalars(select(ArticleReference)).all()) == 2


def test_a_documents_text_links_every_article_attaching_it(store: ArchiveStore) -> None:
    site_id = store.ensure_site(SITE)
    one = store.save_article(site_id, _article("Tin một", ""), None)
    two = store.save_article(site_id, _article("Tin hai", "", "http://127.0.0.1:8002/b.html"), None)
    with store.archive.session() as session:
        document = Document(url=PLAN_URL, size=10, text="Căn cứ Thông tư 20/2018/TT-BTTTT")
        session.add(document)
        assert link_document_references(session, document) == 2
    for saved in (one, two):
        assert ("20/2018/TT-BTTTT", "document", "Thông tư 20/2018/TT-BTTTT") in _links(
            store, saved.article_id
        )
