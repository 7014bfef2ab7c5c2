"""`python -m testbed serve` as a subprocess: output files, stdout, signals, bad usage."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Aliased so pytest does not mistake the class for a test case.
from testbed import Testbed as Replica
from tests.testbed.test_testbed_http import without_hosts

REPO = Path(__file__).parents[2]
GOLD_KEYS = [
    *("url", "site", "title", "published", "author", "category", "summary", "body"),
    "attachments",
    "references",
]
SITE_FAMILIES = [
    ["hatinh", "tandan"],
    ["stttt", "portalfolder"],
    ["kyanh", "portalfolder"],
    ["svhttdl", "tandan"],
    ["stnmt", "liferay"],
    ["nongthonmoi", "nukeviet"],
    ["xacamhung", "nukeviet"],
]


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path, Path]:
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    # A fresh hash seed per process proves the output does not depend on it.
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "testbed", "serve", *args],
            cwd=REPO,
            stdout=out,
            stderr=err,
            env=env,
        )
    return process, stdout, stderr


def wait_for_lines(process: subprocess.Popen[bytes], path: Path, count: int) -> list[str]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lines = path.read_text("utf-8").splitlines()
        if len(lines) >= count:
            return lines
        assert process.poll() is None, "the testbed exited early"
        time.sleep(0.05)
    raise AssertionError("the testbed did not report its sites in time")


def stop(process: subprocess.Popen[bytes], signum: int) -> int:
    process.send_signal(signum)
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def test_serve_writes_gold_and_sites_then_stops_on_sigterm(tmp_path: Path) -> None:
    gold_path, sites_path = tmp_path / "gold.jsonl", tmp_path / "sites.toml"
    process, stdout, stderr = start(
        tmp_path,
        "--articles",
        "40",
        "--seed",
        "3",
        "--gold",
        str(gold_path),
        "--sites-out",
        str(sites_path),
    )
    try:
        lines = wait_for_lines(process, stdout, len(SITE_FAMILIES))
        # stdout comes after both files, so both must be complete by now.
        gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines()]
        sites = tomllib.loads(sites_path.read_text("utf-8"))["sites"]
        assert len(gold) == 40
        # Only a republished copy names its original.
        assert all(list(g) in (GOLD_KEYS, [*GOLD_KEYS, "duplicate_of"]) for g in gold)
        assert [line.split()[:2] for line in lines] == SITE_FAMILIES
        for line in lines:
            key, family, base_url = line.split()
            assert sites[key]["family"] == family and sites[key]["base_url"] == base_url
        with urllib.request.urlopen(gold[0]["url"], timeout=10) as response:
            assert response.status == 200
        with Replica(articles=40, seed=3) as replica:
            in_process = replica.gold()
        assert without_hosts(gold) == without_hosts(in_process)
    finally:
        code = stop(process, signal.SIGTERM)
    assert code == 0
    assert stderr.read_text("utf-8") == ""
    assert not list(tmp_path.glob(".*.tmp"))


def test_ctrl_c_exits_cleanly(tmp_path: Path) -> None:
    process, stdout, stderr = start(tmp_path, "--articles", "5")
    wait_for_lines(process, stdout, len(SITE_FAMILIES))
    assert stop(process, signal.SIGINT) == 0
    assert stderr.read_text("utf-8") == ""


def test_port_base_gives_consecutive_ports(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    if base > 65000:
        pytest.skip("no room above the probed port")
    process, stdout, _ = start(tmp_path, "--articles", "5", "--port-base", str(base))
    try:
        lines = wait_for_lines(process, stdout, len(SITE_FAMILIES))
    finally:
        assert stop(process, signal.SIGTERM) == 0
    ports = [urlsplit(line.split()[2]).port for line in lines]
    assert ports == [base + i for i in range(len(SITE_FAMILIES))]


def test_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "testbed", "serve", "--articles", "5", "--port-base", str(port)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--articles", "0"],
        ["serve", "--articles", "50001"],
        ["serve", "--articles", "many"],
        ["serve", "--seed", "x"],
        ["serve", "--port-base", "70000"],
        ["serve", "--bogus"],
        ["serve", "--gold", "/nonexistent-dir/gold.jsonl"],
        ["serve", "--host", "192.0.2.1"],
        ["crawl"],
        [],
    ],
)
def test_bad_usage_is_one_line_and_nonzero(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "testbed", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
