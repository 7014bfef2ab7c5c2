"""The testbed's attached documents with their gold, fetched once for the reader tests."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

import pytest

from testbed import Testbed

# Enough articles for every kind of document the testbed makes, several times over.
ARTICLES = 400


@dataclass(frozen=True)
class GoldDocument:
    url: str
    name: str
    media_type: str
    text: str
    text_kind: str
    body: bytes


@pytest.fixture(scope="session")
def testbed_documents() -> list[GoldDocument]:
    with Testbed(articles=ARTICLES, seed=3) as testbed:
        return [
            GoldDocument(
                item["url"],
                item["name"],
                item["media_type"],
                item["text"],
                item["text_kind"],
                urllib.request.urlopen(item["url"]).read(),
            )
            for record in testbed.gold()
            for item in record["attachments"]
        ]
