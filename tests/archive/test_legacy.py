"""Pre-Unicode Vietnamese (TCVN3, VNI): detection and conversion, in text, pages and documents."""

from __future__ import annotations

import unicodedata

import pytest

from archive.extract import extract_article
from archive.legacy import (
    LegacyEncoding,
    decode_document,
    detect_legacy,
    tcvn3_to_unicode,
    to_unicode,
    vni_to_unicode,
)
from testbed.text import tcvn3_bytes


@pytest.mark.parametrize(
    ("legacy", "unicode_text", "encoding"),
    [
        ("B¶o Th¾ng", "Bảo Thắng", LegacyEncoding.TCVN3),
        ("M\xadêng Kh\xad¬ng", "Mường Khương", LegacyEncoding.TCVN3),  # \xad is ư
        ("§ång chÝ Chñ tÞch UBND tØnh", "Đồng chí Chủ tịch UBND tỉnh", LegacyEncoding.TCVN3),
        ("Xin chaøo caùc baïn", "Xin chào các bạn", LegacyEncoding.VNI),
        ("Vieät Nam ñaát nöôùc", "Việt Nam đất nước", LegacyEncoding.VNI),
        ("Chuû tòch tænh Haø Tónh", "Chủ tịch tỉnh Hà Tĩnh", LegacyEncoding.VNI),
    ],
)
def test_legacy_text_is_detected_and_converted(
    legacy: str, unicode_text: str, encoding: LegacyEncoding
) -> None:
    assert detect_legacy(legacy) is encoding
    assert to_unicode(legacy) == unicode_text
    convert = tcvn3_to_unicode if encoding is LegacyEncoding.TCVN3 else vni_to_unicode
    assert unicodedata.normalize("NFC", convert(legacy)) == unicode_text


@pytest.mark.parametrize(
    "text",
    [
        "Bảo Thắng",
        unicodedata.normalize("NFD", "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh"),
        "Giá: 20 ¶ 30",  # one stray sign is no encoding
        "Café au lait, naïve façade",
        "",
    ],
)
def test_unicode_text_is_left_alone(text: str) -> None:
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


def test_every_tcvn3_letter_round_trips_through_the_testbed_encoder() -> None:
    letters = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐ"
    assert tcvn3_to_unicode(tcvn3_bytes(letters).decode("latin-1")) == letters


def test_documents_decode_from_tcvn3_or_utf8() -> None:
    text = "Công văn số 12/UBND\nVề việc đẩy mạnh chuyển đổi số tại xã Cẩm Hưng\n"
    assert decode_document(tcvn3_bytes(text)) == text
    assert decode_document(text.encode("utf-8")) == text


def test_a_page_typed_in_tcvn3_comes_out_in_unicode() -> None:
    title, body = "Huyện Bảo Thắng đẩy mạnh chuyển đổi số", "Sáng nay, Ủy ban nhân dân huyện họp."
    html = (
        b'<html><head><meta charset="windows-1252"></head><body><h1>'
        + tcvn3_bytes(title)
        + b"</h1><p>09:04 25/12/2020</p><p>"
        + tcvn3_bytes(body)
        + b"</p></body></html>"
    )
    article = extract_article(html, "http://h/tin-tuc/huyen-bao-thang-day-manh-chuyen-doi-so.html")
    assert article.title == title
    # TCVN3 capitals with a tone mark needed another font; the encoder writes them lowercase.
    assert body.lower() in article.body.lower()


@pytest.mark.parametrize(
    "text",
    [
        "© 2024 Le Monde · Élection présidentielle : les électeurs ont été appelés » à voter",
        "Die Straße in München ist gesperrt, sagte der Bürgermeister. © dpa · 12:30",
        "Søren Kierkegaard blev født i København, og han døde på Frederiks Hospital",
        "Nový zákon o ochraně přírody schválila vláda · © ČTK",
    ],
)
def test_other_languages_are_never_converted(text: str) -> None:
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


def test_a_page_in_another_language_keeps_its_letters() -> None:
    body = "L'élève a reçu un prix · © 2024 » Straße « für Søren"
    html = f'<html lang="fr"><body><h1>Été</h1><p>{body}</p></body></html>'
    article = extract_article(html, "https://example.org/actualites/un-prix-pour-un-eleve-a-paris")
    assert body in article.body
