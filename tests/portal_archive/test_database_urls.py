"""A database URL's password never appears in what the command line prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.db import masked_url
from tests.helpers import run_cli

PASSWORD = "s3cr3t-pass"
# Port 1 of the local host: nothing listens there, so every connection is refused.
URLS = [
    f"postgresql://archivist:{PASSWORD}@127.0.0.1:1/archive",
    f"postgresql://archivist:{PASSWORD}@127.0.0.1:1/archive?sslmode=bogus",
    f"mysql://archivist:{PASSWORD}@127.0.0.1:1/archive",
    f"nosuchdialect://archivist:{PASSWORD}@127.0.0.1:1/archive",
]


@pytest.mark.parametrize("url", URLS, ids=lambda url: url.split(":")[0] + url[-6:])
@pytest.mark.parametrize("command", ["stats", "reindex"])
def test_database_errors_never_print_the_password(tmp_path: Path, url: str, command: str) -> None:
    result = run_cli(tmp_path / "data", "--db", url, command)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert PASSWORD not in result.stdout + result.stderr


def test_a_postgresql_url_is_opened_with_psycopg(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    result = run_cli(tmp_path / "data", "--db", URLS[0], "stats")
    assert result.stderr.startswith(
        "Error: cannot open database postgresql://archivist:***@127.0.0.1:1/archive: "
    )


def test_masked_url_hides_only_the_password() -> None:
    assert masked_url("postgresql://u:p@a@h:5/d?x=1") == "postgresql://u:***@h:5/d?x=1"
    assert masked_url("sqlite:////data/archive.sqlite3") == "sqlite:////data/archive.sqlite3"
