"""What the archive holds for one URL: which capture `show --raw` reads, and why a URL has no
article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.datadir import DataDir
from archive.db import ArchiveError, open_archive
from archive.extract import ExtractedArticle
from archive.inspect import archived_response, find_article
from archive.sites import SiteConfig
from archive.store import ArchiveStore, CaptureRecord
from archive.warc import HttpExchange, WarcWriter
from tests.helpers import run_cli

BASE_URL = "http://127.0.0.1:8002/"
LISTING_URL = f"{BASE_URL}stttt/portal/folder/tin-tuc"
ARTICLE_URL = f"{BASE_URL}stttt/portal/read/tin/news/bai-1.html"
VIETNAM = timezone(timedelta(hours=7))
# The listing as it was fetched on three days, 25 December 2020 09:00 in Vietnam and later.
CAPTURED = [datetime(2020, 12, day, 2, 0, tzinfo=UTC) for day in (25, 27, 31)]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    directory = DataDir.resolve(tmp_path_factory.mktemp("inspect") / "data")
    directory.create()
    store = ArchiveStore(open_archive(directory.db_url))
    site = SiteConfig(
        key="stttt", name="Sở TT&TT", family="portalfolder", base_url=BASE_URL,
        start_urls=(BASE_URL,),
    )  # fmt: skip
    site_id = store.ensure_site(site)
    writer = WarcWriter(directory.warc_dir, run_id=1, site_key="stttt")
    for moment in CAPTURED:
        body = f"listing of {moment.date()}".encode()
        exchange = HttpExchange(
            url=LISTING_URL, method="GET", request_headers={}, status=200,
            response_headers={"Content-Type": "text/html"}, body=body, fetched_at=moment,
        )  # fmt: skip
        record = CaptureRecord(
            url=LISTING_URL, final_url=LISTING_URL, status=200, headers={}, body=body,
            fetched_at=moment, warc=writer.write(exchange),
        )  # fmt: skip
        store.record_capture(None, site_id, record)
    writer.close()
    article = ExtractedArticle(
        url=ARTICLE_URL, title="Dấu ấn", summary=None, body="Năm 2020.", published=None,
        updated=None, author=None, category=None, language="vi",
    )  # fmt: skip
    store.save_article(site_id, article, None)
    return directory


def captured_day(data: DataDir, at: datetime | None) -> bytes:
    stored = archived_response(open_archive(data.db_url), data.warc_dir, LISTING_URL, at)
    return stored.http_bytes.rsplit(b"listing of ", 1)[1]


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (None, b"2020-12-31"),
        (datetime(2020, 12, 1, tzinfo=VIETNAM), b"2020-12-25"),  # before the first capture
        (datetime(2020, 12, 27, 9, 0, tzinfo=VIETNAM), b"2020-12-27"),  # the very moment
        (datetime(2020, 12, 28, tzinfo=VIETNAM), b"2020-12-27"),  # nearer the one before
        (datetime(2020, 12, 30, tzinfo=VIETNAM), b"2020-12-31"),  # nearer the one after
        (datetime(2021, 6, 1, tzinfo=VIETNAM), b"2020-12-31"),
    ],
)
def test_raw_bytes_come_from_the_capture_nearest_the_time_asked(
    data: DataDir, at: datetime | None, day: bytes
) -> None:
    assert captured_day(data, at) == day


def test_show_raw_at_takes_vietnam_time(data: DataDir) -> None:
    result = run_cli(data.root, "show", "--raw", "--at", "2020-12-27T08:00", LISTING_URL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("listing of 2020-12-27")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"{BASE_URL}stttt/portal/read/khong-co.html", "it was never fetched"),
        (LISTING_URL, "it was fetched but is not an article"),
    ],
)
def test_a_url_without_an_article_says_whether_it_was_fetched(
    data: DataDir, url: str, reason: str
) -> None:
    with (
        open_archive(data.db_url).sessions() as session,
        pytest.raises(ArchiveError, match=f"^no article archived at {url}: {reason}"),
    ):
        find_article(session, url)


def test_show_of_a_listing_points_to_raw(data: DataDir) -> None:
    result = run_cli(data.root, "show", LISTING_URL)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no article archived at")
    assert "show --raw" in result.stderr


def test_counts_of_one_are_singular(data: DataDir) -> None:
    result = run_cli(data.root, "history", ARTICLE_URL)
    assert result.stdout.splitlines()[0] == f"{ARTICLE_URL}: 1 version"


def test_sites_of_an_empty_archive_says_so(tmp_path: Path) -> None:
    empty = DataDir.resolve(tmp_path / "data")
    empty.create()
    open_archive(empty.db_url)
    result = run_cli(empty.root, "sites")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("no sites yet")
