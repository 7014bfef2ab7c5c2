"""The status a crawl run is shown with: running only while a crawl holds its sites."""

from __future__ import annotations

from pathlib import Path

from crawler.locks import RESUME_HINT, crawl_lock, with_live_status


def test_a_run_recorded_running_is_running_only_while_a_crawl_holds_a_site(
    tmp_path: Path,
) -> None:
    run = {"id": 3, "status": "running", "sites": ["stttt", "syte"]}
    killed = with_live_status(run, tmp_path)
    assert (killed["status"], killed["resume"]) == ("interrupted", RESUME_HINT)
    with crawl_lock(tmp_path, ["syte"]):
        assert with_live_status(run, tmp_path) == run
    finished = {**run, "status": "finished"}
    assert with_live_status(finished, tmp_path) == finished
