"""Scoring extracted articles against the testbed's gold truth."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-tokens F1, the usual measure of main-text extraction."""
    predicted_tokens, gold_tokens = Counter(tokens(predicted)), Counter(tokens(gold))
    overlap = sum((predicted_tokens & gold_tokens).values())
    if not predicted_tokens or not gold_tokens:
        return float(predicted_tokens == gold_tokens)
    precision = overlap / sum(predicted_tokens.values())
    recall = overlap / sum(gold_tokens.values())
    return 0.0 if overlap == 0 else 2 * precision * recall / (precision + recall)
