"""The page of a legal document the archive's articles cite: what it is and who cites it."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from archive.references import citing_articles, find_reference
from portal_archive.web.config import config_of
from portal_archive.web.templating import render

# Document numbers are short ("81/2004/QĐ-UB"); a longer path is no number.
MAX_KEY_CHARS = 200
# Where an article cites a document, as the page says it.
PLACE_NAMES = {"title": "tiêu đề", "body": "nội dung", "document": "tệp đính kèm"}


def reference_page(request: Request) -> Response:
    """The document numbered as the path says (``/ref/81/2004/QĐ-UB``, in any case, with or
    without diacritics): its kind, number, year and issuer, and the articles citing it,
    oldest first."""
    key = request.path_params["key"]
    with config_of(request).archive.sessions() as session:
        reference = find_reference(session, key) if len(key) <= MAX_KEY_CHARS else None
        if reference is None:
            raise HTTPException(404, "Không có bài viết nào dẫn văn bản này.")
        context = {
            "reference": reference,
            "articles": citing_articles(session, reference),
            "place_names": PLACE_NAMES,
        }
        return render(request, "reference.html", context)
