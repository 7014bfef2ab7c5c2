import re
from pathlib import Path

import pytest

from archive.sites import (
    ConfigError,
    CrawlPolicy,
    adhoc_site,
    check_site_url,
    is_site_url,
    load_sites,
    select_sites,
    write_sites,
)

CONFIG = """
[sites.hatinh]
name = "Cổng thông tin điện tử tỉnh Hà Tĩnh"
family = "tandan"
base_url = "http://127.0.0.1:8001/"
start_urls = ["http://127.0.0.1:8001/portal/Pages/default.aspx"]

[sites.stttt]
name = "Sở Thông tin và Truyền thông Hà Tĩnh"
family = "portalfolder"
base_url = "http://127.0.0.1:8002/"
parent = "hatinh"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_sites_are_read_in_file_order_with_defaults(config: Path) -> None:
    sites = load_sites(config)
    assert list(sites) == ["hatinh", "stttt"]
    assert sites["stttt"].start_urls == ("http://127.0.0.1:8002/",)
    assert sites["stttt"].parent == "hatinh"
    assert sites["hatinh"].netloc == "127.0.0.1:8001"


def test_unknown_site_names_the_known_ones(config: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown site 'nope'; known sites: hatinh, stttt"):
        select_sites(load_sites(config), ("nope",))


def test_no_site_named_means_all(config: Path) -> None:
    assert [site.key for site in select_sites(load_sites(config), ())] == ["hatinh", "stttt"]


def test_missing_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sites config not found"):
        load_sites(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sites", "cannot read sites config"),
        ("title = 'x'", "no \\[sites.KEY\\] tables"),
        ("[sites.a]\nbase_url = 'ftp://x/'", "not an http\\(s\\) URL"),
        ("[sites.a]\nname = 'A'", "needs a text value for 'base_url'"),
    ],
)
def test_bad_configs_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_sites(path)


def test_a_site_crawl_table_is_read_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(
        CONFIG + '[sites.stttt.crawl]\ndelay = 2\nconcurrency = 2\ncontact = "a@b.vn"\n'
        "obey_robots = false\n",
        encoding="utf-8",
    )
    sites = load_sites(path)
    assert sites["stttt"].crawl == CrawlPolicy(
        delay=2.0, concurrency=2, contact="a@b.vn", obey_robots=False
    )
    assert sites["hatinh"].crawl == CrawlPolicy()
    assert load_sites(write_sites(tmp_path / "again.toml", list(sites.values()))) == sites


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("delay = -1", r"\[sites.stttt.crawl\]: delay must not be negative"),
        ("delay = true", "delay must be a number of seconds"),
        ("concurrency = 0", "concurrency must be a whole number of at least 1"),
        ('contact = ""', "contact must be a non-empty text"),
        ('obey_robots = "no"', "obey_robots must be true or false"),
        ("speed = 3", "unknown setting speed; known: delay, concurrency"),
    ],
)
def test_bad_crawl_tables_say_what_is_wrong(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(CONFIG + f"[sites.stttt.crawl]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_sites(path)


SITE = '[sites.stttt]\nfamily = "portalfolder"\nbase_url = "http://127.0.0.1:8002/"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            SITE.replace("portalfolder", "wordpress"),
            r"site 'stttt': family 'wordpress' is unknown; known families: generic, ",
        ),
        (SITE + "famly = 'tandan'\n", r"site 'stttt' has unknown key famly; known: name, family"),
        (SITE + "start_urls = []\n", r"site 'stttt': start_urls is empty"),
        (
            SITE + "start_urls = ['http://127.0.0.1:8003/home']\n",
            r"site 'stttt': start_urls has 'http://127.0.0.1:8003/home', on another host or port",
        ),
        (
            SITE + "start_urls = ['http://localhost:8002/home']\n",
            "on another host or port than base_url",
        ),
        (SITE + "start_urls = ['ftp://127.0.0.1:8002/']\n", "only http and https URLs"),
        (
            SITE + "parent = 'hatinh'\n",
            r"site 'stttt': parent 'hatinh' is not a site of the config",
        ),
        (SITE.replace("stttt", '"../x"'), r"site '\.\./x': a site key is letters, digits"),
        ("[sites]\nstttt = 1\n", r"site 'stttt' must be a \[sites.stttt\] table"),
    ],
)
def test_each_mistake_names_the_file_the_site_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^{path}: .*{message}"):
        load_sites(path)


def test_the_default_port_is_the_same_host_and_port(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(
        '[sites.a]\nbase_url = "http://example.org/"\nstart_urls = ["http://EXAMPLE.org:80/x"]\n',
        encoding="utf-8",
    )
    assert load_sites(path)["a"].start_urls == ("http://EXAMPLE.org:80/x",)


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "[sites.a]\nname = 'Hà'\n".encode("cp1258")],
)
def test_binary_or_non_utf8_configs_are_config_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sites.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=f"cannot read sites config {path}: "):
        load_sites(path)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("ftp://127.0.0.1/x", "only http and https URLs are crawled, not ftp"),
        ("file:///etc/passwd", "only http and https URLs are crawled, not file"),
        ("http://", "it names no host"),
        (
            "127.0.0.1:18101/",
            "it has no http:// or https:// scheme \\(write http://127.0.0.1:18101/\\)",
        ),
        ("http://127.0.0.1:99999/", "its port is not a number from 1 to 65535"),
    ],
)
def test_a_start_url_that_cannot_be_crawled_says_why(argument: str, message: str) -> None:
    assert is_site_url(argument)
    with pytest.raises(ConfigError, match=f"^cannot crawl '{re.escape(argument)}': {message}"):
        check_site_url(argument)


def test_an_ipv6_start_url_keeps_its_address_in_the_site_key() -> None:
    site = adhoc_site(check_site_url("http://[::1]:8005/home"), "generic")
    assert site.key == "ipv6-0000-0000-0000-0000-0000-0000-0000-0001-8005"
    assert site.base_url == "http://[::1]:8005/"
