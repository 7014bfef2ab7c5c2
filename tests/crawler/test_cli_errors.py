"""A user's mistake gets one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_sites_config


def assert_one_error_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for text in expected:
        assert text in lines[0]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    base = f"http://127.0.0.1:{closed_port()}/"
    return write_sites_config(
        tmp_path / "sites.toml",
        {"gone": {"name": "Không còn", "family": "portalfolder", "base_url": base}},
    )


def test_unknown_site_key(tmp_path: Path, config: Path) -> None:
    result = run_cli(tmp_path / "data", "crawl", "--config", config, "nope")
    assert_one_error_line(result, "unknown site 'nope'", "gone")


def test_missing_config_file(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "data", "crawl", "--config", tmp_path / "absent.toml")
    assert_one_error_line(result, "sites config not found")


def test_unreachable_portal(tmp_path: Path, config: Path) -> None:
    result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [errors[0]] and "gone: nothing fetched" in errors[0]
    assert "Traceback" not in result.stderr


def test_empty_query(tmp_path: Path) -> None:
    (tmp_path / "data" / "index").mkdir(parents=True)
    result = run_cli(tmp_path / "data", "search", "  ")
    assert_one_error_line(result, "empty")


def test_search_before_any_crawl(tmp_path: Path) -> None:
    assert_one_error_line(run_cli(tmp_path / "data", "search", "thong tin"), "crawl")


def test_bad_date(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "data", "search", "x", "--from", "25/12/2020")
    assert result.returncode == 2
    assert "is not a date like 2020-12-25" in result.stderr
