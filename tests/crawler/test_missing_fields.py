"""An article whose date or title cannot be found is archived anyway, and counted."""

from __future__ import annotations

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
    '<p style="text-align: right;"><strong>H.A</strong></p></div></div></body></html>'
)


def test_undated_article_is_archived_with_the_missing_field_counted(tmp_path: Path) -> None:
    dated = ARTICLE.format(slug="bai-co-ngay")
    undated = ARTICLE.format(slug="bai-khong-ngay")
    pages = {
        "/ctx/portal/folder/home": f'<a href="{dated}">1</a> <a href="{undated}">2</a>',
        dated: PAGE.format(title="Bài có ngày", date='<p class="news_time">09:04 25/12/2020</p>'),
        undated: PAGE.format(title="Bài không ngày", date=""),
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
    assert "1 with missing fields" in result.stdout
    archive = open_archive(sqlite_url(tmp_path / "data" / "archive.sqlite3"))
    with archive.sessions() as session:
        articles = {a.title: a for a in session.scalars(select(Article))}
    assert articles["Bài không ngày"].published is None
    assert articles["Bài không ngày"].missing == "published"
    assert articles["Bài có ngày"].missing == ""
