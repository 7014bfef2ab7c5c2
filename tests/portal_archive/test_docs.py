"""What the README and the shipped example say matches what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from archive.export import EXPORT_FIELDS
from archive.sites import load_sites
from portal_archive.cli.reading import export
from testbed import Testbed as Replica  # not collected as a test class

REPOSITORY = Path(__file__).parents[2]
EXAMPLE = REPOSITORY / "sites.example.toml"
PORT_BASE = 8001


def test_the_example_config_is_the_testbed_on_its_documented_ports(tmp_path: Path) -> None:
    """The example names the testbed's sites as `python -m testbed serve --port-base 8001`
    serves them, as its comments and the README say."""
    with Replica(articles=20, seed=1) as testbed:
        served = testbed.sites
        testbed.write_sites(tmp_path / "served.toml")
    text = (tmp_path / "served.toml").read_text(encoding="utf-8")
    # The testbed took free ports; site i listens on PORT_BASE + i with --port-base.
    for index, site in enumerate(served):
        text = text.replace(site.base_url, f"http://127.0.0.1:{PORT_BASE + index}/")
    (tmp_path / "documented.toml").write_text(text, encoding="utf-8")
    assert load_sites(EXAMPLE) == load_sites(tmp_path / "documented.toml")


def test_the_export_fields_are_documented_in_full() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"one record per article \(`([^`]+)`", readme)
    assert listed is not None
    assert tuple(listed[1].split(", ")) == EXPORT_FIELDS
    help_text = " ".join((export.help or "").split())
    assert f"Fields: {', '.join(EXPORT_FIELDS)}." in help_text
