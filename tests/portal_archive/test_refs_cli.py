"""``portal-archive refs``: the cited documents, who cites one, and relinking an old archive."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from archive.datadir import DataDir
from archive.db import open_archive
from archive.extract import ExtractedArticle
from archive.models import ArticleReference, LegalReference
from archive.store import ArchiveStore
from tests.helpers import STTTT, VIETNAM, plain_article, run_cli

ARTICLES = [
    ("Triển khai Quyết định 81/2004/QĐ-UB", "Theo Kế hoạch 45/KH-UBND năm 2020.", 2021),
    ("Hội nghị \x1b[31mđỏ", "Thực hiện Quyết định số 81/2004/QĐ–UB.", 2020),
    ("Tin khác", "Nghị quyết 17/NQ-CP về Chính phủ điện tử.", 2019),
]


def _article(slug: str, title: str, body: str, year: int) -> ExtractedArticle:
    return plain_article(
        f"tin/{slug}.html", title, body, datetime(year, 5, 1, 8, 0, tzinfo=VIETNAM)
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = Path(tmp_path_factory.mktemp("refs")) / "data"
    directory = DataDir.resolve(root)
    directory.create()
    store = ArchiveStore(open_archive(directory.db_url))
    site_id = store.ensure_site(STTTT)
    for number, row in enumerate(ARTICLES):
        store.save_article(site_id, _article(str(number), *row), None)
    return root


def test_refs_lists_the_cited_documents_most_cited_first(data: Path) -> None:
    listed = run_cli(data, "refs")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "81/2004/QĐ-UB\tQĐ\t2004\tUB\t2 articles"
    assert sorted(lines[1:]) == [
        "17/NQ-CP\tNQ\t-\tCP\t1 article",
        "45/KH-UBND\tKH\t-\tUBND\t1 article",
    ]


def test_refs_filters_by_kind_issuer_and_year(data: Path) -> None:
    assert run_cli(data, "refs", "--kind", "qd").stdout.split("\t")[0] == "81/2004/QĐ-UB"
    assert run_cli(data, "refs", "--issuer", "ubnd").stdout.startswith("45/KH-UBND\t")
    assert run_cli(data, "refs", "--year", "2004").stdout.count("\n") == 1
    assert run_cli(data, "refs", "--kind", "TT").stdout == "no cited documents\n"


def test_refs_show_lists_the_citing_articles_oldest_first(data: Path) -> None:
    shown = run_cli(data, "refs", "show", "81/2004/qd-ub")
    assert shown.returncode == 0, shown.stderr
    header, older, newer = shown.stdout.splitlines()
    assert header == "81/2004/QĐ-UB: Quyết định 81 of 2004, issued by UB; cited by 2 articles"
    assert older.startswith("2020-05-01 08:00\tstttt\tHội nghị ?[31mđỏ\t")
    assert older.endswith("\tbody")
    assert newer.endswith("\ttitle")


def test_refs_show_of_an_uncited_number_is_one_error_line(data: Path) -> None:
    shown = run_cli(data, "refs", "show", "1/QĐ-UBND")
    assert shown.returncode == 1
    assert shown.stderr == "Error: no article cites a document numbered '1/QĐ-UBND'\n"


def test_relink_gives_an_old_archive_its_references_and_searches(tmp_path: Path) -> None:
    root = tmp_path / "data"
    directory = DataDir.resolve(root)
    directory.create()
    archive = open_archive(directory.db_url)
    store = ArchiveStore(archive)
    site_id = store.ensure_site(STTTT)
    store.save_article(site_id, _article("old", *ARTICLES[0]), None)
    with archive.session() as session:  # as crawled before references were recorded
        session.execute(delete(ArticleReference))
        session.execute(delete(LegalReference))
    relinked = run_cli(root, "refs", "relink")
    assert relinked.returncode == 0, relinked.stderr
    assert relinked.stdout.startswith("1 article relinked\n")
    found = run_cli(root, "search", "ref:45/kh-ubnd")
    assert "Triển khai Quyết định 81/2004/QĐ-UB" in found.stdout
