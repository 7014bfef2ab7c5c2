import pytest

from archive.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.GOV.vn:80/a/B.html#top", "http://example.gov.vn/a/B.html"),
        ("http://127.0.0.1:8001/x", "http://127.0.0.1:8001/x"),
        (
            "https://s.hanoi.gov.vn/-/view_content/1-x.html;jsessionid=0A1B2C?_101_cur=2",
            "https://s.hanoi.gov.vn/-/view_content/1-x.html?_101_cur=2",
        ),
        ("https://a.vn/p?fbclid=IwAR0&id=3&utm_source=fb", "https://a.vn/p?id=3"),
        ("https://a.vn/p?l=Tintrongtinh%2F+++&page=2", "https://a.vn/p?l=Tintrongtinh%2F&page=2"),
        ("https://a.vn", "https://a.vn/"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
