"""Bad input on the command line: one `Error:` line, a non-zero exit, no traceback, and a
read command leaves the data directory as it found it."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.datadir import DataDir
from archive.db import open_archive
from archive.extract import ExtractedArticle
from archive.models import Article
from archive.sites import SiteConfig
from archive.store import ArchiveStore
from search.indexer import ArticleIndex
from search.parsing import MAX_QUERY_WORDS
from tests.helpers import run_cli

BASE_URL = "http://127.0.0.1:8002/"
ARTICLE_URL = f"{BASE_URL}stttt/portal/read/tin/news/bai-1.html"
NEVER_FETCHED = f"{BASE_URL}stttt/portal/read/tin/news/khong-co.html"
BACKWARDS = ("--from", "2021-01-01", "--to", "2020-12-31")
BACKWARDS_MESSAGE = "the date range ends (2020-12-31) before it starts (2021-01-01)"
TOO_LONG = "the search query is too long"
LONG_QUERY = "thông tin " * 10_000  # 100 KB, pasted by mistake
MANY_WORDS = " ".join(["tin"] * (MAX_QUERY_WORDS + 1))
UNKNOWN_SITE = "unknown site 'nosuch': the sites are stttt"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding one indexed article of site stttt."""
    directory = DataDir.resolve(tmp_path_factory.mktemp("bad-input") / "data")
    directory.create()
    store = ArchiveStore(open_archive(directory.db_url))
    site = SiteConfig(
        key="stttt", name="Sở TT&TT", family="portalfolder", base_url=BASE_URL,
        start_urls=(BASE_URL,),
    )  # fmt: skip
    published = datetime(2020, 12, 25, 9, 4, tzinfo=timezone(timedelta(hours=7)))
    extracted = ExtractedArticle(
        url=ARTICLE_URL, title="Dấu ấn ngành thông tin", summary="", published=published,
        body="Ngành thông tin và truyền thông Hà Tĩnh.", updated=None, author=None,
        category=None, language="vi", images=[],
    )  # fmt: skip
    store.save_article(store.ensure_site(site), extracted, None)
    with store.archive.sessions() as session:
        ArticleIndex(directory.index_dir).add(session.scalars(select(Article)).all())
    return directory.root


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a failed run; a usage error (exit 2) may show the usage first."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode == 2:
        lines = [line for line in lines if not line.startswith(("Usage: ", "Try '"))]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    return lines[0]


BAD_READS = [
    pytest.param(("search", "tin", *BACKWARDS), BACKWARDS_MESSAGE, id="search-backwards-dates"),
    pytest.param(("export", *BACKWARDS), BACKWARDS_MESSAGE, id="export-backwards-dates"),
    pytest.param(
        ("export", "--query", "tin", *BACKWARDS), BACKWARDS_MESSAGE, id="export-query-backwards"
    ),
    pytest.param(("search", LONG_QUERY), TOO_LONG, id="search-100kb-query"),
    pytest.param(("search", MANY_WORDS), f"{MAX_QUERY_WORDS} words", id="search-too-many-words"),
    pytest.param(("export", "--query", LONG_QUERY), TOO_LONG, id="export-100kb-query"),
    pytest.param(("search", "   "), "the search query is empty", id="search-blank"),
    pytest.param(("search", "tin", "--site", "nosuch"), UNKNOWN_SITE, id="search-unknown-site"),
    pytest.param(
        ("search", "tin", "--site", "stttt", "--site", "STTTT"),
        "unknown site 'STTTT': the sites are stttt",
        id="search-site-in-capitals",
    ),
    pytest.param(("export", "--site", "nosuch"), UNKNOWN_SITE, id="export-unknown-site"),
    pytest.param(
        ("export", "--query", "tin", "--site", "nosuch"),
        UNKNOWN_SITE,
        id="export-query-unknown-site",
    ),
    pytest.param(("export", "--exact"), "use it with --query", id="export-exact-no-query"),
    pytest.param(
        ("search", "tin", "--sort", "random"), "'random' is not one of", id="search-bad-sort"
    ),
    pytest.param(
        ("search", "tin", "--histogram", "week"), "'week' is not one of", id="search-bad-histogram"
    ),
    pytest.param(("search", "tin", "--author", "  "), "has no words", id="search-blank-author"),
    pytest.param(("search", "tin", "--from", "25/12/2020"), "not a date", id="search-day-first"),
    pytest.param(("show", NEVER_FETCHED), "never fetched", id="show-never-fetched"),
    pytest.param(("history", NEVER_FETCHED), "never fetched", id="history-never-fetched"),
    pytest.param(("show", "--raw", NEVER_FETCHED), "never fetched", id="show-raw-never-fetched"),
    pytest.param(
        ("show", "--at", "2020-12-25", ARTICLE_URL), "use it with --raw", id="show-at-no-raw"
    ),
    pytest.param(
        ("show", "--raw", "--at", "Christmas", ARTICLE_URL), "not a time", id="show-at-bad-time"
    ),
]


@pytest.mark.parametrize(("args", "expected"), BAD_READS)
def test_a_bad_read_is_one_error_line_and_changes_nothing(
    data: Path, args: tuple[str, ...], expected: str
) -> None:
    before = snapshot(data)
    line = error_line(run_cli(data, *args))
    assert expected in line
    assert snapshot(data) == before


def test_an_export_with_backwards_dates_creates_no_file(data: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    assert BACKWARDS_MESSAGE in error_line(run_cli(data, "export", *BACKWARDS, "-o", output))
    assert not output.exists()


def test_the_first_and_last_representable_days_are_valid_dates(data: Path) -> None:
    widest = ("--from", "0001-01-01", "--to", "9999-12-31")
    found = run_cli(data, "search", "thong tin", *widest)
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("1 article matches")
    exported = run_cli(data, "export", "--query", "thong tin", *widest)
    assert exported.returncode == 0, exported.stderr
    assert [ARTICLE_URL in line for line in exported.stdout.splitlines()] == [True]


def test_a_closed_pipe_ends_the_output_quietly(data: Path) -> None:
    command = [sys.executable, "-m", "portal_archive", "--data", str(data), "search", "tin"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `head` does once it has its lines, here before any
    stderr = process.stderr.read()
    assert process.wait(timeout=60) != 0
    assert stderr == b""


@pytest.mark.parametrize(
    "filters",
    [("--from", "2030-01-01"), ("--author", "Không Ai"), ("--category", "Không có")],
    ids=["future", "unknown-author", "unknown-category"],
)
def test_a_filter_that_matches_nothing_reports_no_matches(
    data: Path, filters: tuple[str, ...]
) -> None:
    found = run_cli(data, "search", "thong tin", *filters)
    assert found.returncode == 0, found.stderr
    assert found.stdout == "0 articles match\n"
