"""A crawl of the testbed leaves WARC files that web-archive tools accept and replay."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import payload_digest, read_response, warc_files
from testbed import Testbed as Replica
from testbed import free_port_base
from tests.crawler.archived import ARTICLES, CrawledArchive, crawl
from tests.helpers import run_cli, write_sites_config

pytestmark = pytest.mark.e2e

SEED_TITLE = "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledArchive]:
    workdir = tmp_path_factory.mktemp("warc")
    with Replica(articles=ARTICLES, seed=1) as testbed:
        crawl(testbed, workdir / "data")
        yield CrawledArchive(workdir / "data", workdir / "sites.toml", [])


@pytest.fixture(scope="module")
def article_url(crawled: CrawledArchive) -> str:
    """The seed article's URL: its page has a plain UTF-8 title."""
    return next(url for url, article in crawled.articles().items() if article.title == SEED_TITLE)


def test_warc_files_pass_warcio_check(crawled: CrawledArchive) -> None:
    files = warc_files(crawled.warc_dir)
    assert files
    result = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "digest pass" in result.stdout


def test_each_file_opens_with_warcinfo_naming_software_and_run(crawled: CrawledArchive) -> None:
    for path in warc_files(crawled.warc_dir):
        with path.open("rb") as handle:
            first = next(iter(ArchiveIterator(handle)))
            info = first.content_stream().read().decode()
        assert first.rec_type == "warcinfo"
        assert "software: portal-archive/" in info
        assert "isPartOf: crawl-run-1" in info


def test_every_exchange_has_request_and_response_records(crawled: CrawledArchive) -> None:
    responses, requests, targets = set(), set(), set()
    for path in warc_files(crawled.warc_dir):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                headers = record.rec_headers
                if record.rec_type in ("response", "revisit"):
                    responses.add(headers.get_header("WARC-Record-ID"))
                    targets.add(headers.get_header("WARC-Target-URI"))
                    assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
                    assert headers.get_header("WARC-Date")
                elif record.rec_type == "request":
                    requests.add(headers.get_header("WARC-Concurrent-To"))
    assert responses == requests
    assert any(url.endswith("/robots.txt") for url in targets)
    assert len(responses) == len(crawled.captures())


def test_capture_offsets_read_back_with_their_digest(crawled: CrawledArchive) -> None:
    captures = crawled.captures()
    # The spider reads robots.txt for sitemaps after Scrapy did: the same bytes, a revisit.
    revisits = {capture.url for capture in captures if capture.warc_type == "revisit"}
    assert {url.rsplit("/", 1)[-1] for url in revisits} <= {"robots.txt"}
    for capture in captures:
        stored = read_response(crawled.warc_dir / capture.warc_file, capture.warc_offset)
        assert (stored.url, stored.record_type) == (capture.url, capture.warc_type)
        assert stored.digest_header == capture.payload_digest
        if capture.warc_type == "response":
            assert payload_digest(stored.payload) == capture.payload_digest


def test_show_raw_prints_the_archived_bytes(crawled: CrawledArchive, article_url: str) -> None:
    article = crawled.articles()[article_url]
    command = [sys.executable, "-m", "portal_archive", "--data", str(crawled.data)]
    result = subprocess.run([*command, "show", "--raw", article_url], capture_output=True)
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"Content-Length: %d" % len(body) in head
    assert article.title.encode() in body


def test_cdxj_index_matches_pywbs_own(crawled: CrawledArchive, tmp_path: Path) -> None:
    require_pywb()
    ours = run_cli(crawled.data, "cdx").stdout.splitlines()
    collection = _pywb_collection(crawled, tmp_path)
    theirs = (collection / "indexes" / "index.cdxj").read_text().splitlines()
    assert [line.split(" ", 2)[:2] for line in ours] == [line.split(" ", 2)[:2] for line in theirs]
    assert len(ours) == len(crawled.captures())


def test_pywb_replays_an_archived_article(
    crawled: CrawledArchive, article_url: str, tmp_path: Path
) -> None:
    require_pywb()
    title = crawled.articles()[article_url].title
    collection = _pywb_collection(crawled, tmp_path)
    port = free_port_base(1)
    wayback = Path(sys.executable).with_name("wayback")
    server = subprocess.Popen(
        [str(wayback), "-p", str(port), "-b", "127.0.0.1"],
        cwd=collection.parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = _fetch_when_up(f"http://127.0.0.1:{port}/portal/mp_/{article_url}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert f"<title>{title}".encode() in page


def require_pywb() -> None:
    # pywb lives in a venv of its own (its redis pin clashes with scrapy-redis's); `make`
    # links its commands beside this interpreter.
    if not Path(sys.executable).with_name("wb-manager").exists():
        pytest.skip("pywb is not installed: `make test` installs it into .venv/pywb")


def _pywb_collection(crawled: CrawledArchive, workdir: Path) -> Path:
    manager = Path(sys.executable).with_name("wb-manager")
    for args in (["init", "portal"], ["add", "portal", *map(str, warc_files(crawled.warc_dir))]):
        subprocess.run([str(manager), *args], cwd=workdir, check=True, capture_output=True)
    return workdir / "collections" / "portal"


def _fetch_when_up(url: str, timeout: float = 60.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_verify_passes_on_the_crawled_archive(crawled: CrawledArchive) -> None:
    result = crawled.cli("verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "archive consistent" in result.stdout


@pytest.fixture
def damaged(crawled: CrawledArchive, tmp_path: Path) -> CrawledArchive:
    """A copy of the crawled data directory, to damage."""
    copy = tmp_path / "data"
    shutil.copytree(crawled.data, copy)
    return CrawledArchive(copy, crawled.config, [])


def test_verify_reports_a_deleted_index_entry(damaged: CrawledArchive, article_url: str) -> None:
    from search.indexer import ArticleIndex

    article = damaged.articles()[article_url]
    assert ArticleIndex(damaged.data / "index").delete([article.id]) == 1
    result = damaged.cli("verify")
    assert result.returncode == 1
    assert f"not indexed: {article_url}" in result.stdout
    assert result.stderr.startswith("Error: 1 problems")


def test_verify_reports_a_truncated_warc(damaged: CrawledArchive) -> None:
    path = max(warc_files(damaged.warc_dir), key=lambda p: p.stat().st_size)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    result = damaged.cli("verify")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("warc: ")]
    assert problems and all(path.name in line for line in problems)


def test_verify_reports_a_changed_warc_byte(damaged: CrawledArchive, article_url: str) -> None:
    capture = next(c for c in damaged.captures() if c.url == article_url)
    path = damaged.warc_dir / capture.warc_file
    with path.open("r+b") as handle:
        handle.seek(capture.warc_offset + capture.warc_length // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0x55]))
    result = damaged.cli("verify")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("warc: ")]
    assert problems == [problem for problem in problems if f"@{capture.warc_offset} " in problem]
    assert len(problems) == 1


def test_a_refused_connection_is_recorded_without_a_warc_record(tmp_path: Path) -> None:
    port = free_port_base(1)
    config = write_sites_config(
        tmp_path / "sites.toml",
        {"gone": {"family": "generic", "base_url": f"http://127.0.0.1:{port}/"}},
    )
    data = tmp_path / "data"
    result = run_cli(data, "crawl", "--config", config, "--delay", "0", "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    crawled = CrawledArchive(data, config, [])
    failures = [c for c in crawled.captures() if c.url.endswith("/robots.txt") is False]
    assert failures and all(c.status == 0 and c.warc_file is None for c in failures)
    assert all("ConnectionRefused" in (c.error or "") for c in failures)


def test_a_gzipped_response_is_archived_as_it_was_sent(tmp_path: Path) -> None:
    page = "<html><head><title>Tin nén</title></head><body><h1>Tin nén</h1><p>Nội dung.</p></body>"
    compressed = gzip.compress(page.encode("utf-8"))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = compressed if self.path == "/" else b"User-agent: *\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if self.path == "/":
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    config = write_sites_config(tmp_path / "sites.toml", {"gz": {"base_url": base}})
    try:
        run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    finally:
        server.shutdown()
        server.server_close()
    archived = CrawledArchive(tmp_path / "data", config, [])
    capture = next(c for c in archived.captures() if c.url == base)
    stored = read_response(archived.warc_dir / capture.warc_file, capture.warc_offset)
    assert stored.payload == compressed
    assert ("Content-Encoding", "gzip") in stored.headers
    assert ("Content-Length", str(len(compressed))) in stored.headers
    assert capture.payload_digest == payload_digest(compressed)
