"""The crawler never leaves the configured host and port, however tempting the link."""

from pathlib import Path

from tests.helpers import run_cli, serve_pages, write_sites_config

ARTICLE = "/stttt/portal/read/tin-hoat-dong/news/bai-viet-trong-pham-vi.html"


def portal_page(links: list[str]) -> str:
    anchors = "".join(f'<a href="{link}">liên kết</a>' for link in links)
    return f"<html><body>{anchors}</body></html>"


def article_page() -> str:
    return (
        "<html><body><div class='news_detail'><h1 class='news_title'>Bài viết trong phạm vi</h1>"
        "<p class='news_time'>09:04 25/12/2020</p><div class='news_content'>"
        "<p>Nội dung bài viết trong phạm vi của cổng thông tin.</p></div></div></body></html>"
    )


def test_links_to_other_hosts_and_ports_are_never_fetched(tmp_path: Path) -> None:
    outside_pages = {ARTICLE: article_page(), "/stttt/portal/folder/home": portal_page([])}
    with serve_pages(outside_pages) as (outside_url, outside_log):
        pages = {
            "/robots.txt": "User-agent: *\nDisallow: /admin/\n",
            "/stttt/portal/folder/home": portal_page(
                [
                    ARTICLE,
                    # Same host, other port: only the scope middleware stops these.
                    f"{outside_url}{ARTICLE}",
                    f"{outside_url}/stttt/portal/folder/home",
                    "https://www.facebook.com/sharer/sharer.php?u=x",
                ]
            ),
            ARTICLE: article_page(),
        }
        with serve_pages(pages) as (site_url, site_log):
            config = write_sites_config(
                tmp_path / "sites.toml",
                {
                    "stttt": {
                        "name": "Sở TT&TT",
                        "family": "portalfolder",
                        "base_url": f"{site_url}/",
                        "start_urls": [f"{site_url}/stttt/portal/folder/home"],
                    }
                },
            )
            result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 0, result.stderr
    assert ARTICLE in site_log
    assert outside_log == []
    assert "1 new" in result.stdout
