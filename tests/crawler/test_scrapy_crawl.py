"""The bare ``scrapy crawl portal`` path runs a site on its own, as the README shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import Hit, Reply, serve_script, write_sites_config

REPO = Path(__file__).parents[2]


def home_page(_path: str, _hits: list[Hit]) -> Reply:
    return Reply(200, "<html><body>trang chủ</body></html>")


def test_scrapy_crawl_sends_the_contact_without_deprecation_warnings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve_script(home_page) as (base, hits):
        config = write_sites_config(
            tmp_path / "sites.toml", {"stttt": {"family": "generic", "base_url": f"{base}/"}}
        )
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=stttt",
             "-s", f"PORTAL_SITES_CONFIG={config}", "-s", f"PORTAL_ARCHIVE_DATA={data}",
             "-s", "PORTAL_CONTACT=archive@example.org", "-s", "DOWNLOAD_DELAY=0",
             "-s", "LOG_LEVEL=WARNING"],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Deprecation" not in result.stderr
    assert hits and all("; archive@example.org)" in hit.user_agent for hit in hits)
