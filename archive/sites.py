"""The sites config: which portals to crawl, read from a TOML file.

```toml
[sites.stttt]
name = "Sở Thông tin và Truyền thông Hà Tĩnh"
family = "portalfolder"
base_url = "http://127.0.0.1:8001/"
start_urls = ["http://127.0.0.1:8001/stttt/portal/folder/home"]
parent = "hatinh"

[sites.stttt.crawl]            # optional: politeness for this site only
delay = 2.0                    # seconds between requests (robots.txt Crawl-delay may ask more)
concurrency = 1                # requests at a time to the site's host
contact = "archive@example.org"
user_agent = "portal-archive/0.1 (+https://example.org/archive)"
obey_robots = true
```
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from archive.errors import ConfigError
from archive.profiles import FAMILIES


@dataclass(frozen=True)
class CrawlPolicy:
    """A site's own politeness settings; None leaves the crawl-wide setting in force."""

    delay: float | None = None
    concurrency: int | None = None
    user_agent: str | None = None
    contact: str | None = None
    obey_robots: bool | None = None


@dataclass(frozen=True)
class SiteConfig:
    key: str
    name: str
    family: str
    base_url: str
    start_urls: tuple[str, ...]
    parent: str | None = None
    crawl: CrawlPolicy = CrawlPolicy()

    @property
    def netloc(self) -> str:
        """Host and port: the crawl scope of the site."""
        return urlsplit(self.base_url).netloc.lower()


def _crawl_policy(key: str, table: object, source: Path) -> CrawlPolicy:
    where = f"{source}: [sites.{key}.crawl]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - set(CrawlPolicy.__dataclass_fields__))
    if unknown:
        known = ", ".join(CrawlPolicy.__dataclass_fields__)
        raise ConfigError(f"{where} has unknown setting {', '.join(unknown)}; known: {known}")
    delay = table.get("delay")
    # bool is an int in Python; `delay = true` is a mistake, not one second.
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)):
        raise ConfigError(f"{where}: delay must be a number of seconds, not {delay!r}")
    if delay is not None and delay < 0:
        raise ConfigError(f"{where}: delay must not be negative")
    concurrency = table.get("concurrency")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise ConfigError(f"{where}: concurrency must be a whole number of at least 1")
    for field in ("user_agent", "contact"):
        value = table.get(field)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"{where}: {field} must be a non-empty text")
    obey_robots = table.get("obey_robots")
    if obey_robots is not None and not isinstance(obey_robots, bool):
        raise ConfigError(f"{where}: obey_robots must be true or false")
    return CrawlPolicy(
        delay=float(delay) if delay is not None else None,
        concurrency=concurrency,
        user_agent=table.get("user_agent"),
        contact=table.get("contact"),
        obey_robots=obey_robots,
    )


# Site keys name files (WARCs, locks) and appear on command lines: letters, digits, - and _.
SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
SITE_FIELDS = ("name", "family", "base_url", "start_urls", "parent", "crawl")
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_safe_key(text: str) -> bool:
    return SAFE_KEY.fullmatch(text) is not None


def url_problem(url: str) -> str | None:
    """What keeps ``url`` from being crawled, in the user's words; None if it can be."""
    parts = urlsplit(url)
    if not parts.scheme or "://" not in url:
        return f"it has no http:// or https:// scheme (write http://{url.removeprefix('//')})"
    if parts.scheme not in DEFAULT_PORTS:
        return f"only http and https URLs are crawled, not {parts.scheme}"
    if not parts.hostname:
        return "it names no host"
    try:
        parts.port  # noqa: B018 - reading the port is what checks its range
    except ValueError:
        return "its port is not a number from 1 to 65535"
    return None


def _host_port(parts: SplitResult) -> tuple[str, int]:
    return (parts.hostname or "", parts.port or DEFAULT_PORTS.get(parts.scheme, 0))


def _site_from_table(key: str, table: object, source: Path) -> SiteConfig:
    where = f"{source}: site {key!r}"
    if not is_safe_key(key):
        raise ConfigError(
            f"{where}: a site key is letters, digits, '-' and '_' (at most 100), "
            "starting with a letter or digit"
        )
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a [sites.{key}] table")
    unknown = sorted(set(table) - set(SITE_FIELDS))
    if unknown:
        raise ConfigError(
            f"{where} has unknown key {', '.join(unknown)}; known: {', '.join(SITE_FIELDS)}"
        )

    def text(field: str, default: str | None = None) -> str:
        value = table.get(field, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where} needs a text value for {field!r}")
        return value

    base_url = text("base_url")
    problem = url_problem(base_url)
    if problem:
        raise ConfigError(f"{where}: base_url {base_url!r} is not an http(s) URL: {problem}")
    family = text("family", "generic")
    if family not in FAMILIES:
        raise ConfigError(
            f"{where}: family {family!r} is unknown; known families: {', '.join(sorted(FAMILIES))}"
        )
    start_urls = table.get("start_urls", [base_url])
    if not isinstance(start_urls, list) or not all(isinstance(u, str) for u in start_urls):
        raise ConfigError(f"{where}: start_urls must be a list of URLs")
    if not start_urls:
        raise ConfigError(f"{where}: start_urls is empty; leave it out to start at base_url")
    for url in start_urls:
        _check_start_url(url, base_url, where)
    parent = table.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent):
        raise ConfigError(f"{where}: parent must be the key of another site")
    return SiteConfig(
        key=key,
        name=text("name", key),
        family=family,
        base_url=base_url,
        start_urls=tuple(start_urls),
        parent=parent,
        crawl=_crawl_policy(key, table.get("crawl", {}), source),
    )


def _check_start_url(url: str, base_url: str, where: str) -> None:
    """A start URL must lie in the site's scope, or the crawl would drop every page it finds."""
    problem = url_problem(url)
    if problem:
        raise ConfigError(f"{where}: start_urls has {url!r}, which cannot be crawled: {problem}")
    if _host_port(urlsplit(url)) != _host_port(urlsplit(base_url)):
        raise ConfigError(
            f"{where}: start_urls has {url!r}, on another host or port than base_url {base_url!r}"
        )


def _check_parents(sites: dict[str, SiteConfig], source: Path) -> None:
    for site in sites.values():
        if site.parent is not None and site.parent not in sites:
            raise ConfigError(
                f"{source}: site {site.key!r}: parent {site.parent!r} is not a site of the config"
            )


def load_sites(path: Path) -> dict[str, SiteConfig]:
    """All sites of the config at ``path``, by key, in file order."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"sites config not found: {path}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read sites config {path}: it is not UTF-8 text") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read sites config {path}: {exc}") from None
    tables = document.get("sites")
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(f"{path}: no [sites.KEY] tables")
    sites = {key: _site_from_table(key, table, path) for key, table in tables.items()}
    _check_parents(sites, path)
    return sites


def select_sites(sites: dict[str, SiteConfig], keys: tuple[str, ...]) -> list[SiteConfig]:
    """The named sites (all when none is named); unknown keys are an error."""
    unknown = [key for key in keys if key not in sites]
    if unknown:
        raise ConfigError(
            f"unknown site {', '.join(map(repr, unknown))}; known sites: {', '.join(sites)}"
        )
    return [sites[key] for key in keys] if keys else list(sites.values())


_NON_KEY = re.compile(r"[^a-z0-9]+")


def is_site_url(argument: str) -> bool:
    """Whether a command-line argument is meant as a start URL rather than a site key: site
    keys are safe names, so anything else is taken for a URL (and checked as one)."""
    return not is_safe_key(argument)


def check_site_url(argument: str) -> str:
    """``argument`` if it is a start URL that can be crawled; else a ConfigError saying why."""
    problem = url_problem(argument)
    if problem:
        raise ConfigError(f"cannot crawl {argument!r}: {problem}")
    return argument


def _adhoc_key(parts: SplitResult) -> str:
    host = (parts.hostname or "").removeprefix("www.")
    # An IPv6 address is all colons and hex digits; its key must still tell it apart.
    with contextlib.suppress(ValueError):
        host = "ipv6-" + ipaddress.IPv6Address(host).exploded
    return _NON_KEY.sub("-", f"{host}-{parts.port or ''}").strip("-")


def adhoc_site(start_url: str, family: str) -> SiteConfig:
    """A site nobody configured, from its start URL: scope and key come from host and port."""
    parts = urlsplit(start_url)
    netloc = parts.netloc.lower()
    return SiteConfig(
        key=_adhoc_key(parts),
        name=netloc,
        family=family,
        base_url=f"{parts.scheme}://{netloc}/",
        start_urls=(start_url,),
    )


def write_sites(path: Path, sites: list[SiteConfig]) -> Path:
    """Write ``sites`` as a sites config that :func:`load_sites` reads back."""
    tables = []
    for site in sites:
        fields = {
            "name": site.name,
            "family": site.family,
            "base_url": site.base_url,
            "start_urls": list(site.start_urls),
        }
        if site.parent:
            fields["parent"] = site.parent
        lines = [f"[sites.{json.dumps(site.key)}]"]
        lines += [
            f"{name} = {json.dumps(value, ensure_ascii=False)}" for name, value in fields.items()
        ]
        policy = {name: value for name, value in vars(site.crawl).items() if value is not None}
        if policy:
            lines.append(f"[sites.{json.dumps(site.key)}.crawl]")
            # JSON spells numbers, texts and true/false as TOML does.
            lines += [f"{name} = {json.dumps(value)}" for name, value in policy.items()]
        tables.append("\n".join(lines))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    return path
