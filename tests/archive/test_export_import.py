"""Export in three formats with filters, and import of a JSON Lines export."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.db import ArchiveError, open_archive, sqlite_url
from archive.export import EXPORT_FIELDS, LIST_FIELDS, iter_article_records, record_hash
from archive.extract import AttachmentRef, ExtractedArticle, ImageRef
from archive.importer import import_jsonl
from archive.models import Document
from archive.sites import SiteConfig
from archive.store import ArchiveStore
from search.filters import SearchFilters
from tests.helpers import run_cli

VIETNAM = timezone(timedelta(hours=7))
PLAN_URL = "http://127.0.0.1:8001/Upload/ke-hoach-45.pdf"
PLAN_TEXT = "KẾ HOẠCH\nTriển khai thí điểm trạm sạc xe điện trên địa bàn tỉnh."
SHARED = " ".join(f"Câu {n}: Hà Tĩnh đẩy mạnh chuyển đổi số ở cơ quan nhà nước." for n in range(9))


def _site(key: str, port: int) -> SiteConfig:
    base = f"http://127.0.0.1:{port}/"
    return SiteConfig(key=key, name=key, family="generic", base_url=base, start_urls=(base,))


def _article(url: str, title: str, body: str, day: date) -> ExtractedArticle:
    return ExtractedArticle(
        url=url,
        title=title,
        summary=body.split(".")[0],
        body=body,
        published=datetime(day.year, day.month, day.day, 23, 30, tzinfo=VIETNAM),
        updated=None,
        author="H.A",
        category="Tin hoạt động",
        language="vi",
        images=[ImageRef(src=f"{url}.jpg", caption='Ảnh: "minh họa", dòng 1\ndòng 2')],
        attachments=[AttachmentRef(PLAN_URL, "Kế hoạch số 45/KH-UBND", "application/pdf")]
        if day.day % 3 == 0
        else [],
        profile="generic",
        missing=["author"] if day.day % 2 else [],
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with 12 articles on two sites, two of them copies of another."""
    root = tmp_path_factory.mktemp("export") / "data"
    root.mkdir()
    store = ArchiveStore(open_archive(sqlite_url(root / "archive.sqlite3")))
    sites = [store.ensure_site(_site("stttt", 8001)), store.ensure_site(_site("kyanh", 8002))]
    for n in range(12):
        body = SHARED if n in (0, 5, 9) else f"Bài {n}. Nội dung riêng số {n} về nông thôn mới."
        url = f"http://127.0.0.1:{8001 + n % 2}/tin/{n}.html"
        extracted = _article(url, f"Tin {n}", body, date(2020, 12, n + 1))
        store.save_article(sites[n % 2], extracted, None)
    with store.archive.session() as session:
        session.add(
            Document(
                url=PLAN_URL,
                media_type="application/pdf",
                size=2048,
                text=PLAN_TEXT,
                text_status="text",
                converted_from="tcvn3",
                pages=2,
            )
        )
    assert run_cli(root, "reindex").returncode == 0
    return root


def _export(data: Path, *args: str | Path) -> str:
    result = run_cli(data, "export", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_export_import_export_round_trips_identically(data: Path, tmp_path: Path) -> None:
    exported = tmp_path / "articles.jsonl"
    _export(data, "--format", "jsonl", "-o", exported)
    target = tmp_path / "copy"
    target.mkdir()
    imported = run_cli(target, "import", exported)
    assert imported.returncode == 0, imported.stderr
    assert "12 articles of 2 sites imported" in imported.stdout
    assert _export(target, "--format", "jsonl") == exported.read_text(encoding="utf-8")
    copies = [json.loads(line)["duplicate_of"] for line in exported.read_text().splitlines()]
    assert copies.count("http://127.0.0.1:8001/tin/0.html") == 2
    # The imported archive is indexed and consistent, document text included.
    assert run_cli(target, "search", "noi dung rieng").returncode == 0
    found = run_cli(target, "search", "tram sac xe dien")
    assert "in the attached file Kế hoạch số 45/KH-UBND" in found.stdout
    assert run_cli(target, "verify").returncode == 0


def test_attached_documents_are_exported_with_their_text(data: Path) -> None:
    records = [json.loads(line) for line in _export(data).splitlines()]
    attaching = [record for record in records if record["attachments"]]

    assert len(attaching) == 4
    assert attaching[0]["attachments"] == [
        {
            "url": PLAN_URL,
            "name": "Kế hoạch số 45/KH-UBND",
            "media_type": "application/pdf",
            "text_status": "text",
            "converted_from": "tcvn3",
            "text": PLAN_TEXT,
        }
    ]


def test_an_export_made_before_attachments_were_exported_loads(data: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.jsonl"
    with older.open("w", encoding="utf-8") as handle:
        for line in _export(data).splitlines():
            record = json.loads(line)
            del record["attachments"]
            record["record_hash"] = record_hash(record)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    target = tmp_path / "copy"
    target.mkdir()

    imported = run_cli(target, "import", older)

    assert imported.returncode == 0, imported.stderr
    assert "12 articles of 2 sites imported" in imported.stdout


def test_import_refuses_an_archive_with_articles(data: Path, tmp_path: Path) -> None:
    exported = tmp_path / "articles.jsonl"
    _export(data, "-o", exported)
    result = run_cli(data, "import", exported)
    assert result.returncode == 1
    assert result.stderr == "Error: import needs an empty archive; this one already has articles\n"


def _changed_export(data: Path, path: Path, **changes: object) -> Path:
    """The export of ``data`` with ``changes`` made to its fourth record."""
    lines = _export(data).splitlines()
    lines[3] = json.dumps({**json.loads(lines[3]), **changes}, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "changes",
    [
        {"body": "Nội dung đã sửa."},
        {"site": "kyanh", "published": "2019-01-01T08:00:00+07:00", "author": "Người khác"},
        {"images": []},
        {"duplicate_of": "http://127.0.0.1:8001/tin/0.html"},
    ],
    ids=["body", "site, date and author", "images", "duplicate_of"],
)
def test_import_refuses_a_record_changed_after_export(
    data: Path, tmp_path: Path, changes: dict[str, object]
) -> None:
    changed = _changed_export(data, tmp_path / "changed.jsonl", **changes)
    with pytest.raises(ArchiveError, match=r"changed.jsonl:4: record_hash does not match"):
        import_jsonl(open_archive(sqlite_url(tmp_path / "empty.sqlite3")), changed)


def test_import_refuses_a_body_whose_content_hash_was_recomputed_wrongly(
    data: Path, tmp_path: Path
) -> None:
    """A record_hash recomputed over an edited body still leaves content_hash to check."""
    record = json.loads(_export(data).splitlines()[3])
    record["body"] += " (sửa)"
    record["record_hash"] = record_hash(record)
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"changed.jsonl:1: content_hash does not match"):
        import_jsonl(open_archive(sqlite_url(tmp_path / "empty.sqlite3")), changed)


def test_import_into_a_data_directory_that_does_not_exist_creates_it(
    data: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "articles.jsonl"
    _export(data, "-o", exported)
    target = tmp_path / "new" / "archive"
    imported = run_cli(target, "import", exported)
    assert imported.returncode == 0, imported.stderr
    assert (target / "archive.sqlite3").is_file()
    assert _export(target) == exported.read_text(encoding="utf-8")


def test_import_of_a_file_that_is_not_an_export_is_one_error_line(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x02\x00\x00\x01\x00\x01")
    result = run_cli(tmp_path / "data", "import", binary)
    assert result.returncode == 1
    assert result.stderr == f"Error: {binary}:1: not UTF-8 text; is this a JSON Lines export?\n"


def test_import_of_a_record_with_a_bad_date_is_one_error_line(data: Path, tmp_path: Path) -> None:
    record = json.loads(_export(data).splitlines()[0])
    record["published"] = "31/12/2020"
    record["record_hash"] = record_hash(record)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_cli(tmp_path / "data", "import", bad)
    assert result.returncode == 1
    assert result.stderr == (f"Error: {bad}:1: published '31/12/2020' is not an ISO 8601 time\n")


def test_csv_and_parquet_carry_the_same_records(data: Path, tmp_path: Path) -> None:
    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    records = [json.loads(line) for line in _export(data).splitlines()]
    flat = [
        {**r, **{name: json.dumps(r[name], ensure_ascii=False) for name in LIST_FIELDS}}
        for r in records
    ]
    rows = list(csv.DictReader(_export(data, "--format", "csv").splitlines(keepends=True)))
    assert [list(row) for row in rows] == [list(EXPORT_FIELDS)] * len(records)
    assert [row["body"] for row in rows] == [r["body"] for r in flat]
    assert rows[0]["images"] == flat[0]["images"]
    parquet = tmp_path / "articles.parquet"
    _export(data, "--format", "parquet", "-o", parquet)
    assert pyarrow_parquet.read_table(parquet).to_pylist() == flat


def test_parquet_needs_an_output_file(data: Path) -> None:
    result = run_cli(data, "export", "--format", "parquet")
    assert result.returncode == 1
    assert result.stderr == "Error: parquet is a binary format: name a file with -o FILE\n"


def test_filters_select_by_site_and_whole_days_in_portal_time(data: Path) -> None:
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    filters = SearchFilters(
        sites=("stttt",), date_from=date(2020, 12, 3), date_to=date(2020, 12, 7)
    )
    titles = [record["title"] for record in iter_article_records(archive, filters)]
    # Published at 23:30 in Vietnam: 16:30 UTC, still the same day in portal time.
    assert titles == ["Tin 2", "Tin 4", "Tin 6"]


def test_query_filter_exports_what_the_search_matches(data: Path) -> None:
    lines = _export(data, "--query", "noi dung rieng", "--site", "kyanh").splitlines()
    titles = sorted(json.loads(line)["title"] for line in lines)
    assert titles == ["Tin 1", "Tin 11", "Tin 3", "Tin 7"]


def test_small_batches_give_the_same_records(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    whole = list(iter_article_records(archive))
    monkeypatch.setattr("archive.export.EXPORT_BATCH", 5)
    monkeypatch.setattr("archive.importer.IMPORT_BATCH", 5)
    assert list(iter_article_records(archive)) == whole
    exported = tmp_path / "articles.jsonl"
    exported.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in whole))
    copy = open_archive(sqlite_url(tmp_path / "copy.sqlite3"))
    assert import_jsonl(copy, exported).articles == len(whole)
    assert list(iter_article_records(copy)) == whole
