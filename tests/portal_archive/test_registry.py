"""The registry of real portals: valid data that nothing fetches, listed by `sites --registry`,
and crawled by `crawl --registry` (here only from a registry file naming testbed sites)."""

from __future__ import annotations

import ipaddress
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article
from archive.profiles import FAMILIES
from archive.sites import load_sites, url_problem, write_sites
from portal_archive.registry import (
    EVIDENCE,
    KINDS,
    RegistryError,
    find_province,
    load_province,
    shipped_provinces,
)
from testbed import Testbed as Replica
from tests.helpers import run_cli

# Provinces the portal notes name with at least one site.
NAMED_PROVINCES = {"hatinh", "dienbien", "namdinh", "ninhthuan", "thanhhoa", "nghean", "hanoi"}


def test_every_shipped_province_is_valid_data_about_public_hosts() -> None:
    provinces = shipped_provinces()
    assert set(provinces) >= NAMED_PROVINCES
    keys = Counter(key for province in provinces.values() for key in province.sites)
    # Site keys name archive rows and WARC files: an archive may hold several provinces.
    assert [key for key, count in keys.items() if count > 1] == []
    for province in provinces.values():
        for site in province.sites.values():
            parts = urlsplit(site.url)
            assert url_problem(site.url) is None, site
            assert parts.scheme in ("http", "https") and not parts.query and not parts.fragment
            assert "." in site.host and not _is_address(parts.hostname or "")
            assert site.family is None or site.family in FAMILIES
            assert site.kind in KINDS and site.evidence in EVIDENCE
            assert site.parent is None or site.parent in province.sites


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def test_hatinh_holds_what_the_notes_record() -> None:
    hatinh = find_province("hatinh")
    assert hatinh.name == "Hà Tĩnh"
    sites = {site.host: site for site in hatinh.sites.values()}
    assert sites["nongthonmoi.hatinh.gov.vn"].family == "nukeviet"
    assert sites["nongthonmoi.hatinh.gov.vn"].evidence == "seen"
    assert sites["xacamhung.hatinh.gov.vn"].evidence == "inferred"
    assert sites["stttt.hatinh.gov.vn"].evidence == "unknown"
    assert sites["stttt.hatinh.gov.vn"].family is None
    portalfolder = {site.key for site in hatinh.sites.values() if site.family == "portalfolder"}
    assert portalfolder == {"dhtn", "ubmttq", "dbnd", "kyanh"}
    assert hatinh.sites["kyanh"].url.endswith("/kyanh/portal/folder/home")
    assert {site.parent for site in hatinh.sites.values()} == {None, "hatinh"}
    assert {site.kind for site in hatinh.sites.values()} >= {"province", "department", "commune"}


def test_a_province_is_a_valid_sites_config(tmp_path: Path) -> None:
    for province in shipped_provinces().values():
        config = write_sites(
            tmp_path / f"{province.key}.toml", list(province.site_configs().values())
        )
        sites = load_sites(config)
        assert list(sites) == list(province.sites)
        for key, site in sites.items():
            assert site.family == (province.sites[key].family or "generic")


BAD_ENTRIES = {
    'family = "drupal"': "family 'drupal' is unknown",
    'evidence = "likely"': "evidence 'likely' is not one of seen, inferred, unknown",
    'kind = "ministry"': "kind 'ministry' is not one of",
    'parent = "nosuch"': "parent 'nosuch' is not listed",
    'owner = "x"': "has unknown key owner",
}


@pytest.mark.parametrize(("line", "message"), BAD_ENTRIES.items())
def test_a_bad_entry_is_an_error_naming_file_and_site(
    tmp_path: Path, line: str, message: str
) -> None:
    fields = {
        "url": '"http://a.example.gov.vn/"',
        "kind": '"province"',
        "platform": '"x"',
        "evidence": '"seen"',
    }
    name = line.split(" = ")[0]
    fields[name] = line.split(" = ")[1]
    body = "\n".join(f"{key} = {value}" for key, value in fields.items())
    path = tmp_path / "tinh.toml"
    path.write_text(f'[province]\nname = "Tỉnh"\n\n[sites.a]\n{body}\n', encoding="utf-8")
    with pytest.raises(RegistryError) as raised:
        load_province(path)
    assert str(path) in str(raised.value) and "'a'" in str(raised.value)
    assert message in str(raised.value)


def test_a_url_that_cannot_be_crawled_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tinh.toml"
    path.write_text(
        '[province]\nname = "Tỉnh"\n[sites.a]\nurl = "a.example.gov.vn/"\nkind = "province"\n'
        'platform = "x"\nevidence = "seen"\n',
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="has no http:// or https:// scheme"):
        load_province(path)


def test_sites_registry_lists_provinces_then_a_province(tmp_path: Path) -> None:
    data = tmp_path / "data"
    provinces = run_cli(data, "sites", "--registry")
    assert provinces.returncode == 0, provinces.stderr
    assert any(
        line.split()[:3] == ["hatinh", "11", "sites"] for line in provinces.stdout.splitlines()
    )
    listed = run_cli(data, "sites", "--registry", "hatinh")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[1:]}
    assert rows["KEY"][:5] == ["KEY", "KIND", "FAMILY", "EVIDENCE", "PARENT"]
    assert rows["nongthonmoi"][:5] == ["nongthonmoi", "department", "nukeviet", "seen", "hatinh"]
    assert rows["stttt"][:4] == ["stttt", "department", "-", "unknown"]
    unknown = run_cli(data, "sites", "--registry", "atlantis")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("Error: no province 'atlantis' in the registry; known: ")
    assert len(unknown.stderr.splitlines()) == 1
    # Listing reads package data only.
    assert not data.exists()


def test_crawl_registry_refuses_start_urls_and_a_second_config(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with_url = run_cli(data, "crawl", "--registry", "hatinh", "http://127.0.0.1:9/")
    assert with_url.returncode == 1
    assert with_url.stderr == "Error: --registry takes site keys of the province, not start URLs\n"
    both = run_cli(data, "crawl", "--registry", "hatinh", "--config", tmp_path / "sites.toml")
    assert both.returncode == 1
    assert (
        both.stderr == "Error: --registry and --config name the sites two ways; give one of them\n"
    )
    unknown = run_cli(data, "crawl", "--registry", "hatinh", "nosuch")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("Error: hatinh: unknown site 'nosuch'; known sites: hatinh")
    assert not data.exists()


def write_testbed_registry(path: Path, testbed: Replica, keys: tuple[str, ...]) -> Path:
    """A registry file of testbed sites, standing in for a province's real hosts."""
    tables = ['[province]\nname = "Hà Tĩnh (testbed)"\n']
    for key in keys:
        site = testbed.site(key)
        parent = f'parent = "{site.parent}"\n' if site.parent in keys else ""
        tables.append(
            f'[sites.{key}]\nname = "{site.name}"\nurl = "{site.start_url}"\n'
            f'kind = "department"\nfamily = "{site.family}"\n{parent}'
            'platform = "testbed"\nevidence = "seen"\n'
        )
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


@pytest.mark.e2e
def test_crawl_registry_crawls_the_named_sites_of_a_registry_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Replica(articles=40, seed=4) as testbed:
        registry = write_testbed_registry(
            tmp_path / "tinh.toml", testbed, ("hatinh", "stttt", "nongthonmoi")
        )
        gold = [record for record in testbed.gold() if record["site"] == "stttt"]
        crawled = run_cli(data, "crawl", "--registry", registry, "stttt", "--delay", "0")
    assert crawled.returncode == 0, crawled.stderr
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        archived = {article.url: article.site_key for article in session.scalars(select(Article))}
    assert set(archived.values()) == {"stttt"}
    assert len(archived) == len(gold)
    # The whole province is the crawl's config, so a sub-site keeps its parent.
    config = load_sites(data / "registry-tinh.toml")
    assert config["stttt"].parent == "hatinh"
