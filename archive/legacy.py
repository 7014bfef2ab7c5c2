"""Pre-Unicode Vietnamese text: TCVN3 (ABC) and VNI, detected and converted to Unicode.

Old pages and, far more often, attached DOC/XLS files were typed with the
TCVN3 or VNI fonts (portal-notes 5.6). Their bytes were read as Windows-1252
or Latin-1, so what arrives is Latin-1 letters: ``B¶o Th¾ng`` (TCVN3, "Bảo
Thắng") or ``Xin chaøo caùc baïn`` (VNI, "Xin chào các bạn").

TCVN3 spends one byte on each precomposed letter. VNI writes the base letter
and then one or two bytes for its marks. A text is legacy only when it has
none of the precomposed Vietnamese letters of Unicode (U+1EA0–U+1EF9) and
enough of the tell-tale characters; a Unicode text that merely quotes a "¶"
stays as it is.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

# TCVN3 byte (as a Latin-1 character) → Unicode letter. Capitals with a tone mark
# lived in a separate font (.VnTimeH) that used the lowercase codes.
_TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ"
_TCVN3_CODES = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô­õøö÷ùúýûüþ¡¢£¤¥¦§"
_TCVN3_TABLE = str.maketrans(dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True)))
# What only TCVN3 text has in such numbers: the signs that stand for its letters
# (¶ = ả, soft hyphen = ư, ¬ = ơ, § = Đ, …), and Latin-1 capitals inside lowercase
# words (chÝ = chí, tØnh = tỉnh).
_TCVN3_TELLTALE = re.compile("[\xa1-\xae\xb5-\xb9\xbb-\xbe]|(?<=[a-z])[\xc6-\xdf]")

# VNI writes a base letter followed by mark bytes (a + ø = à, a + á = ấ, a + é = ắ);
# a few letters have a byte of their own (ô = ơ, ö = ư, ñ = đ, æ = ỉ, ó = ĩ, ò = ị, î = ỵ).
_VNI_OWN_LETTERS = str.maketrans(
    {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
    | {"Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ"}
)
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc huyền hỏi ngã nặng
_VNI_PLAIN_TONES = ("ù", "ø", "û", "õ", "ï")
_VNI_HAT_TONES = ("á", "à", "å", "ã", "ä")
_VNI_BREVE_TONES = ("é", "è", "ú", "ü", "ë")
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"


def _vni_sequences() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(code: str, letter: str) -> None:
        for upper in (False, True):
            key = code.upper() if upper else code
            table[key] = unicodedata.normalize("NFC", letter.upper() if upper else letter)

    for vowel in "aeiouyơư":
        for code, tone in zip(_VNI_PLAIN_TONES, _TONES, strict=True):
            add(vowel + code, vowel + tone)
    for vowel in "aeo":
        add(vowel + "â", vowel + _CIRCUMFLEX)
        for code, tone in zip(_VNI_HAT_TONES, _TONES, strict=True):
            add(vowel + code, vowel + _CIRCUMFLEX + tone)
    add("aê", "a" + _BREVE)
    for code, tone in zip(_VNI_BREVE_TONES, _TONES, strict=True):
        add("a" + code, "a" + _BREVE + tone)
    return table


_VNI_TABLE = _vni_sequences()
_VNI_SEQUENCE = re.compile("|".join(map(re.escape, _VNI_TABLE)))
_VNI_TELLTALE = re.compile(r"[aeiouy](?:[øùïûõ]|[aeo][âáàåãä])|[ôö]", re.IGNORECASE)

_UNICODE_VIETNAMESE = re.compile("[\u1ea0-\u1ef9]")
_MIN_TELLTALES = 2
# Vietnamese puts a mark on most syllables, so legacy Vietnamese shows a tell-tale in a
# large share of its words, and its conversion in a large share of the result. French,
# German or Danish text has é, ö, ø, ß or a "©" in a few words: far below either share.
MIN_TELLTALE_SHARE = 0.2
MIN_VIETNAMESE_SHARE = 0.3
_WORD = re.compile(r"\S*[A-Za-z]\S*")
_VIETNAMESE_LETTER = re.compile("[\u1ea0-\u1ef9ăâêôơưđĂÂÊÔƠƯĐàáãèéêìíòóõùúýỳ]", re.IGNORECASE)


class LegacyEncoding(StrEnum):
    TCVN3 = "tcvn3"
    VNI = "vni"


def detect_legacy(text: str) -> LegacyEncoding | None:
    """The legacy encoding ``text`` was typed in, or ``None`` for Unicode text.

    Archiving must never corrupt text, so the evidence has to be overwhelming: no
    precomposed Vietnamese letter of Unicode, tell-tales in a large share of the
    words, and a conversion that reads as Vietnamese.
    """
    # Decomposed (NFD) Vietnamese has no precomposed letters either; it is still Unicode.
    text = unicodedata.normalize("NFC", text)
    if _UNICODE_VIETNAMESE.search(text):
        return None
    words = _WORD.findall(text)
    candidates = (
        (LegacyEncoding.TCVN3, _TCVN3_TELLTALE, tcvn3_to_unicode),
        (LegacyEncoding.VNI, _VNI_TELLTALE, vni_to_unicode),
    )
    best: tuple[int, LegacyEncoding] | None = None
    for encoding, telltale, convert in candidates:
        marked = sum(1 for word in words if telltale.search(word))
        if marked < max(_MIN_TELLTALES, MIN_TELLTALE_SHARE * len(words)):
            continue
        if _vietnamese_share(convert(" ".join(words))) < MIN_VIETNAMESE_SHARE:
            continue
        if best is None or marked > best[0]:
            best = (marked, encoding)
    return best[1] if best else None


def _vietnamese_share(text: str) -> float:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not words:
        return 0.0
    return sum(1 for word in words if _VIETNAMESE_LETTER.search(word)) / len(words)


def tcvn3_to_unicode(text: str) -> str:
    return text.translate(_TCVN3_TABLE)


def vni_to_unicode(text: str) -> str:
    text = text.translate(_VNI_OWN_LETTERS)
    return _VNI_SEQUENCE.sub(lambda match: _VNI_TABLE[match.group()], text)


def to_unicode(text: str) -> str:
    """``text`` in Unicode (NFC), converted from TCVN3 or VNI when it is in one of them."""
    return convert_legacy(text, detect_legacy(text))


def convert_legacy(text: str, encoding: LegacyEncoding | None) -> str:
    """``text`` converted from ``encoding`` to Unicode (NFC); as it is for ``None``."""
    if encoding is LegacyEncoding.TCVN3:
        return unicodedata.normalize("NFC", tcvn3_to_unicode(text))
    if encoding is LegacyEncoding.VNI:
        return unicodedata.normalize("NFC", vni_to_unicode(text))
    return text


def decode_document(data: bytes) -> str:
    """The text of a plain-text document (an old .doc saved as text), in Unicode.

    UTF-8 when the bytes are valid UTF-8; otherwise they are 8-bit legacy text,
    read byte for byte as Latin-1 and then converted.
    """
    return to_unicode(decode_8bit(data))


def decode_8bit(data: bytes) -> str:
    """``data`` as UTF-8 when it is valid UTF-8, else byte for byte as Latin-1, where a
    legacy encoding's letters stay recognisable (``detect_legacy``)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
