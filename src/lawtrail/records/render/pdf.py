"""A finalised version as PDF: the print template (records/print/document.html + document.css)
rendered by WeasyPrint with the Noto CJK fonts, every font embedded as a subset.

Nothing is fetched over the network: the only resources are the stylesheet, read from the
package, and the signature images, inlined as data: URIs; the URL fetcher refuses everything
else (http, https, ftp, and files outside the print template directory).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from ..models import Version

TEMPLATE = "records/print/document.html"
PRINT_DIR = Path(__file__).resolve().parent.parent / "templates" / "records" / "print"
STYLESHEET = PRINT_DIR / "document.css"

# WeasyPrint's font configuration (fontconfig + Pango) is not meant to be shared by threads
# rendering at the same time; one per thread, each reused across documents.
_local = threading.local()


class RefusedURL(ValueError):
    pass


@lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        """data: URIs and the files beside the print template; nothing else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(PRINT_DIR):
                    return super().fetch(url, headers)
            raise RefusedURL(f"打印模板不得引用外部资源：{url[:100]}")

    return OfflineFetcher


def fetcher():
    return _fetcher_class()(allowed_protocols={"data", "file"}, allow_redirects=False)


def _tools():
    if not hasattr(_local, "font_config"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _local.font_config = FontConfiguration()
        _local.stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=fetcher(), font_config=_local.font_config)
    return _local.font_config, _local.stylesheet


def html(version: Version, ctx: dict | None = None) -> str:
    from .context import context  # models: imported once Django is set up

    return render_to_string(TEMPLATE, ctx if ctx is not None else context(version))


def html_to_pdf(markup: str) -> bytes:
    """Render print markup with the print stylesheet (also used by the benchmark's baseline)."""
    from weasyprint import HTML

    font_config, stylesheet = _tools()
    doc = HTML(string=markup, base_url=str(PRINT_DIR) + "/", url_fetcher=fetcher())
    return doc.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def pdf(version: Version) -> bytes:
    return html_to_pdf(html(version))


def draft_pdf(document) -> bytes:
    """The draft as it would print, marked as a preview (records/render/context.draft_context)."""
    from .context import draft_context

    return html_to_pdf(render_to_string(TEMPLATE, draft_context(document)))
