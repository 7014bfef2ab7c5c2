"""The WARC writer: records, rolling files, revisits, reading back, CDXJ keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import (
    HttpExchange,
    Revisit,
    WarcWriter,
    cdxj_lines,
    payload_digest,
    read_response,
    surt_key,
    warc_files,
)

FETCHED = datetime(2020, 12, 25, 2, 4, 5, 123456, tzinfo=UTC)


def exchange(path: str = "/a.html", body: bytes = b"<html>x</html>") -> HttpExchange:
    return HttpExchange(
        url=f"http://127.0.0.1:8002{path}",
        method="GET",
        request_headers={"User-Agent": "portal-archive/0.1", "Accept-Encoding": "gzip"},
        status=200,
        # Twisted has already removed the chunked framing from the body.
        response_headers={
            "Content-Type": "text/html; charset=utf-8",
            "Transfer-Encoding": "chunked",
        },
        body=body,
        fetched_at=FETCHED,
    )


def test_response_record_matches_the_stored_payload(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, run_id=7, site_key="stttt")
    location = writer.write(exchange())
    writer.close()
    assert location.file == "portal-archive-000007-stttt-00000.warc.gz"
    stored = read_response(tmp_path / location.file, location.offset)
    assert stored.record_type == "response"
    assert stored.date == "2020-12-25T02:04:05.123456Z"
    assert stored.payload == b"<html>x</html>"
    assert stored.digest_header == payload_digest(b"<html>x</html>")
    assert ("Content-Length", "14") in stored.headers
    assert not any(name == "Transfer-Encoding" for name, _ in stored.headers)
    assert stored.http_bytes.startswith(b"HTTP/1.1 200 OK\r\n")


def test_request_record_follows_its_response(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, run_id=1, site_key="stttt")
    writer.write(exchange("/b.html?page=2"))
    writer.close()
    with warc_files(tmp_path)[0].open("rb") as handle:
        records = list(ArchiveIterator(handle))
    kinds = [record.rec_type for record in records]
    assert kinds == ["warcinfo", "response", "request"]
    request = records[2]
    assert request.http_headers.protocol == "GET"
    assert request.http_headers.statusline == "/b.html?page=2 HTTP/1.1"
    assert request.http_headers.get_header("Host") == "127.0.0.1:8002"
    response_id = records[1].rec_headers.get_header("WARC-Record-ID")
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id


def test_files_roll_over_at_the_size_limit_each_with_warcinfo(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, run_id=1, site_key="kyanh", max_bytes=2_000)
    body = bytes(range(256)) * 16  # incompressible enough to fill a file in two pages
    locations = [writer.write(exchange(f"/{n}.html", body)) for n in range(6)]
    writer.close()
    files = warc_files(tmp_path)
    assert len(files) >= 3
    assert {location.file for location in locations} == {path.name for path in files}
    for path in files:
        with path.open("rb") as handle:
            assert next(iter(ArchiveIterator(handle))).rec_type == "warcinfo"
    for location in locations:
        assert read_response(tmp_path / location.file, location.offset).payload == body


def test_a_new_writer_never_overwrites_a_file(tmp_path: Path) -> None:
    for _ in range(2):
        writer = WarcWriter(tmp_path, run_id=1, site_key="stttt")
        writer.write(exchange())
        writer.close()
    assert [path.name[-14:] for path in warc_files(tmp_path)] == [
        "-00000.warc.gz",
        "-00001.warc.gz",
    ]


def test_a_revisit_names_the_capture_it_repeats(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, run_id=2, site_key="stttt")
    earlier = datetime(2020, 1, 1, tzinfo=UTC)
    location = writer.write(exchange(), Revisit(exchange().url, earlier))
    writer.close()
    assert location.record_type == "revisit"
    with (tmp_path / location.file).open("rb") as handle:
        handle.seek(location.offset)
        record = next(iter(ArchiveIterator(handle)))
    headers = record.rec_headers
    assert headers.get_header("WARC-Refers-To-Target-URI") == exchange().url
    assert headers.get_header("WARC-Refers-To-Date") == "2020-01-01T00:00:00Z"
    assert headers.get_header("WARC-Payload-Digest") == payload_digest(exchange().body)


def test_cdxj_lines_are_sorted_and_point_at_readable_records(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, run_id=1, site_key="stttt")
    for path in ("/z.html", "/a.html?b=2&a=1"):
        writer.write(exchange(path))
    writer.close()
    lines = list(cdxj_lines(tmp_path))
    assert lines == sorted(lines)
    key, timestamp, fields = lines[0].split(" ", 2)
    assert (key, timestamp) == ("1,0,0,127:8002)/a.html?a=1&b=2", "20201225020405")
    record = json.loads(fields)
    stored = read_response(tmp_path / record["filename"], int(record["offset"]))
    assert stored.url == "http://127.0.0.1:8002/a.html?b=2&a=1"
    assert "sha1:" + record["digest"] == stored.digest_header


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Hatinh.gov.vn/portal/Pages/", "vn,gov,hatinh)/portal/pages"),
        ("http://stttt.hatinh.gov.vn/", "vn,gov,hatinh,stttt)/"),
        ("http://127.0.0.1:8001/x?b=1&a=2", "1,0,0,127:8001)/x?a=2&b=1"),
    ],
)
def test_surt_keys(url: str, key: str) -> None:
    assert surt_key(url) == key


def test_every_record_is_of_the_version_the_warcinfo_names(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, run_id=1, site_key="stttt")
    writer.write(exchange())
    writer.write(exchange(), revisit=Revisit(exchange().url, FETCHED))
    writer.close()
    [path] = warc_files(tmp_path)
    with path.open("rb") as handle:
        records = [
            (record.rec_headers.protocol, record.rec_type, record.content_stream().read())
            for record in ArchiveIterator(handle)
        ]
    assert {protocol for protocol, _, _ in records} == {"WARC/1.1"}
    [info] = [content for _, kind, content in records if kind == "warcinfo"]
    assert b"format: WARC File Format 1.1" in info
