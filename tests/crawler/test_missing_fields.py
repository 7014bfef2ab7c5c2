"""An article whose date, title or author cannot be found is archived anyway, and counted per
field in the crawl summary, the run's report and the list of runs."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article
from tests.helpers import run_cli, serve_pages, write_sites_config

ARTICLE = "/ctx/portal/read/tin-tuc/news/{slug}.html"
PAGE = (
    '<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>'
    '<div class="news_detail"><h1 class="news_title">{title}</h1>{date}'
    '<div class="news_content"><p>Đoạn mở đầu của bài viết.</p><p>Nội dung chính.</p>'
    "{signoff}</div></div></body></html>"
)
SIGNOFF = '<p style="text-align: right;"><strong>H.A</strong></p>'
DATE = '<p class="news_time">09:04 25/12/2020</p>'


def test_articles_lacking_fields_are_archived_and_counted_per_field(tmp_path: Path) -> None:
    dated = ARTICLE.format(slug="bai-co-ngay")
    undated = ARTICLE.format(slug="bai-khong-ngay")
    unsigned = ARTICLE.format(slug="bai-khong-ky-ten")
    links = " ".join(f'<a href="{url}">{n}</a>' for n, url in enumerate((dated, undated, unsigned)))
    pages = {
        "/ctx/portal/folder/home": links,
        dated: PAGE.format(title="Bài có ngày", date=DATE, signoff=SIGNOFF),
        undated: PAGE.format(title="Bài không ngày", date="", signoff=SIGNOFF),
        unsigned: PAGE.format(title="Bài không ký tên", date=DATE, signoff=""),
    }
    with serve_pages(pages) as (base, _):
        config = write_sites_config(
            tmp_path / "sites.toml",
            {
                "site": {
                    "family": "portalfolder",
                    "base_url": f"{base}/",
                    "start_urls": [f"{base}/ctx/portal/folder/home"],
                }
            },
        )
        result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 0, result.stderr
    archive = open_archive(sqlite_url(tmp_path / "data" / "archive.sqlite3"))
    with archive.sessions() as session:
        articles = {a.title: a for a in session.scalars(select(Article))}
    assert articles["Bài không ngày"].published is None
    assert articles["Bài không ngày"].missing == "published"
    assert articles["Bài không ký tên"].author is None
    assert articles["Bài không ký tên"].missing == ""
    assert articles["Bài có ngày"].missing == ""

    without = {"title": 0, "published": 1, "author": 1, "body": 0}
    columns = "0 no title 1 no date 1 no author 0 no body"
    # The site's line and the total line of the summary, then of the report.
    assert [squeezed(line).endswith(columns) for line in result.stdout.splitlines()[1:]] == [
        True,
        True,
    ]
    report = run_cli(tmp_path / "data", "report", "1").stdout.splitlines()
    assert [squeezed(line).endswith(columns) for line in report[1:]] == [True, True]
    figures = json.loads(run_cli(tmp_path / "data", "report", "1", "--json").stdout)
    assert figures["sites"]["site"]["articles_without"] == without
    assert figures["sites"]["site"]["articles_missing_fields"] == 1
    assert figures["totals"]["articles_without"] == without
    [run] = json.loads(run_cli(tmp_path / "data", "crawls", "--json").stdout)
    assert run["articles_without"] == without


def squeezed(line: str) -> str:
    return " ".join(line.split())
