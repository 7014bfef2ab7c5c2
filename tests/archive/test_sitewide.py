"""What a crawl learns of a site: the shapes of its article URLs, and its template links."""

from __future__ import annotations

import pytest

from archive.profiles import get_family
from archive.profiles.sitewide import MIN_PAGES_FOR_TEMPLATE, SiteKnowledge, url_shape


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("http://h/web/Chuyen_doi_so/78213.html", "http://h/web/Tin_tuc/78465.html"),
        ("http://h/vi/Ha-Tinh-day-manh-77775.html", "http://h/vi/Trien-khai-nhiem-vu-77796.html"),
        (
            "http://h/index.php?option=com_content&view=article&id=59675&Itemid=101",
            "http://h/index.php?option=com_content&view=article&id=12&Itemid=7",
        ),
    ],
)
def test_urls_of_one_template_share_a_shape(one: str, other: str) -> None:
    assert url_shape(one) == url_shape(other)


@pytest.mark.parametrize(
    ("article", "listing"),
    [
        (
            "http://h/index.php?option=com_content&view=article&id=59675",
            "http://h/index.php?option=com_content&view=category&id=8",
        ),
        ("http://h/vi/Ha-Tinh-day-manh-77775.html", "http://h/vi/Tin-tuc/"),
        ("http://h/tin-tuc/78213.html", "http://h/tin-tuc/?page=2"),
    ],
)
def test_what_a_cms_writes_literally_tells_templates_apart(article: str, listing: str) -> None:
    assert url_shape(article) != url_shape(listing)


def test_a_shape_is_an_articles_once_its_pages_read_as_articles() -> None:
    knowledge = SiteKnowledge()
    generic = get_family("generic").latest(knowledge)
    joomla = "http://h/index.php?option=com_content&view=article&id={}&Itemid=101"
    assert not generic.is_article_url(joomla.format(1))
    knowledge.learn_verdict(joomla.format(1), True)
    assert not knowledge.is_article_shape(joomla.format(3))
    knowledge.learn_verdict(joomla.format(2), True)
    assert generic.is_article_url(joomla.format(3))
    for n in range(3):
        knowledge.learn_verdict(f"http://h/trang/{n}.html", False)
    assert knowledge.is_known_other_shape("http://h/trang/9.html")
    assert not generic.is_article_url("http://h/trang/9.html")


def test_links_on_most_pages_are_the_template_and_list_nothing() -> None:
    knowledge = SiteKnowledge()
    menu = [f"http://h/chuyen-muc/{name}/" for name in ("tin-tuc", "thong-bao", "van-ban")]
    for n in range(MIN_PAGES_FOR_TEMPLATE):
        knowledge.learn_links([*menu, f"http://h/tin-tuc/{n}.html"])
    assert knowledge.is_template_link(menu[0])
    assert not knowledge.is_template_link("http://h/tin-tuc/3.html")
    # A calendar page: the site's menu and the next month, of the page's own shape.
    calendar = "http://h/lich?thang=2020-01"
    assert not knowledge.lists_new_items(calendar, [*menu, "http://h/lich?thang=2020-02"])
    assert knowledge.lists_new_items(
        "http://h/chuyen-muc/tin-tuc/", [*menu, "http://h/bai/77.html"]
    )


def test_once_article_shapes_are_known_only_they_are_items() -> None:
    knowledge = SiteKnowledge()
    for n in range(5):
        knowledge.learn_verdict(f"http://h/bai/{n}-tin.html", True)
    assert knowledge.knows_article_shapes()
    assert knowledge.lists_new_items("http://h/tin/", ["http://h/bai/9-moi.html"])
    assert not knowledge.lists_new_items("http://h/tin/?page=9", ["http://h/tin/?page=10"])
