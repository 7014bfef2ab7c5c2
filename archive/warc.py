"""WARC files (ISO 28500) of a crawl: writing exchanges, reading records back, CDXJ.

Each HTTP exchange becomes a ``request`` and a ``response`` record, gzipped one
record per member so a record can be read from its offset alone. A response
whose payload equals an earlier capture of the same URL becomes a ``revisit``
record instead (the WARC way of saying "unchanged"). Files are named
``<prefix>-<run>-<site>-<seq>.warc.gz`` and a new one is started once a file
reaches ``max_bytes``; each file opens with a ``warcinfo`` record naming the
software, its version and the crawl run. A file whose writer was killed
mid-record is repaired by cutting the torn record off (``repair_warc``).
"""

from __future__ import annotations

import base64
import hashlib
import http
import json
import os
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, datetime_to_timestamp
from warcio.warcwriter import WARCWriter

SOFTWARE = "portal-archive"
DEFAULT_MAX_BYTES = 1_000_000_000
WARC_SUFFIX = ".warc.gz"
WARC_VERSION = "1.1"
# The payload is stored as sent but without chunked framing (Twisted removes it), so
# the framing headers are replaced by the stored payload's Content-Length. A
# Content-Encoding stays: the payload is still compressed, as replay tools expect.
_FRAMING_HEADERS = frozenset({"transfer-encoding", "content-length"})
# Everything that goes wrong reading a damaged record: bad gzip, short file, bad header.
READ_ERRORS = (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError, StopIteration)
_GZIP_WBITS = 16 + zlib.MAX_WBITS
# Small reads bound what one read of a very compressible record inflates to.
_REPAIR_CHUNK = 64 * 1024


def software_version() -> str:
    try:
        return f"{SOFTWARE}/{version(SOFTWARE)}"
    except PackageNotFoundError:
        return SOFTWARE


def payload_digest(payload: bytes) -> str:
    """``sha1:`` + base32, the digest WARC files (and CDX indexes) use."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


@dataclass(frozen=True)
class HttpExchange:
    """One request and the response it got, as they went over the wire: ``body`` is the
    payload before any content decoding."""

    url: str
    method: str
    request_headers: Mapping[str, str]
    status: int
    response_headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None


@dataclass(frozen=True)
class Revisit:
    """The earlier capture whose payload a new response repeats."""

    url: str
    fetched_at: datetime


@dataclass(frozen=True)
class WarcLocation:
    """Where a record is: file name (relative to the WARC directory), offset, length."""

    file: str
    offset: int
    length: int
    record_type: str


class WarcWriter:
    """Writes the exchanges of one crawl run and site into rolling gzipped WARC files.

    Each worker of a run shared by several processes names its own files
    (``worker``), so that they never write to the same file or race for a name.
    """

    def __init__(
        self,
        directory: Path,
        *,
        run_id: int,
        site_key: str,
        worker: str = "",
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.directory = directory
        self.run_id = run_id
        self.site_key = site_key
        self.worker = worker
        self.max_bytes = max_bytes
        self._handle: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._name = ""

    def write(self, exchange: HttpExchange, revisit: Revisit | None = None) -> WarcLocation:
        """Appends the response (or revisit) record, then its request record."""
        writer, handle = self._current()
        response = self._response_record(writer, exchange, revisit)
        offset = handle.tell()
        writer.write_record(response)
        length = handle.tell() - offset
        writer.write_record(_request_record(writer, exchange, response))
        handle.flush()
        return WarcLocation(self._name, offset, length, response.rec_type)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._handle = self._writer = None

    def _current(self) -> tuple[WARCWriter, IO[bytes]]:
        if self._handle is not None and self._handle.tell() >= self.max_bytes:
            self.close()
        if self._handle is None or self._writer is None:
            self._open_next_file()
        assert self._handle is not None and self._writer is not None
        return self._writer, self._handle

    def _open_next_file(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = _stem(self.run_id, self.site_key)
        if self.worker:
            stem = f"{stem}-{self.worker}"
        sequence = 0
        while (self.directory / f"{stem}-{sequence:05d}{WARC_SUFFIX}").exists():
            sequence += 1
        self._name = f"{stem}-{sequence:05d}{WARC_SUFFIX}"
        self._handle = (self.directory / self._name).open("xb")
        # The version the warcinfo record says the file conforms to.
        self._writer = WARCWriter(self._handle, gzip=True, warc_version=WARC_VERSION)
        info = {
            "software": software_version(),
            "format": f"WARC File Format {WARC_VERSION}",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": f"crawl-run-{self.run_id}",
            "description": f"portal-archive crawl run {self.run_id}, site {self.site_key}"
            + (f", worker {self.worker}" if self.worker else ""),
        }
        self._writer.write_record(self._writer.create_warcinfo_record(self._name, info))

    def _response_record(
        self, writer: WARCWriter, exchange: HttpExchange, revisit: Revisit | None
    ) -> ArcWarcRecord:
        http_headers = _response_headers(exchange)
        warc_headers = {"WARC-Date": _warc_date(exchange.fetched_at)}
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        if revisit is None:
            return writer.create_warc_record(
                exchange.url,
                "response",
                payload=BytesIO(exchange.body),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
        return writer.create_revisit_record(
            exchange.url,
            payload_digest(exchange.body),
            revisit.url,
            _warc_date(revisit.fetched_at),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )


def _stem(run_id: int, site_key: str) -> str:
    return f"{SOFTWARE}-{run_id:06d}-{site_key}"


def run_warc_files(directory: Path, run_id: int, site_key: str) -> list[Path]:
    """The WARC files of one run and site, in the order they were written (each worker's, when
    several shared the run)."""
    return sorted(directory.glob(f"{_stem(run_id, site_key)}-*{WARC_SUFFIX}"))


def last_written(paths: list[Path]) -> list[Path]:
    """The newest of ``paths`` (in written order) per writer: the files a crash can have left
    with a torn last record, since every writer appends to its newest file only."""
    newest = {path.name.rsplit("-", 1)[0]: path for path in paths}
    return list(newest.values())


def complete_length(path: Path) -> int:
    """How many bytes of the WARC file at ``path`` hold complete records.

    A killed writer can leave the last gzip member (one record) cut short.
    warcio reads such a member without complaint, so completeness is checked
    on the members themselves: a member is complete once its gzip trailer is.
    """
    end = position = 0
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    with path.open("rb") as handle:
        while chunk := handle.read(_REPAIR_CHUNK):
            while chunk:
                try:
                    decompressor.decompress(chunk)
                except zlib.error:
                    return end
                if not decompressor.eof:
                    position += len(chunk)
                    break
                position += len(chunk) - len(decompressor.unused_data)
                end = position
                chunk = decompressor.unused_data
                decompressor = zlib.decompressobj(_GZIP_WBITS)
    return end


def repair_warc(path: Path) -> int:
    """Cuts a torn last record off the WARC file at ``path``; returns the length kept.

    A file left without any complete record is removed.
    """
    kept = complete_length(path)
    if kept == 0:
        path.unlink()
    elif kept < path.stat().st_size:
        with path.open("r+b") as handle:
            handle.truncate(kept)
            os.fsync(handle.fileno())
    return kept


def _response_headers(exchange: HttpExchange) -> StatusAndHeaders:
    headers = [
        (name, value)
        for name, value in exchange.response_headers.items()
        if name.lower() not in _FRAMING_HEADERS
    ]
    headers.append(("Content-Length", str(len(exchange.body))))
    return StatusAndHeaders(
        f"{exchange.status} {_reason(exchange.status)}", headers, protocol=exchange.protocol
    )


def _request_record(
    writer: WARCWriter, exchange: HttpExchange, response: ArcWarcRecord
) -> ArcWarcRecord:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc), *exchange.request_headers.items()]
    http_headers = StatusAndHeaders(
        f"{exchange.method} {target} {exchange.protocol}", headers, is_http_request=True
    )
    return writer.create_warc_record(
        exchange.url,
        "request",
        payload=BytesIO(b""),
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Date": response.rec_headers.get_header("WARC-Date"),
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _warc_date(moment: datetime) -> str:
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


@dataclass(frozen=True)
class StoredResponse:
    """A response record read back: its HTTP head and payload as stored."""

    record_type: str
    url: str
    date: str
    status_line: str
    headers: list[tuple[str, str]]
    payload: bytes
    digest_header: str | None

    @property
    def http_bytes(self) -> bytes:
        """The HTTP response as archived: status line, headers, blank line, payload."""
        head = "".join(f"{name}: {value}\r\n" for name, value in self.headers)
        return f"{self.status_line}\r\n{head}\r\n".encode("latin-1") + self.payload


def read_response(path: Path, offset: int) -> StoredResponse:
    """The record at ``offset`` of the WARC file at ``path``; raises one of ``READ_ERRORS``."""
    with path.open("rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle, check_digests=False)))
        payload = record.raw_stream.read()
        http_headers = record.http_headers
        status_line = f"{http_headers.protocol} {http_headers.statusline}" if http_headers else ""
        return StoredResponse(
            record_type=record.rec_type,
            url=record.rec_headers.get_header("WARC-Target-URI"),
            date=record.rec_headers.get_header("WARC-Date"),
            status_line=status_line,
            headers=list(http_headers.headers) if http_headers else [],
            payload=payload,
            digest_header=record.rec_headers.get_header("WARC-Payload-Digest"),
        )


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{WARC_SUFFIX}"))


def cdxj_lines(directory: Path) -> Iterator[str]:
    """A CDXJ index (the pywb / OpenWayback format) of the responses and revisits of every WARC
    in ``directory``, sorted by SURT key and timestamp."""
    lines = [line for path in warc_files(directory) for line in _cdxj_of_file(directory, path)]
    yield from sorted(lines)


def _cdxj_of_file(directory: Path, path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            if record.rec_type not in ("response", "revisit"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date")
            fields: dict[str, Any] = {
                "url": url,
                "mime": _mime(record),
                "status": record.http_headers.get_statuscode() if record.http_headers else "-",
                # CDX digests are bare base32, without the "sha1:" of the WARC header.
                "digest": record.rec_headers.get_header("WARC-Payload-Digest").split(":")[-1],
                "filename": str(path.relative_to(directory)),
            }
            if record.rec_type == "revisit":
                fields["mime"] = "warc/revisit"
            record.raw_stream.read()  # the iterator needs the record read to know its length
            fields["offset"] = str(records.get_record_offset())
            fields["length"] = str(records.get_record_length())
            yield f"{surt_key(url)} {_timestamp(date)} {json.dumps(fields, ensure_ascii=False)}"


def _mime(record: ArcWarcRecord) -> str:
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    return (content_type or "unk").split(";")[0].strip()


def _timestamp(warc_date: str) -> str:
    return datetime_to_timestamp(datetime.fromisoformat(warc_date.replace("Z", "+00:00")))[:14]


def surt_key(url: str) -> str:
    """The Sort-friendly URI Reordering Transform key: ``vn,gov,hatinh)/path?query``.

    Scheme, ``www.`` and a trailing slash are dropped and the host reversed
    (IP addresses too), so every capture of one site sorts together, as the
    ``surt`` library pywb uses does it.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    key_host = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key_host += f":{parts.port}"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    path = (parts.path or "/").lower()
    if path != "/":
        path = path.rstrip("/")
    return f"{key_host}){path}" + (f"?{query.lower()}" if query else "")
