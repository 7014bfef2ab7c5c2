"""The demo: the whole flow on the offline testbed."""

from __future__ import annotations

import click

from portal_archive.cli.common import data_dir
from portal_archive.cli.crawling import crawl
from portal_archive.cli.reading import stats
from portal_archive.cli.searching import search_command


@click.command()
@click.option(
    "--articles",
    type=click.IntRange(1, 50_000),
    default=300,
    show_default=True,
    help="Articles in the testbed portal.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Testbed seed.")
@click.option(
    "--query",
    default="dau an nganh thong tin",
    show_default=True,
    help="The search to run at the end.",
)
@click.pass_context
def demo(ctx: click.Context, articles: int, seed: int, query: str) -> None:
    """Start the offline testbed portal, crawl it, show the stats and a search, stop it."""
    from portal_archive.demo import running_testbed

    directory = data_dir(ctx)
    demo_dir = directory.root / "demo"
    with running_testbed(demo_dir, articles=articles, seed=seed) as sites_config:
        click.echo(f"testbed running; sites config {sites_config}")
        ctx.invoke(
            crawl, config_path=sites_config, sites=(), delay=0.0, overrides=(), verbose=False
        )
    ctx.invoke(stats, as_json=False)
    click.echo(f"\n$ portal-archive search {query}")
    # The options not given take their defaults, as on the command line.
    ctx.invoke(search_command, query=(query,), limit=3)
