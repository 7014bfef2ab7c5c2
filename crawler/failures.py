"""Why a page could not be archived, in words an archivist can act on.

Every request of the spider has an errback; Scrapy calls it once retries are
exhausted (or at once for what is not worth retrying), so each failure that
reaches it is permanent for this crawl. The spider turns it into a
``FetchFailure`` item and the archive pipeline counts it by reason and keeps
the URL, so a crawl report accounts for every page it lost.

Requests refused on purpose (robots.txt, the site's scope, the trap guard) are
policy, not failures, and are counted on their own.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived
from twisted.web.http import _DataLoss

# Stats keys: a count per failure reason, and the failed URLs themselves.
FAILURE_COUNT_PREFIX = "failures/"
FAILED_URLS = "archive/failed"
TOO_MANY_REDIRECTS = "too many redirects"
REDIRECT_LOOP = "redirect loop"
TOO_LARGE = "too large"
# IgnoreRequest messages of Scrapy's components that are failures, not policy.
_IGNORED_FAILURES = (
    ("max redirections reached", TOO_MANY_REDIRECTS),
    ("exceeded DOWNLOAD_MAXSIZE", TOO_LARGE),
    (REDIRECT_LOOP, REDIRECT_LOOP),
)
_EXCEPTION_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (DownloadTimeoutError, "timeout"),
    (DownloadCancelledError, TOO_LARGE),
    (ResponseDataLossError, "truncated body"),
    (CannotResolveHostError, "host not found"),
    (DownloadConnectionRefusedError, "connection refused"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (DNSLookupError, "host not found"),
    (ConnectionRefusedError, "connection refused"),
    (ConnectError, "connection failed"),
    (ConnectionLost, "connection reset"),
)


def failure_reason(failure: Failure) -> str | None:
    """The reason a request failed for good, or None when it was refused on purpose."""
    return _reason(failure.value)


def _reason(error: BaseException) -> str | None:
    if isinstance(error, DownloadFailedError):
        # Scrapy's wrapper of what Twisted saw on the wire.
        return _reason(error.__cause__) if error.__cause__ else "connection failed"
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        return next((reason for text, reason in _IGNORED_FAILURES if text in message), None)
    if isinstance(error, ResponseFailed | ResponseNeverReceived):
        return _wire_reason(error)
    for kind, reason in _EXCEPTION_REASONS:
        if isinstance(error, kind):
            return reason
    return type(error).__name__


def _wire_reason(error: ResponseFailed | ResponseNeverReceived) -> str:
    """Twisted wraps what went wrong on the wire: a body cut short, or a closed connection."""
    causes = [cause.value for cause in error.reasons]
    if any(isinstance(cause, _DataLoss) for cause in causes):
        return "truncated body"
    if isinstance(error, ResponseNeverReceived):
        return "connection reset"
    return "connection lost mid-response"
