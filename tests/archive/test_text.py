import unicodedata

import lxml.html
import pytest

from archive.text import (
    block_lines,
    clean_line,
    decode_html,
    inline_text,
    normalize_text,
    parse_html,
)


def fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hà   Tĩnh\t\n", "Hà Tĩnh"),
        ("\u200bHà\u00a0Tĩnh\u00a0", "Hà Tĩnh"),
        ("Hà\u200c\u200d\ufeff Tĩnh", "Hà Tĩnh"),
        (unicodedata.normalize("NFD", "Thông tin và Truyền thông"), "Thông tin và Truyền thông"),
        ("", ""),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


def test_clean_line_gives_nfc() -> None:
    assert unicodedata.is_normalized("NFC", clean_line(unicodedata.normalize("NFD", "Đức Kiên")))


def test_normalize_text_cleans_each_line_and_drops_empty_ones() -> None:
    assert normalize_text(" a  b \n\n \u200b \n c\u00a0d ") == "a b\nc d"


def test_inline_markup_never_splits_a_word() -> None:
    element = fragment('<p><span style="font-size:14pt">h</span>oạt động <b>C</b>ung cấp</p>')
    assert block_lines(element) == ["hoạt động Cung cấp"]


def test_blocks_and_br_break_lines() -> None:
    element = fragment("<p>một<br>hai</p><div>ba <em>bốn</em></div><ul><li>năm</li></ul>sáu")
    assert block_lines(element) == ["một", "hai", "ba bốn", "năm", "sáu"]


def test_source_newlines_are_spaces() -> None:
    assert block_lines(fragment("<p>Hà\nTĩnh\r\nhôm nay</p>")) == ["Hà Tĩnh hôm nay"]


def test_caption_table_rows_are_lines() -> None:
    element = fragment(
        '<p>Trước.</p><table class="image"><tr><td><img src="a.jpg"></td></tr>'
        "<tr><td>Quang cảnh hội nghị.</td></tr></table><p>Sau.</p>"
    )
    assert block_lines(element) == ["Trước.", "Quang cảnh hội nghị.", "Sau."]


def test_scripts_and_styles_are_invisible_but_their_tails_are_not() -> None:
    element = fragment("<p>a<script>var x = 1;</script> b<style>p{}</style><!-- note --> c</p>")
    assert block_lines(element) == ["a b c"]


def test_inline_text_joins_lines() -> None:
    assert inline_text(fragment("<p>Đăng ngày</p><p>25/12/2020</p>")) == "Đăng ngày 25/12/2020"


def test_entities_are_decoded_by_the_parser() -> None:
    element = fragment("<p>Nh&#7919;ng n&#x103;m g&#7847;n &#x111;&acirc;y &amp; nay</p>")
    assert block_lines(element) == ["Những năm gần đây & nay"]


def _windows_1258(text: str) -> bytes:
    # Windows-1258 spells most Vietnamese letters as base letter + combining tone mark.
    return unicodedata.normalize("NFD", text).encode("windows-1258")


class TestDecodeHtml:
    def test_utf8_wins_over_a_wrong_declared_charset(self) -> None:
        page = '<meta charset="iso-8859-1"><p>Hà Tĩnh</p>'.encode()
        assert "Hà Tĩnh" in decode_html(page)

    def test_declared_legacy_charset_is_used_for_non_utf8(self) -> None:
        page = _windows_1258('<meta charset="windows-1258"><p>Hà Tĩnh</p>')
        assert "Hà Tĩnh" in unicodedata.normalize("NFC", decode_html(page))

    def test_undeclared_non_utf8_falls_back_to_windows_1258(self) -> None:
        page = _windows_1258("<p>Hà Tĩnh</p>")
        assert "Hà Tĩnh" in unicodedata.normalize("NFC", decode_html(page))

    def test_bom_is_honoured_and_removed(self) -> None:
        assert decode_html(b"\xef\xbb\xbf<p>x</p>") == "<p>x</p>"


class TestParseHtml:
    def test_xml_declaration_is_tolerated(self) -> None:
        tree = parse_html(
            '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>'
        )
        assert tree is not None and tree.xpath("string(//p)") == "x"

    @pytest.mark.parametrize("payload", [b"", "   ", b"\xef\xbb\xbf"])
    def test_empty_payload_has_no_tree(self, payload: str | bytes) -> None:
        assert parse_html(payload) is None

    def test_bytes_and_text_give_the_same_tree(self) -> None:
        html = "<p>Hà Tĩnh</p>"
        assert parse_html(html.encode()).xpath("string(//p)") == parse_html(html).xpath(
            "string(//p)"
        )
