"""`schedule`: systemd units and crontab lines for a daily crawl under a lock into a log, the
command they hold run for real against the testbed."""

from __future__ import annotations

import fcntl
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from testbed import Testbed as Replica
from tests.helpers import run_cli

SITES = '[sites.tinh]\nfamily = "portalfolder"\nbase_url = "http://127.0.0.1:9/"\n'


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(SITES, encoding="utf-8")
    return path


def crawl_command(data: Path, config: Path, *rest: str) -> str:
    return shlex.join(
        [sys.executable, "-m", "portal_archive", "--data", str(data), "crawl", "--config",
         str(config), *rest]
    )  # fmt: skip


def test_systemd_units_run_the_crawl_daily_under_a_lock_into_a_log(
    tmp_path: Path, config: Path
) -> None:
    data = tmp_path / "data"
    printed = run_cli(data, "schedule", "--config", config, "--at", "3:05", "tinh")
    assert printed.returncode == 0, printed.stderr
    service, timer = printed.stdout.split("# portal-archive-crawl.timer\n")
    assert service.startswith("# portal-archive-crawl.service\n[Unit]\n")
    assert "Type=oneshot\n" in service
    assert f"WorkingDirectory={Path.cwd()}\n" in service
    [exec_start] = [line for line in service.splitlines() if line.startswith("ExecStart=")]
    shell = shlex.split(exec_start.removeprefix("ExecStart="))
    assert shell[:2] == ["/bin/sh", "-c"]
    assert shell[2] == (
        f"mkdir -p {data}/jobs {data}/logs && flock -n {data}/jobs/scheduled-crawl.lock "
        f"{crawl_command(data, config, 'tinh')} >> {data}/logs/crawl.log 2>&1"
    )
    assert "OnCalendar=*-*-* 03:05:00\nPersistent=true\n" in timer
    assert "WantedBy=timers.target\n" in timer
    # Printing creates nothing.
    assert not data.exists()


def test_install_writes_the_units_it_prints(tmp_path: Path, config: Path) -> None:
    data, units = tmp_path / "data", tmp_path / "units"
    printed = run_cli(data, "schedule", "--config", config, "--name", "tinh-crawl")
    installed = run_cli(
        data, "schedule", "--config", config, "--name", "tinh-crawl", "--install",
        "--unit-dir", units,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert sorted(path.name for path in units.iterdir()) == [
        "tinh-crawl.service",
        "tinh-crawl.timer",
    ]
    for path in units.iterdir():
        assert f"# {path.name}\n{path.read_text(encoding='utf-8')}" in printed.stdout
    assert installed.stdout.splitlines()[-1] == (
        "enable it: systemctl --user daemon-reload"
        " && systemctl --user enable --now tinh-crawl.timer"
    )


def test_a_registry_schedule_names_its_province(tmp_path: Path) -> None:
    printed = run_cli(tmp_path / "data", "schedule", "--registry", "hatinh", "kyanh", "--cron")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("30 2 * * * cd ")
    assert " crawl --registry hatinh kyanh >> " in printed.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--at", "25:00"), "'25:00' is not a time of day like 02:30"),
        (("--cron", "--install"), "Error: --install writes systemd units"),
        (("nosuch",), "Error: unknown site 'nosuch'; known sites: tinh"),
        (("--name", "a b"), "Error: --name 'a b': a unit name is letters, digits"),
    ],
)
def test_mistakes_are_one_error_and_install_nothing(
    tmp_path: Path, config: Path, arguments: tuple[str, ...], message: str
) -> None:
    units = tmp_path / "units"
    ran = run_cli(
        tmp_path / "data", "schedule", "--config", config, "--install", "--unit-dir", units,
        *arguments,
    )  # fmt: skip
    assert ran.returncode in (1, 2)
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not units.exists()


def test_a_database_password_is_never_written_or_printed(tmp_path: Path, config: Path) -> None:
    url = "postgresql://archivist:s3cret@db.example.org/archive"
    ran = subprocess.run(
        [sys.executable, "-m", "portal_archive", "--db", url, "schedule", "--config", config],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 1
    assert ran.stderr.startswith("Error: the --db URL holds a password")
    assert "s3cret" not in ran.stdout + ran.stderr


@pytest.mark.e2e
def test_the_cron_line_crawls_and_a_second_run_waits_for_nothing(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    with Replica(articles=20, seed=8) as testbed:
        testbed.write_sites(config)
        line = run_cli(data, "schedule", "--config", config, "--cron", "--delay", "0", "kyanh")
        assert line.returncode == 0, line.stderr
        command = line.stdout.strip().split(" ", 5)[5]
        first = subprocess.run(["/bin/sh", "-c", command], capture_output=True, timeout=300)
        assert first.returncode == 0, (data / "logs" / "crawl.log").read_text(encoding="utf-8")
        lock = data / "jobs" / "scheduled-crawl.lock"
        with lock.open("a") as held:
            # As if the day before's crawl were still running.
            fcntl.flock(held, fcntl.LOCK_EX)
            second = subprocess.run(["/bin/sh", "-c", command], capture_output=True, timeout=60)
    log = (data / "logs" / "crawl.log").read_text(encoding="utf-8")
    assert log.startswith("crawl 1: finished\n")
    assert second.returncode == 1
    # The second run never started a crawl: the log holds the first one only.
    assert (data / "logs" / "crawl.log").read_text(encoding="utf-8") == log
    runs = run_cli(data, "crawls")
    assert len(runs.stdout.splitlines()) == 2
