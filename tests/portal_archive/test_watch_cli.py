"""`portal-archive watch`: saved searches from the command line, and the new matches crawls
record for them."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.datadir import DataDir
from archive.dates import utc_day_bounds
from archive.db import open_archive, sqlite_url
from archive.models import Article, CrawlRun, SavedSearchMatch
from archive.store import ArchiveStore
from search.indexer import ArticleIndex
from testbed import Testbed as Replica
from testbed import free_port_base
from tests.crawler.archived import crawl
from tests.helpers import run_cli
from tests.portal_archive.web.archive import STTTT, build_web_archive, bulletin

# Articles of the testbed published after the first crawl's day, found by the second crawl.
NEW_ARTICLES = 4
TESTBED_ARTICLES = 80
TESTBED_SEED = 5


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The web interface's small archive: 24 bulletins about "chuyển đổi số" and a few more."""
    build_web_archive(DataDir.resolve(tmp_path / "data"))
    return tmp_path / "data"


def _matches(data: Path) -> list[tuple[int, int | None]]:
    """Every recorded match: article id and run id."""
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        rows = session.execute(select(SavedSearchMatch.article_id, SavedSearchMatch.run_id))
        return sorted((article_id, run_id) for article_id, run_id in rows)


def _add_bulletin(data: Path, number: int) -> int:
    """Archives and indexes one more bulletin, as a crawl would."""
    store = ArchiveStore(open_archive(sqlite_url(data / "archive.sqlite3")))
    site, article = bulletin(number)
    article_id = store.save_article(store.ensure_site(site), article, None).article_id
    with store.archive.sessions() as session:
        ArticleIndex(data / "index").add([session.get_one(Article, article_id)])
    return article_id


def test_add_list_show_and_rm(data: Path) -> None:
    added = run_cli(data, "watch", "add", "cds", "chuyen doi so", "--site", "stttt")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("saved search cds: 17 articles match it now")
    new_id = _add_bulletin(data, 25)  # on stttt
    checked = run_cli(data, "watch", "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == "saved search cds: 1 new match\n"

    listed = run_cli(data, "watch", "list").stdout.splitlines()
    assert listed[0].split()[:3] == ["NAME", "MATCHES", "NEW"]
    assert listed[1].split()[:3] == ["cds", "18", "1"]
    assert listed[1].endswith("'chuyen doi so' --site stttt")

    shown = run_cli(data, "watch", "show", "cds").stdout.splitlines()
    assert shown[0] == "cds: 'chuyen doi so' --site stttt"
    assert "Bản tin hoạt động số 25" in shown[3] and "stttt" in shown[3]
    assert shown[4].strip() == f"{STTTT.base_url}stttt/portal/read/tin/news/ban-tin-25.html"
    assert len(shown) == 5
    everything = json.loads(run_cli(data, "watch", "show", "cds", "--all", "--json").stdout)
    assert everything["filters"] == {"sites": ["stttt"]}
    assert len(everything["matches"]) == 18
    assert everything["matches"][0]["article_id"] == new_id
    assert not everything["matches"][0]["baseline"]
    assert all(match["baseline"] for match in everything["matches"][1:])
    limited = json.loads(run_cli(data, "watch", "show", "cds", "--all", "-n", "2", "--json").stdout)
    assert len(limited["matches"]) == 2

    removed = run_cli(data, "watch", "rm", "cds")
    assert (removed.returncode, removed.stdout) == (0, "removed saved search cds\n")
    assert run_cli(data, "watch", "list").stdout.startswith("no saved searches yet")
    assert _matches(data) == []


def test_filters_alone_make_a_saved_search(data: Path) -> None:
    added = run_cli(data, "watch", "add", "sgd-2020", "--site", "sgd", "--from", "2020-01-01",
                    "--to", "2020-12-31", "--without-documents")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(run_cli(data, "watch", "list", "--json").stdout)
    assert listed[0]["query"] is None
    assert listed[0]["filters"] == {
        "sites": ["sgd"], "date_from": "2020-01-01", "date_to": "2020-12-31",
        "has_documents": False,
    }  # fmt: skip
    assert (
        run_cli(data, "watch", "list")
        .stdout.splitlines()[1]
        .endswith("--site sgd --from 2020-01-01 --to 2020-12-31 --without-documents")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bad name", "tin"), "the name 'bad name' is not a short name"),
        (("a.atom", "tin"), "is not a short name"),
        (("q", "date:2020-13"), "date:2020-13 is not a year, month or day"),
        (("q", "("), "has no words to search for"),
        (("q", " ".join(["tin"] * 65)), "the search query is too long"),
        (("q",), "a saved search needs a query or at least one filter"),
        (("q", "tin", "--site", "nowhere"), "unknown site 'nowhere'"),
        (("q", "--site", "sgd", "--exact"), "--exact is about the words of a search"),
        (("q", "tin", "--from", "2021-01-01", "--to", "2020-01-01"), "ends (2020-01-01) before"),
    ],
)
def test_a_search_that_cannot_be_saved_writes_nothing(
    data: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli(data, "watch", "add", *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert run_cli(data, "watch", "list").stdout.startswith("no saved searches yet")


def test_a_name_is_saved_once(data: Path) -> None:
    assert run_cli(data, "watch", "add", "tin", "tin").returncode == 0
    again = run_cli(data, "watch", "add", "tin", "bản tin", "--site", "sgd")
    assert (again.returncode, again.stderr) == (
        1,
        "Error: there is already a saved search named 'tin'\n",
    )
    assert json.loads(run_cli(data, "watch", "list", "--json").stdout)[0]["query"] == "tin"


@pytest.mark.parametrize("command", ["show", "rm", "check"])
def test_an_unknown_name_is_an_error(data: Path, command: str) -> None:
    result = run_cli(data, "watch", command, "nowhere")
    assert (result.returncode, result.stderr) == (
        1,
        "Error: there is no saved search named 'nowhere': `watch list` shows them\n",
    )


def test_reading_creates_nothing(tmp_path: Path) -> None:
    for args in (("list",), ("show", "x")):
        result = run_cli(tmp_path / "data", "watch", *args)
        assert result.returncode == 1
        assert result.stderr.startswith("Error: no archive database at")
    assert not (tmp_path / "data").exists()


def test_a_check_that_fails_says_which_search_and_exits_1(data: Path) -> None:
    assert run_cli(data, "watch", "add", "tin", "tin").returncode == 0
    shutil.rmtree(data / "index")
    result = run_cli(data, "watch", "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Warning: saved search tin was not checked: no search index in")
    assert lines[1] == "Error: 1 of 1 saved search could not be checked"


def test_help_says_what_is_recorded_when() -> None:
    result = run_cli(Path("unused"), "watch", "--help")
    assert result.returncode == 0
    assert "After every crawl" in result.stdout and "/feeds/NAME.atom" in result.stdout
    for command in ("add", "list", "rm", "show", "check"):
        assert run_cli(Path("unused"), "watch", command, "--help").returncode == 0


def _day_before_newest(gold: list[dict[str, str]], count: int) -> date:
    """A day such that the newest ``count`` articles were published after it."""
    published = sorted(datetime.fromisoformat(str(g["published"])) for g in gold)
    return published[-count - 1].date()


@pytest.mark.e2e
def test_crawls_record_what_is_new_with_their_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port_base = free_port_base()
    with Replica(articles=TESTBED_ARTICLES, seed=TESTBED_SEED) as everything:
        gold = everything.gold()
    before = _day_before_newest(gold, NEW_ARTICLES)
    with Replica(
        articles=TESTBED_ARTICLES, seed=TESTBED_SEED, port_base=port_base, as_of=before
    ) as testbed:
        crawl(testbed, data)
    since = (before + timedelta(days=1)).isoformat()
    added = run_cli(data, "watch", "add", "recent", "--from", since)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("saved search recent: 0 articles match it now")
    assert run_cli(data, "watch", "add", "all-dated", "--from", "1990-01-01").returncode == 0
    baseline = _matches(data)
    assert baseline and {run_id for _article_id, run_id in baseline} == {None}

    with Replica(articles=TESTBED_ARTICLES, seed=TESTBED_SEED, port_base=port_base) as testbed:
        later = crawl(testbed, data)
        again = crawl(testbed, data)
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        runs = list(session.scalars(select(CrawlRun.id).order_by(CrawlRun.id)))
        recent = set(session.scalars(select(Article.id).where(Article.published >= _start(since))))
    new = [pair for pair in _matches(data) if pair not in baseline]
    assert recent, "the later crawl found no article published after the first one"
    assert {article_id for article_id, _run_id in new} == recent
    assert {run_id for _article_id, run_id in new} == {runs[1]}
    assert f"saved search recent: {len(recent)} new match" in later.stdout
    assert "saved search all-dated: 0 new matches" in again.stdout
    assert "saved search recent: 0 new matches" in again.stdout
    assert len(_matches(data)) == len(baseline) + len(new)

    shown = json.loads(run_cli(data, "watch", "show", "recent", "--json").stdout)
    assert {match["run_id"] for match in shown["matches"]} == {runs[1]}


def _start(day: str) -> datetime:
    start, _end = utc_day_bounds(date.fromisoformat(day), None)
    assert start is not None
    return start
