"""The researchers' web interface: server-rendered pages over the archive and its index.

Starlette routes requests to views (:mod:`portal_archive.web.views`), Jinja2
templates render them with autoescape on, uvicorn serves them
(``portal-archive serve``). The pages work without JavaScript and send none.
"""

from portal_archive.web.app import create_app
from portal_archive.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
