"""The interface in a real browser: Chromium driven by Playwright against ``portal-archive serve``.

Script is enabled in the browser, so the hostile article's tests prove that
nothing of an archived page runs: no dialog opens and the document title its
payloads would set never changes. axe-core (from the axe-playwright-python
package) checks the pages for serious accessibility violations. Screenshots of
the results page at 1400 and 400 pixels wide are kept in
``$PORTAL_ARCHIVE_ARTIFACTS`` (a temporary directory if unset).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .archive import BULLETINS, SEED_TITLE, WebArchive
from .server import serving

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

pytestmark = pytest.mark.browser
# Debian's Chromium: Playwright's own browser download needs a host CI cannot reach.
CHROMIUM = shutil.which("chromium")
ARTIFACTS_ENV = "PORTAL_ARCHIVE_ARTIFACTS"
PAYLOAD_TITLE = "pwned"
# What axe-core reports that keeps someone from using a page, not merely makes it harder.
SERIOUS_IMPACTS = frozenset({"serious", "critical"})


@pytest.fixture(scope="module")
def live_url(web_archive: WebArchive) -> Iterator[str]:
    with serving(web_archive.data.root) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright.Browser]:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH: apt-get install chromium")
    with playwright.sync_playwright() as driver:
        # Chromium's own sandbox needs user namespaces, which a root CI container lacks.
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: playwright.Browser) -> Iterator[playwright.Page]:
    """A fresh page that fails the test on any dialog a script would open."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    context.close()
    assert dialogs == [], f"a script opened dialogs: {dialogs}"


def count_line(page: playwright.Page) -> str:
    return page.locator(".summary .count").inner_text()


def search_for(page: playwright.Page, live_url: str, query: str) -> None:
    page.goto(live_url)
    page.get_by_label("Từ khóa (có dấu hoặc không dấu)").fill(query)
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("query", ["dau an nganh thong tin", "Dấu ấn ngành thông tin"])
def test_search_with_and_without_diacritics(
    page: playwright.Page, live_url: str, query: str
) -> None:
    search_for(page, live_url, query)
    assert page.locator(".hit h2 a").first.inner_text() == SEED_TITLE
    assert count_line(page).startswith("1–1 trong 1")


def test_a_facet_narrows_the_results(page: playwright.Page, live_url: str) -> None:
    search_for(page, live_url, "ban tin")
    page.locator(".facets").get_by_role("link", name="Sở Giáo dục và Đào tạo Hà Tĩnh").click()
    assert "site=sgd" in page.url
    assert count_line(page).startswith(f"1–{BULLETINS // 3} trong {BULLETINS // 3}")
    page.get_by_role("link", name="Bỏ lọc Trang: Sở Giáo dục và Đào tạo Hà Tĩnh").click()
    assert count_line(page).startswith(f"1–20 trong {BULLETINS}")


def test_a_histogram_bar_filters_by_its_period(page: playwright.Page, live_url: str) -> None:
    search_for(page, live_url, "ban tin")
    page.locator('a.bar[data-period="2020"]').click()
    assert "from=2020-01-01" in page.url and "to=2020-12-31" in page.url
    assert count_line(page).startswith("1–6 trong 6")
    # The year is now charted by month; a month's bar narrows again.
    assert page.locator('a.bar[data-period^="2020-"]').count() >= 3
    page.locator('a.bar[data-period="2020-02"]').click()
    assert "to=2020-02-29" in page.url


def test_a_date_range_typed_day_first(page: playwright.Page, live_url: str) -> None:
    search_for(page, live_url, "ban tin")
    page.get_by_label("Từ ngày (ngày/tháng/năm)").fill("1/1/2021")
    page.get_by_label("Đến ngày (ngày/tháng/năm)").fill("31/12/2021")
    page.get_by_role("button", name="Tìm").click()
    assert count_line(page).startswith("1–6 trong 6")
    assert page.get_by_label("Từ ngày (ngày/tháng/năm)").input_value() == "01/01/2021"


def test_sort_and_pages(page: playwright.Page, live_url: str) -> None:
    search_for(page, live_url, "ban tin")
    page.get_by_label("Sắp xếp").select_option("oldest")
    page.get_by_role("button", name="Tìm").click()
    assert "sort=oldest" in page.url
    assert page.locator(".hit time").first.get_attribute("datetime").startswith("2019-")
    page.locator(".pager").get_by_role("link", name="2").click()
    assert count_line(page).startswith(f"21–{BULLETINS} trong {BULLETINS}")
    assert page.locator(".pager [aria-current=page]").inner_text() == "2"
    assert page.locator(".hit time").last.get_attribute("datetime").startswith("2022-")


def test_an_article_its_versions_copies_and_capture(page: playwright.Page, live_url: str) -> None:
    search_for(page, live_url, "dau an nganh")
    page.locator(".hit h2 a").first.click()
    assert page.locator("h1").inner_text() == SEED_TITLE
    page.get_by_text("Thay đổi so với phiên bản 1").click()
    assert page.locator(".diff .added", has_text="cập nhật số liệu").is_visible()
    page.locator("section", has_text="Đăng lại ở").get_by_role("link").first.click()
    page.get_by_role("link", name="bản gốc").click()
    assert page.locator("h1").inner_text() == SEED_TITLE
    page.get_by_role("link", name="Trang như đã thu thập").click()
    # The captured page holds a script that would retitle it: sandboxed, it never runs.
    assert page.locator("h1").inner_text() == SEED_TITLE
    assert page.title() == "bản lưu"


def test_export_downloads_the_result_set(page: playwright.Page, live_url: str) -> None:
    search_for(page, live_url, "ban tin")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("url,site,title,")
    assert len(lines) == BULLETINS + 1


def test_a_hostile_article_runs_nothing(
    page: playwright.Page, live_url: str, web_archive: WebArchive
) -> None:
    page.goto(f"{live_url}/article/{web_archive.hostile_id}")
    assert page.title() != PAYLOAD_TITLE and "Bài độc hại" in page.title()
    schemes = page.eval_on_selector_all("a[href]", "links => links.map(link => link.protocol)")
    assert set(schemes) <= {"http:"}
    for inert in page.locator(".inert-url").all():
        inert.hover()
        inert.click()
    assert page.url.endswith(f"/article/{web_archive.hostile_id}")
    assert page.locator("script").count() == 0
    search_for(page, live_url, "doc hai")
    page.locator(".facets a").last.hover()
    assert page.title() != PAYLOAD_TITLE


def test_screenshots_at_desktop_and_phone_widths(
    browser: playwright.Browser, live_url: str, tmp_path: Path
) -> None:
    artifacts = Path(os.environ.get(ARTIFACTS_ENV) or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    for width in (1400, 400):
        context = browser.new_context(viewport={"width": width, "height": 900})
        shown = context.new_page()
        shown.goto(f"{live_url}/?q=ban+tin")
        shown.screenshot(path=artifacts / f"results-{width}.png", full_page=True)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert shown.evaluate("document.documentElement.scrollWidth") <= width
        context.close()


@pytest.mark.parametrize(
    "path", ["/", "/?q=ban+tin", "/article/{seed}", "/sites", "/crawls", "/crawls/{run}"]
)
def test_no_serious_accessibility_violations(
    page: playwright.Page, live_url: str, web_archive: WebArchive, path: str
) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="no axe-core")
    page.goto(live_url + path.format(seed=web_archive.seed_id, run=web_archive.run_id))
    violations = axe.Axe().run(page).response["violations"]
    serious = [(v["id"], v["help"]) for v in violations if v["impact"] in SERIOUS_IMPACTS]
    assert serious == []
