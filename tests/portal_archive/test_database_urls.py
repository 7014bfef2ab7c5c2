"""A database URL's password never appears in what the command line prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url

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
    result = run_cli(tmp_path / "data", "--db", URLS[0], "stats")
    assert result.stderr.startswith(
        "Error: cannot open database postgresql://archivist:***@127.0.0.1:1/archive: "
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"password": PASSWORD}, "password authentication failed"),
        ({"database": "no_such_archive"}, 'database "no_such_archive" does not exist'),
    ],
    ids=["wrong password", "no such database"],
)
@pytest.mark.parametrize("command", ["stats", "reindex"])
def test_a_postgresql_server_refusing_the_url_is_one_error_line(
    postgres_url: str, tmp_path: Path, change: dict[str, str], reason: str, command: str
) -> None:
    url = make_url(postgres_url).set(**change).render_as_string(hide_password=False)
    result = run_cli(tmp_path / "data", "--db", url, command)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: cannot open database {masked_url(url)}: "), (
        result.stderr
    )
    assert reason in result.stderr and result.stderr.count("\n") == 1, result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert PASSWORD not in output and make_url(postgres_url).password not in output


def test_a_postgresql_archive_is_made_by_a_writing_command_and_read_by_the_others(
    postgres_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    assert run_cli(data, "--db", postgres_url, "stats").stderr == (
        f"Error: {masked_url(postgres_url)} is not a portal-archive database\n"
    )
    reindexed = run_cli(data, "--db", postgres_url, "reindex")
    assert reindexed.returncode == 0, reindexed.stderr
    stats = run_cli(data, "--db", postgres_url, "stats")
    assert stats.returncode == 0, stats.stderr


def test_masked_url_hides_only_the_password() -> None:
    assert masked_url("postgresql://u:p@a@h:5/d?x=1") == "postgresql://u:***@h:5/d?x=1"
    assert masked_url("sqlite:////data/archive.sqlite3") == "sqlite:////data/archive.sqlite3"
