"""Errors as a reader sees them: a page in Vietnamese (JSON under ``/api/``) with the right
status, never a server error for something a reader typed.

400: a parameter or query that cannot be used; 404: no such page, article or
capture; 405: a method other than GET or HEAD; 503: no search index yet.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal_archive.web.templating import render
from search.errors import EmptyQueryError, IndexNotFoundError, QueryError

API_PREFIX = "/api/"
TITLES = {
    400: "Yêu cầu không hợp lệ",
    404: "Không tìm thấy",
    405: "Phương thức không được phép",
    503: "Chưa sẵn sàng",
}
# What to say when the exception carries only the standard phrase ("Not Found").
DEFAULT_MESSAGES = {
    404: "Không có trang này.",
    405: "Giao diện này chỉ đọc: chỉ GET và HEAD.",
}
NO_INDEX = "Kho chưa có chỉ mục tìm kiếm: chạy `portal-archive reindex` rồi tải lại trang."


def error_response(request: Request, status_code: int, message: str) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"error": message}, status_code=status_code)
    context = {"title": TITLES.get(status_code, "Lỗi"), "message": message}
    return render(request, "error.html", context, status_code=status_code)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail
    if message == HTTPStatus(exc.status_code).phrase:
        message = DEFAULT_MESSAGES.get(exc.status_code, message)
    response = error_response(request, exc.status_code, message)
    response.headers.update(exc.headers or {})
    return response


async def query_error(request: Request, exc: Exception) -> Response:
    """The search engine could not use the query: its own words follow ours."""
    if isinstance(exc, EmptyQueryError):
        return error_response(request, 400, "Câu tìm kiếm trống: hãy gõ ít nhất một từ.")
    return error_response(request, 400, f"Không dùng được câu tìm kiếm này ({exc}).")


async def no_index(request: Request, exc: Exception) -> Response:
    return error_response(request, 503, NO_INDEX)


EXCEPTION_HANDLERS = {
    HTTPException: http_error,
    QueryError: query_error,
    IndexNotFoundError: no_index,
}
