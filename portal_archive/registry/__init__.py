"""The registry: real provincial portals and their sub-sites, one TOML file per province.

It is data, never fetched from: what is on record about each site (its start
URL, what kind of body runs it, its parent, its CMS family when the archive
knows it, and how well that is known), so that an archivist can start from a
province's name rather than from a sites config written by hand. A province
file reads like this (the file's stem is the province's key):

```toml
[province]
name = "Hà Tĩnh"
language = "vi"                   # the sites' language unless a site says otherwise

[sites.kyanh]
name = "UBND thị xã Kỳ Anh"       # optional: the host stands in for an unrecorded name
url = "http://kyanh.hatinh.gov.vn/kyanh/portal/folder/home"
kind = "district"                 # province, department, district, commune or organisation
parent = "hatinh"                 # optional: a site of the same province
family = "portalfolder"           # optional: a known family; otherwise read as generic
platform = "the portal/folder Java CMS, context /kyanh/"
evidence = "seen"                 # seen, inferred or unknown: how well the platform is known
```
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive.profiles import FAMILIES
from archive.sites import ConfigError, SiteConfig, is_safe_key, select_sites, url_problem

SHIPPED = Path(__file__).parent
KINDS = ("province", "department", "district", "commune", "organisation")
EVIDENCE = ("seen", "inferred", "unknown")
SITE_FIELDS = ("name", "url", "kind", "parent", "family", "platform", "evidence", "language")
PROVINCE_FIELDS = ("name", "language")
_LANGUAGE = re.compile(r"[a-z]{2,3}")


class RegistryError(ConfigError):
    """A registry file is missing or wrong, or names no such province or site."""


@dataclass(frozen=True)
class RegistrySite:
    key: str
    url: str
    kind: str
    platform: str
    evidence: str
    language: str
    name: str | None = None
    parent: str | None = None
    family: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()

    def site_config(self) -> SiteConfig:
        """The site as a sites config names it; a family not on record is read as generic."""
        parts = urlsplit(self.url)
        return SiteConfig(
            key=self.key,
            name=self.name or self.host,
            family=self.family or "generic",
            base_url=f"{parts.scheme}://{self.host}/",
            start_urls=(self.url,),
            parent=self.parent,
        )


@dataclass(frozen=True)
class Province:
    key: str
    name: str
    language: str
    sites: dict[str, RegistrySite]

    def site_configs(self) -> dict[str, SiteConfig]:
        return {key: site.site_config() for key, site in self.sites.items()}

    def select(self, keys: tuple[str, ...]) -> list[SiteConfig]:
        """The named sites (all when none is named); an unknown key is an error."""
        try:
            return select_sites(self.site_configs(), keys)
        except ConfigError as exc:
            raise RegistryError(f"{self.key}: {exc}") from None


def shipped_provinces() -> dict[str, Province]:
    """Every province of the registry that ships with the package, by key."""
    return {path.stem: load_province(path) for path in sorted(SHIPPED.glob("*.toml"))}


def find_province(name: str) -> Province:
    """The shipped province with key ``name``, or the registry file at path ``name``."""
    path = Path(name)
    if path.suffix == ".toml":
        return load_province(path)
    shipped = SHIPPED / f"{name}.toml"
    if not is_safe_key(name) or not shipped.is_file():
        known = ", ".join(sorted(path.stem for path in SHIPPED.glob("*.toml")))
        raise RegistryError(
            f"no province {name!r} in the registry; known: {known} (or give a registry file.toml)"
        )
    return load_province(shipped)


def load_province(path: Path) -> Province:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise RegistryError(f"registry file not found: {path}") from None
    except UnicodeDecodeError:
        raise RegistryError(f"cannot read registry file {path}: it is not UTF-8 text") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"cannot read registry file {path}: {exc}") from None
    province = _table(document.get("province"), f"{path}: [province]", PROVINCE_FIELDS)
    language = _language(province.get("language", "vi"), f"{path}: [province]")
    tables = document.get("sites")
    if not isinstance(tables, dict) or not tables:
        raise RegistryError(f"{path}: no [sites.KEY] tables")
    sites = {key: _site(key, table, language, path) for key, table in tables.items()}
    for site in sites.values():
        if site.parent is not None and site.parent not in sites:
            raise RegistryError(f"{path}: site {site.key!r}: parent {site.parent!r} is not listed")
    return Province(
        key=path.stem,
        name=_text(province, "name", f"{path}: [province]"),
        language=language,
        sites=sites,
    )


def _site(key: str, table: object, language: str, source: Path) -> RegistrySite:
    where = f"{source}: site {key!r}"
    if not is_safe_key(key):
        raise RegistryError(f"{where}: a site key is letters, digits, '-' and '_'")
    fields = _table(table, where, SITE_FIELDS)
    url = _text(fields, "url", where)
    problem = url_problem(url)
    if problem:
        raise RegistryError(f"{where}: url {url!r} cannot be crawled: {problem}")
    site = RegistrySite(
        key=key,
        url=url,
        kind=_choice(fields, "kind", KINDS, where),
        platform=_text(fields, "platform", where),
        evidence=_choice(fields, "evidence", EVIDENCE, where),
        language=_language(fields.get("language", language), where),
        name=_optional_text(fields, "name", where),
        parent=_optional_text(fields, "parent", where),
        family=_optional_text(fields, "family", where),
    )
    if site.family is not None and site.family not in FAMILIES:
        raise RegistryError(
            f"{where}: family {site.family!r} is unknown; known: {', '.join(sorted(FAMILIES))}"
        )
    return site


def _table(value: object, where: str, known: tuple[str, ...]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise RegistryError(f"{where} must be a table")
    unknown = sorted(set(value) - set(known))
    if unknown:
        listed = ", ".join(known)
        raise RegistryError(f"{where} has unknown key {', '.join(unknown)}; known: {listed}")
    return value


def _text(fields: dict[str, object], name: str, where: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where} needs a text value for {name!r}")
    return value


def _optional_text(fields: dict[str, object], name: str, where: str) -> str | None:
    return _text(fields, name, where) if name in fields else None


def _choice(fields: dict[str, object], name: str, allowed: tuple[str, ...], where: str) -> str:
    value = _text(fields, name, where)
    if value not in allowed:
        raise RegistryError(f"{where}: {name} {value!r} is not one of {', '.join(allowed)}")
    return value


def _language(value: object, where: str) -> str:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise RegistryError(f"{where}: language must be a code such as 'vi', not {value!r}")
    return value
