"""`rebuild`: the archive re-extracted from its WARC files equals the one the crawl made."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbed import Testbed as Replica
from tests.helpers import run_cli

# What a rebuild cannot give back as it was: when an article was saved, to the millisecond
# (it is the capture's time instead), and the hash over the record that includes it.
SAVE_TIMES = ("first_seen", "last_seen", "record_hash")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data directory crawled from a small testbed, and its sites config."""
    root = tmp_path_factory.mktemp("rebuild")
    config = root / "sites.toml"
    with Replica(articles=20, seed=3) as testbed:
        testbed.write_sites(config)
        result = run_cli(root / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 0, result.stderr
    return root / "data", config


def articles(data: Path) -> dict[str, dict[str, object]]:
    result = run_cli(data, "export")
    assert result.returncode == 0, result.stderr
    records = (json.loads(line) for line in result.stdout.splitlines())
    return {
        record["url"]: {name: value for name, value in record.items() if name not in SAVE_TIMES}
        for record in records
    }


def count_rows(data: Path, table: str) -> int:
    with sqlite3.connect(data / "archive.sqlite3") as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_rebuild_of_a_damaged_archive_gives_back_every_article(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    data, config = crawled
    damaged = tmp_path / "damaged"
    shutil.copytree(data, damaged)
    for leftover in damaged.glob("archive.sqlite3-*"):
        leftover.unlink()
    database = damaged / "archive.sqlite3"
    os.truncate(database, database.stat().st_size // 3)
    kept = database.read_bytes()

    rebuilt = tmp_path / "rebuilt"
    result = run_cli(damaged, "rebuild", "--into", rebuilt, "--config", config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("20 articles, ")

    assert articles(rebuilt) == articles(data)
    assert count_rows(rebuilt, "document") == count_rows(data, "document")
    assert count_rows(rebuilt, "capture") == count_rows(data, "capture")
    verified = run_cli(rebuilt, "verify")
    assert verified.returncode == 0, verified.stdout
    found = run_cli(rebuilt, "search", "--json", "Hà Tĩnh")
    assert json.loads(found.stdout), found.stderr
    # The damaged directory is left as it was.
    assert database.read_bytes() == kept
    assert not (rebuilt / "warc").samefile(damaged / "warc")


def test_rebuild_never_writes_into_an_archive(crawled: tuple[Path, Path]) -> None:
    data, config = crawled
    result = run_cli(data, "rebuild", "--into", data, "--config", config)
    assert result.returncode == 1
    assert result.stderr == f"Error: {data} is not empty: rebuild into a new directory\n"


def test_rebuild_needs_every_site_of_the_warc_files_in_the_config(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    data, config = crawled
    partial = tmp_path / "partial.toml"
    text = config.read_text(encoding="utf-8")
    # The config without its last site (no other site's parent).
    partial.write_text(text[: text.rindex("[sites.")], encoding="utf-8")
    target = tmp_path / "rebuilt"
    result = run_cli(data, "rebuild", "--into", target, "--config", partial)
    assert result.returncode == 1
    assert "which the sites config lacks" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not target.exists()
