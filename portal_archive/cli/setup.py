"""Commands that prepare crawls: probe a portal into the sites config (`sites add`), look
before crawling (`crawl --dry-run`), and schedule the daily crawl (`schedule`)."""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click
from click.core import ParameterSource

from archive.dates import local_iso
from archive.db import masked_url, sqlite_url
from archive.sites import (
    ConfigError,
    SiteConfig,
    adhoc_site,
    check_site_url,
    is_safe_key,
    load_sites,
    select_sites,
    write_sites,
)
from portal_archive.cli.common import config_option, data_dir, fail, write_archive
from portal_archive.registry import find_province

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from archive.profiles.records import ExtractedArticle
    from archive.warc import HttpExchange
    from crawler.probe import PoliteFetcher, ProbeReport, Robots

F = TypeVar("F", bound=Callable[..., Any])
# A handful: robots.txt, the home page and its redirect, a sitemap, a feed, three listings
# and five articles take 10 to 12.
DEFAULT_MAX_REQUESTS = 20
# How much of an article the probe shows: what a reader needs to judge the extraction.
PREVIEW_LINES = 3
PREVIEW_CHARS = 160
SHOWN_URLS = 3
FAMILY_SOURCES = {
    "given": "as configured",
    "detected": "shown by the home page",
    "": "no known family shows: read as generic",
}


def max_requests_option(command: F) -> F:
    return click.option(
        "--max-requests",
        type=click.IntRange(3, 200),
        metavar="N",
        default=DEFAULT_MAX_REQUESTS,
        show_default=True,
        help="Most requests the probe of a site makes, robots.txt and redirects included.",
    )(command)


def check_one_source(ctx: click.Context, province: str | None) -> None:
    """``--registry`` and an explicit ``--config`` name the sites two ways: refused."""
    if (
        province is not None
        and ctx.get_parameter_source("config_path") is ParameterSource.COMMANDLINE
    ):
        fail("--registry and --config name the sites two ways; give one of them")


def registry_option(command: F) -> F:
    return click.option(
        "--registry",
        "province",
        metavar="PROVINCE|FILE.toml",
        help="The sites of a province of the registry (`sites --registry` lists them) or of "
        "a registry file, instead of --config.",
    )(command)


# ----- probing ---------------------------------------------------------------------------


def polite_fetcher(
    settings: Settings, max_requests: int, archiver: Callable[[HttpExchange], None] | None = None
) -> PoliteFetcher:
    """A fetcher that behaves as the crawl with ``settings`` would: its User-Agent, its delay."""
    from crawler.politeness import user_agent
    from crawler.probe import PoliteFetcher

    return PoliteFetcher(
        user_agent(settings),
        max_requests=max_requests,
        delay=settings.getfloat("DOWNLOAD_DELAY"),
        on_exchange=archiver,
    )


def crawl_settings_for(site: SiteConfig | None, overrides: Mapping[str, Any]) -> Settings:
    """The Scrapy settings a crawl of ``site`` runs with: defaults, the command line's
    values, then the site's own ``crawl`` table, as the spider applies them."""
    from crawler.politeness import apply_crawl_policy
    from crawler.runner import crawl_settings_defaults

    settings = crawl_settings_defaults()
    settings.update(dict(overrides), priority="cmdline")
    if site is not None:
        apply_crawl_policy(site.crawl, settings)
    return settings


def print_probe(report: ProbeReport) -> None:
    """What the probe found and what it did not, in the order a crawl meets them."""
    _print_robots(report.robots)
    if report.home_problem is not None:
        click.echo(f"home page: could not be read ({report.home_problem})")
    else:
        _print_site(report)
    click.echo(f"requests made: {report.requests}")
    for url in report.refused:
        click.echo(f"not fetched, robots.txt disallows it: {url}")
    for url, reason in report.failures:
        click.echo(f"failed: {url}: {reason}")
    missing = report.not_found()
    click.echo("not found: " + ("; ".join(missing) if missing else "nothing missing"))


def _print_site(report: ProbeReport) -> None:
    click.echo(f"home page: {report.home_url}  ({shown(report.site_name or 'no site name')})")
    click.echo(f"family: {report.family} ({FAMILY_SOURCES[report.family_source]})")
    click.echo(f"context path: {report.context_path}")
    for kind, found in (("sitemap", report.sitemaps), ("feed", report.feeds)):
        for url, count in found.items():
            click.echo(f"{kind}: {url} lists {count} pages")
    click.echo(f"listings found: {report.listings_found}; first ones read:")
    for listing in report.listings:
        click.echo(
            f"  {listing.url}: {len(listing.articles)} article links, "
            f"{listing.pages} page(s) in its pager"
        )
        for url in listing.articles[:SHOWN_URLS]:
            click.echo(f"    {url}")
    for kind, urls in (
        ("listing URLs", [listing.url for listing in report.listings]),
        ("article URLs", [sample.url for sample in report.recognised]),
    ):
        for shape, count in report.shapes(urls):
            click.echo(f"{kind} like {shape} ({count})")
    click.echo(
        f"article pages recognised: {len(report.recognised)} of {len(report.articles)} sampled"
    )
    _print_preview(report.preview)
    click.echo(f"size: at least {report.estimate} articles (listing pagination, sitemap)")


def shown(text: str, limit: int = PREVIEW_CHARS) -> str:
    """Text from a crawled page as the terminal may show it: cut short, and with no control
    character (an escape sequence in a title must not drive the archivist's terminal)."""
    return "".join(char if char.isprintable() else "?" for char in text[:limit])


def _print_robots(robots: Robots) -> None:
    if not robots.found:
        return
    delay = f"Crawl-delay {robots.crawl_delay:g} s" if robots.crawl_delay else "no Crawl-delay"
    click.echo(f"robots.txt: {len(robots.rules)} rules for this crawler, {delay}")
    for rule in robots.rules:
        click.echo(f"  {shown(rule)}")


def _print_preview(article: ExtractedArticle | None) -> None:
    if article is None:
        return
    click.echo(f"article read: {article.url}")
    click.echo(f"  title:     {shown(article.title or '-')}")
    click.echo(f"  published: {local_iso(article.published) or '-'}")
    click.echo(f"  author:    {shown(article.author or '-')}")
    for line in article.body.splitlines()[:PREVIEW_LINES]:
        click.echo(f"  | {shown(line)}")


# ----- sites add -------------------------------------------------------------------------


@click.command("add")
@click.argument("url")
@config_option("Sites config to add the site to; created if it does not exist.")
@click.option("--key", metavar="KEY", help="Key of the new site (default: from host and port).")
@click.option("--parent", metavar="KEY", help="The site of the config this one belongs to.")
@max_requests_option
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    metavar="S",
    help="Seconds between requests (default 1.0; robots.txt Crawl-delay may ask more).",
)
@click.option("--contact", metavar="EMAIL|URL", help="Added to the User-Agent, as for crawl.")
@click.pass_context
def sites_add(
    ctx: click.Context,
    url: str,
    config_path: Path,
    key: str | None,
    parent: str | None,
    max_requests: int,
    delay: float | None,
    contact: str | None,
) -> None:
    """Probe the portal at URL and add it to the sites config.

    A handful of polite requests (robots.txt and its Crawl-delay obeyed, at most
    --max-requests): robots.txt, the first sitemap it names, the first feed the
    home page advertises, the home page, a few listings and articles. The probe
    detects the CMS family (generic when no known one shows), the context path
    and the URL shapes of listings and articles, reads one article as the crawl
    would, and says what it could not find. Every response is archived (WARC and
    captures) as a crawl run of mode `probe`. The entry is written only if the
    home page could be read, and only once the whole config still validates;
    the rest of the file is left as it was.
    """
    from archive.store import ArchiveStore
    from crawler.probe import ProbeArchiver, probe_site

    check_site_url(url)
    existing = _sites_so_far(config_path)
    site = adhoc_site(url, "generic")
    site = replace(site, key=key or site.key, parent=parent)
    _check_new_site(site, existing, config_path)
    settings = crawl_settings_for(None, politeness_overrides(delay, contact))
    store = ArchiveStore(write_archive(ctx))
    with ProbeArchiver(store, data_dir(ctx).warc_dir, site) as archiver:
        report = probe_site(url, polite_fetcher(settings, max_requests, archiver))
        print_probe(report)
        if report.home_problem is not None:
            raise ConfigError(
                f"cannot add {url}: its home page could not be read ({report.home_problem})"
            )
        site = probed_site(site, report)
        archiver.record_site(site)
    append_site(config_path, site)
    click.echo(f"added site {site.key} ({site.family}) to {config_path}")


def politeness_overrides(delay: float | None, contact: str | None) -> dict[str, Any]:
    """The settings ``--delay`` and ``--contact`` stand for, as crawl sets them."""
    overrides: dict[str, Any] = {}
    if delay is not None:
        overrides |= {"DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_START_DELAY": max(delay, 0.1)}
    if contact:
        overrides["PORTAL_CONTACT"] = contact
    return overrides


def probed_site(site: SiteConfig, report: ProbeReport) -> SiteConfig:
    """``site`` as the probe found it: its family, name, and the home page it starts from."""
    assert report.home_url is not None
    home = urlsplit(report.home_url)
    return replace(
        site,
        name=report.site_name or site.name,
        family=report.family,
        base_url=f"{home.scheme}://{home.netloc.lower()}/",
        start_urls=(report.home_url,),
    )


def _sites_so_far(config: Path) -> dict[str, SiteConfig]:
    """The sites of the config to add to; one not written yet, or holding nothing but
    comments, has none (to load_sites, a config without sites is a mistake)."""
    if not config.exists():
        return {}
    try:
        empty = not tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        empty = False  # load_sites says what is wrong with it
    return {} if empty else load_sites(config)


def _check_new_site(site: SiteConfig, existing: Mapping[str, SiteConfig], config: Path) -> None:
    """Everything that would make the entry unwritable, checked before the portal is asked."""
    if not is_safe_key(site.key):
        raise ConfigError(f"--key {site.key!r}: a site key is letters, digits, '-' and '_'")
    if site.key in existing:
        raise ConfigError(f"{config} already has a site {site.key!r}; choose another --key")
    if site.parent is not None and site.parent not in existing:
        raise ConfigError(f"--parent {site.parent!r} is not a site of {config}")


def append_site(path: Path, site: SiteConfig) -> None:
    """Adds the site's table to the config, leaving the rest of the file (comments too) as
    it is; the new file replaces the old one only once it loads as a whole."""
    before = path.read_text(encoding="utf-8").rstrip("\n") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    # In the config's own directory, so that the finished file is moved into place at once.
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        table = write_sites(Path(scratch) / "site.toml", [site]).read_text(encoding="utf-8")
        candidate = Path(scratch) / path.name
        candidate.write_text(f"{before}\n\n{table}" if before else table, encoding="utf-8")
        load_sites(candidate)
        os.replace(candidate, path)


# ----- crawl --dry-run -------------------------------------------------------------------


def dry_run(
    planned: list[tuple[SiteConfig, str | None]], overrides: Mapping[str, Any], max_requests: int
) -> None:
    """Probes each site with the family the crawl would read it with (None: the one its
    home page shows), as its crawl would see it, and archives nothing."""
    from crawler.probe import probe_site

    unreadable = []
    for site, family in planned:
        settings = crawl_settings_for(site, overrides)
        click.echo(f"== {site.key}: {site.start_urls[0]}")
        report = probe_site(site.start_urls[0], polite_fetcher(settings, max_requests), family)
        print_probe(report)
        _print_politeness(settings, report)
        if report.home_problem is not None:
            unreadable.append(f"{site.key} ({report.home_problem})")
    click.echo("dry run: nothing was archived")
    if unreadable:
        raise ConfigError(f"the home page of {', '.join(unreadable)} could not be read")


def _print_politeness(settings: Settings, report: ProbeReport) -> None:
    from crawler.politeness import user_agent

    delay = settings.getfloat("DOWNLOAD_DELAY")
    pause = max(delay, report.robots.crawl_delay or 0.0)
    throttle = (
        f"AutoThrottle on (up to {settings.getfloat('AUTOTHROTTLE_MAX_DELAY'):g} s)"
        if settings.getbool("AUTOTHROTTLE_ENABLED")
        else "AutoThrottle off"
    )
    robots = "obeyed" if settings.getbool("ROBOTSTXT_OBEY") else "NOT obeyed"
    asked = report.robots.crawl_delay
    crawl_delay = "none" if asked is None else f"{asked:g} s"
    click.echo(
        f"politeness: {settings.getint('CONCURRENT_REQUESTS_PER_DOMAIN')} request(s) at a time "
        f"per host, {delay:g} s between requests, Crawl-delay {crawl_delay}: at least "
        f"{pause:g} s; {throttle}; robots.txt {robots}"
    )
    click.echo(f"user agent: {user_agent(settings)}")
    if report.estimate and pause:
        minutes = report.estimate * pause / 60
        click.echo(f"a full crawl: at least {minutes:.0f} min at that pace for the articles alone")


# ----- schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledCrawl:
    """The command a daily run executes: the crawl, under a lock, into a log file."""

    crawl: list[str]
    lock: Path
    log: Path
    workdir: Path

    def shell(self) -> str:
        """One shell command line: the folders of the log and the lock made (before the
        first crawl there are none), the lock taken without waiting (a crawl still running
        from the day before is left to finish), output appended to the log."""
        folders = shlex.join(sorted({str(self.log.parent), str(self.lock.parent)}))
        return (
            f"mkdir -p {folders} && flock -n {shlex.quote(str(self.lock))} "
            f"{shlex.join(self.crawl)} >> {shlex.quote(str(self.log))} 2>&1"
        )


def systemd_units(job: ScheduledCrawl, name: str, at: str, what: str) -> dict[str, str]:
    """``NAME.service`` and ``NAME.timer`` for a daily run at ``at`` (HH:MM, local time)."""
    # systemd expands % specifiers and $ variables in ExecStart; both are doubled to stay.
    command = job.shell().replace("%", "%%").replace("$", "$$")
    service = (
        "[Unit]\n"
        f"Description=portal-archive: incremental crawl of {what}\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"WorkingDirectory={job.workdir}\n"
        f"ExecStart=/bin/sh -c {shlex.quote(command)}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=portal-archive: daily crawl of {what} at {at}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {at}:00\n"
        # A day missed while the machine was off is caught up when it starts.
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{name}.service": service, f"{name}.timer": timer}


def crontab_line(job: ScheduledCrawl, at: str) -> str:
    hour, minute = at.split(":")
    # cron ends the command at an unescaped %.
    command = f"cd {shlex.quote(str(job.workdir))} && {job.shell()}".replace("%", r"\%")
    return f"{int(minute)} {int(hour)} * * * {command}"


def parse_time_of_day(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    hour, sep, minute = value.partition(":")
    if not (sep and hour.isdigit() and minute.isdigit() and len(minute) == 2):
        raise click.BadParameter(f"{value!r} is not a time of day like 02:30")
    if int(hour) > 23 or int(minute) > 59:
        raise click.BadParameter(f"{value!r} is not a time of day like 02:30")
    return f"{int(hour):02d}:{minute}"


@click.command()
@click.argument("sites", nargs=-1)
@config_option("Sites config the scheduled crawl reads (made absolute).")
@registry_option
@click.option(
    "--at",
    "at",
    metavar="HH:MM",
    default="02:30",
    show_default=True,
    callback=parse_time_of_day,
    help="Time of day of the crawl, local time, HH:MM.",
)
@click.option("--cron", is_flag=True, help="Print a crontab line instead of systemd units.")
@click.option(
    "--log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File the crawl's output is appended to. Default: DATA/logs/crawl.log.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    metavar="S",
    help="Passed to the crawl's --delay (default 1.0).",
)
@click.option("--contact", metavar="EMAIL|URL", help="Passed to the crawl's --contact.")
@click.option("--name", default="portal-archive-crawl", show_default=True, help="Unit name.")
@click.option("--install", is_flag=True, help="Write the systemd units instead of printing them.")
@click.option(
    "--unit-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path.home() / ".config" / "systemd" / "user",
    show_default=True,
    help="Where --install writes the units (systemd's user unit directory by default).",
)
@click.pass_context
def schedule(
    ctx: click.Context,
    sites: tuple[str, ...],
    config_path: Path,
    province: str | None,
    at: str,
    cron: bool,
    log: Path | None,
    delay: float | None,
    contact: str | None,
    name: str,
    install: bool,
    unit_dir: Path,
) -> None:
    """A daily incremental crawl of SITES (all when none is named), for systemd or cron.

    Prints a systemd service and timer (or with --cron a crontab line) that run
    `portal-archive crawl` every day at --at: the first crawl of a site is full,
    later ones incremental. The run takes a lock (DATA/jobs/scheduled-crawl.lock,
    with flock -n: a crawl still running from the day before is left alone) and
    appends its output to --log. --install writes the units into --unit-dir and
    says how to enable them; nothing is started.
    """
    check_one_source(ctx, province)
    if install and cron:
        fail("--install writes systemd units; add the --cron line with crontab -e")
    if not is_safe_key(name):
        fail(f"--name {name!r}: a unit name is letters, digits, '-' and '_'")
    directory = data_dir(ctx)
    job = ScheduledCrawl(
        crawl=[
            sys.executable,
            "-m",
            "portal_archive",
            *_data_arguments(directory.root, directory.db_url),
            "crawl",
            *_scheduled_sites(config_path, province, sites),
            *(["--delay", f"{delay:g}"] if delay is not None else []),
            *(["--contact", contact] if contact else []),
        ],
        lock=directory.jobs_dir / "scheduled-crawl.lock",
        log=(log or directory.root / "logs" / "crawl.log").absolute(),
        workdir=Path.cwd(),
    )
    what = f"the registry's {province}" if province else str(config_path.absolute())
    if cron:
        click.echo(crontab_line(job, at))
        return
    units = systemd_units(job, name, at, what)
    if not install:
        for file_name, text in units.items():
            click.echo(f"# {file_name}\n{text}")
        return
    unit_dir.mkdir(parents=True, exist_ok=True)
    for file_name, text in units.items():
        (unit_dir / file_name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {unit_dir / file_name}")
    click.echo(
        f"enable it: systemctl --user daemon-reload && systemctl --user enable --now {name}.timer"
    )


def _data_arguments(root: Path, db_url: str) -> list[str]:
    """``--data`` (absolute), and ``--db`` when the archive is elsewhere; a password is
    never written into a file."""
    if db_url == sqlite_url(root / "archive.sqlite3"):
        return ["--data", str(root)]
    if masked_url(db_url) != db_url:
        raise ConfigError(
            "the --db URL holds a password, which schedule does not write into a file; "
            "give the database a password file its driver reads (for PostgreSQL, ~/.pgpass)"
        )
    return ["--data", str(root), "--db", db_url]


def _scheduled_sites(config: Path, province: str | None, sites: tuple[str, ...]) -> list[str]:
    """The crawl's arguments for the sites, checked now rather than at night."""
    if province is not None:
        found = find_province(province)
        found.select(sites)
        registry = str(Path(province).absolute()) if province.endswith(".toml") else found.key
        return ["--registry", registry, *sites]
    select_sites(load_sites(config), sites)
    return ["--config", str(config.absolute()), *sites]
