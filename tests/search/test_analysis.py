from __future__ import annotations

import unicodedata

import pytest

from search.analysis import exact_analyzer, fold, folded_analyzer


def tokens(analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text)]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đường Đồng Khởi", "Duong Dong Khoi"),
        ("đặc biệt", "dac biet"),
        ("Bệnh viện", "Benh vien"),
        ("mẫu", "mau"),
        ("những", "nhung"),
        ("Hà Tĩnh 2020", "Ha Tinh 2020"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_fold_strips_every_vietnamese_diacritic(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_handles_decomposed_input() -> None:
    assert fold(unicodedata.normalize("NFD", "Đặng Thị Ngữ")) == "Dang Thi Ngu"


def test_decomposed_and_composed_text_give_the_same_tokens() -> None:
    text = "Dấu ấn ngành thông tin và truyền thông"
    decomposed = unicodedata.normalize("NFD", text)
    for analyzer in (exact_analyzer(), folded_analyzer()):
        assert tokens(analyzer, decomposed) == tokens(analyzer, text)


def test_exact_analyzer_keeps_diacritics_and_lowercases() -> None:
    assert tokens(exact_analyzer(), "Sở Thông tin") == ["sở", "thông", "tin"]


def test_folded_analyzer_folds_every_token() -> None:
    assert tokens(folded_analyzer(), "Đảng bộ Hà Tĩnh") == ["dang", "bo", "ha", "tinh"]


def test_no_syllable_is_treated_as_a_stop_word() -> None:
    text = "an toàn a to can the"
    assert tokens(exact_analyzer(), text) == ["an", "toàn", "a", "to", "can", "the"]


def test_digits_and_joined_words_split_into_findable_parts() -> None:
    assert tokens(exact_analyzer(), "Covid-19 và 4.0") == ["covid", "19", "và", "4", "0"]


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("hoà bình", "hòa bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("uỳ ban", "ùy ban"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("Hoà Thuỷ", "Hòa Thủy"),
        ("oà khóc", "òa khóc"),
    ],
)
def test_both_tone_placements_give_the_same_tokens(newer: str, older: str) -> None:
    for analyzer in (exact_analyzer(), folded_analyzer()):
        assert tokens(analyzer, newer) == tokens(analyzer, older)
        assert tokens(analyzer, unicodedata.normalize("NFD", newer)) == tokens(analyzer, older)


@pytest.mark.parametrize("word", ["quý", "quỳnh", "hoài", "thuế", "hoàng", "thuyền", "khuya"])
def test_tone_placement_leaves_other_syllables_alone(word: str) -> None:
    assert tokens(exact_analyzer(), word) == [word]


def test_tone_placement_keeps_character_offsets() -> None:
    text = "Sông Thuỷ"
    spans = [
        (token.text, token.startchar, token.endchar) for token in exact_analyzer()(text, chars=True)
    ]
    [_, (word, start, end)] = spans
    assert (word, text[start:end]) == ("thủy", "Thuỷ")
