"""``portal-archive serve``: uvicorn on 127.0.0.1, the archive read-only, remote binding opt-in."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import run_cli

from .archive import SEED_TITLE, WebArchive
from .server import serving


def test_serve_listens_on_loopback_and_answers(web_archive: WebArchive) -> None:
    with serving(web_archive.data.root) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base_url}/?q=dau+an+nganh") as response:
            assert response.status == 200
            assert "server" not in response.headers
            page = response.read().decode("utf-8")
            assert SEED_TITLE in re.sub(r"</?mark>", "", page)


def test_a_60_kb_query_is_refused_at_once(web_archive: WebArchive) -> None:
    with serving(web_archive.data.root) as base_url:
        started = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base_url}/?q={'tin+' * 15_000}")
        assert refused.value.code == 400
        assert "Câu tìm kiếm quá dài" in refused.value.read().decode("utf-8")
        assert time.monotonic() - started < 1


def test_serve_refuses_a_remote_address_unless_allowed(web_archive: WebArchive) -> None:
    result = run_cli(web_archive.data.root, "serve", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: 0.0.0.0 is reachable from other machines: add --allow-remote to listen on it\n"
    )


def test_serve_without_an_archive_says_so(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "none", "serve", "--port", "0")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no archive database at ")
