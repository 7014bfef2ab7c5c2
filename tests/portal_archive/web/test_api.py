"""The JSON API: the object of ``search --json``, articles, sites and crawls, described by its
OpenAPI document, with no CORS header."""

from __future__ import annotations

from starlette.routing import Route
from starlette.testclient import TestClient

from portal_archive.web.app import ROUTES

from .archive import SEED_TITLE, WebArchive


def test_search_gives_the_object_of_search_json(client: TestClient) -> None:
    data = client.get(
        "/api/search", params={"q": "thong tin", "facets": "1", "histogram": "year"}
    ).json()
    assert set(data) == {"total", "page", "pages", "timed_out", "hits", "facets", "histogram"}
    assert {"site", "category", "author", "year"} <= set(data["facets"])
    assert {"url", "site", "title", "published", "author", "snippet", "copies"} <= set(
        data["hits"][0]
    )


def test_the_histogram_counts_each_period(client: TestClient) -> None:
    query = "(dau an nganh) OR (doc hai)"
    data = client.get("/api/search", params={"q": query, "histogram": "year"}).json()
    assert data["histogram"] == [{"period": "2020", "count": 1}, {"period": "2021", "count": 1}]
    assert client.get("/api/search", params={"q": query}).json()["histogram"] == []


def test_similar_articles_leave_the_article_out(client: TestClient) -> None:
    bulletin = client.get("/api/search", params={"q": "ban tin so 5"}).json()["hits"][0]
    similar = client.get("/api/similar", params={"id": bulletin["article_id"]}).json()
    assert similar["hits"] and bulletin["url"] not in {hit["url"] for hit in similar["hits"]}
    missing = client.get("/api/similar", params={"id": "999999"})
    assert missing.status_code == 400 and "999999" in missing.json()["error"]
    assert client.get("/api/similar", params={"id": "x"}).status_code == 400


def test_an_article_with_its_versions_and_copies(
    client: TestClient, web_archive: WebArchive
) -> None:
    data = client.get(f"/api/articles/{web_archive.seed_id}").json()
    assert (data["id"], data["title"], data["site"]) == (web_archive.seed_id, SEED_TITLE, "stttt")
    assert [copy["id"] for copy in data["copies"]] == [web_archive.copy_id]
    assert len(data["versions"]) == 2 and all(v["capture_id"] for v in data["versions"])
    copy = client.get(f"/api/articles/{web_archive.copy_id}").json()
    assert copy["duplicate_of_id"] == web_archive.seed_id
    missing = client.get("/api/articles/999999")
    assert missing.status_code == 404 and missing.json() == {
        "error": "Không có bài viết này trong kho."
    }


def test_sites_and_crawls(client: TestClient, web_archive: WebArchive) -> None:
    sites = client.get("/api/sites").json()
    assert [site["site"] for site in sites] == ["sgd", "stttt"]
    [run] = client.get("/api/crawls").json()
    assert (run["id"], run["status"], run["pages_fetched"]) == (web_archive.run_id, "finished", 60)


def test_every_api_route_is_described(client: TestClient) -> None:
    described = set(client.get("/api/openapi.json").json()["paths"])
    routes = {
        route.path.replace("{article_id:int}", "{id}")
        for route in ROUTES
        if isinstance(route, Route) and route.path.startswith("/api/")
    }
    assert routes - {"/api/openapi.json"} == described


def test_no_cors_header_lets_other_origins_read(client: TestClient) -> None:
    response = client.get("/api/search?q=tin", headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
