"""Repairing a WARC file a killed crawl left with a torn last record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import (
    WarcLocation,
    WarcWriter,
    last_written,
    read_response,
    repair_warc,
    run_warc_files,
)
from tests.archive.test_warc import exchange

WARCIO = Path(sys.executable).with_name("warcio")


def written(directory: Path, count: int) -> tuple[Path, list[WarcLocation]]:
    writer = WarcWriter(directory, run_id=3, site_key="stttt")
    locations = [writer.write(exchange(f"/{number}.html")) for number in range(count)]
    writer.close()
    [path] = run_warc_files(directory, 3, "stttt")
    return path, locations


def record_types(path: Path) -> list[str]:
    with path.open("rb") as handle:
        return [record.rec_type for record in ArchiveIterator(handle)]


@pytest.mark.parametrize("kept_of_last", [0.02, 0.5, 0.99])
def test_a_torn_last_record_is_cut_off(tmp_path: Path, kept_of_last: float) -> None:
    path, locations = written(tmp_path, 3)
    complete = path.read_bytes()
    last = locations[-1]
    # Then a few bytes, half or nearly all of one more response.
    torn = complete + complete[last.offset : last.offset + int(last.length * kept_of_last)]
    path.write_bytes(torn)
    assert repair_warc(path) == len(complete)
    assert path.read_bytes() == complete
    assert record_types(path) == ["warcinfo"] + ["response", "request"] * 3
    assert read_response(path, last.offset).payload == b"<html>x</html>"
    subprocess.run([WARCIO, "check", str(path)], check=True, capture_output=True)


def test_a_record_without_its_gzip_trailer_is_torn(tmp_path: Path) -> None:
    # warcio alone reads such a member back without complaint.
    path, locations = written(tmp_path, 2)
    request_end = path.stat().st_size
    path.write_bytes(path.read_bytes()[:-4])
    assert repair_warc(path) == locations[-1].offset + locations[-1].length
    assert record_types(path) == ["warcinfo", "response", "request", "response"]
    assert request_end > path.stat().st_size


def test_an_intact_file_is_left_alone(tmp_path: Path) -> None:
    path, _ = written(tmp_path, 2)
    before = path.read_bytes()
    assert repair_warc(path) == len(before)
    assert path.read_bytes() == before


def test_a_file_without_a_complete_record_is_removed(tmp_path: Path) -> None:
    path, _ = written(tmp_path, 1)
    path.write_bytes(path.read_bytes()[:100])
    assert repair_warc(path) == 0
    assert not path.exists()


def test_the_next_file_of_a_repaired_run_continues_the_sequence(tmp_path: Path) -> None:
    path, _ = written(tmp_path, 1)
    repair_warc(path)
    writer = WarcWriter(tmp_path, run_id=3, site_key="stttt")
    location = writer.write(exchange())
    writer.close()
    assert location.file == "portal-archive-000003-stttt-00001.warc.gz"
    assert [file.name for file in run_warc_files(tmp_path, 3, "stttt")] == [
        path.name,
        location.file,
    ]


def test_the_files_a_crash_can_have_torn_are_the_newest_of_each_writer(tmp_path: Path) -> None:
    names = [
        "portal-archive-000003-stttt-00000.warc.gz",
        "portal-archive-000003-stttt-00001.warc.gz",
        "portal-archive-000003-stttt-vm-7-00000.warc.gz",
        "portal-archive-000003-stttt-vm-8-00000.warc.gz",
        "portal-archive-000003-stttt-vm-8-00001.warc.gz",
    ]
    paths = [tmp_path / name for name in names]
    assert [path.name for path in last_written(paths)] == [names[1], names[2], names[4]]
