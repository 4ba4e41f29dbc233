"""HTML → PDF through WeasyPrint, for every PDF the web app makes (decision records, board packs, the strategy, the
delivery dashboard).

The same HTML always prints to the same bytes, so a small in-process cache keyed by the HTML's hash returns them
without a second layout: a PDF costs 0.3–3 s of CPU, and an unchanged document asked for again (a record's PDF
downloaded twice, the demo's board pack rebuilt after a test empties the database) needs none.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from threading import Lock

_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_CACHE_SIZE = 16
_LOCK = Lock()


def html_to_pdf(
    html: str, *, media_type: str = "print", pdf_variant: str | None = None, data_only: bool = False
) -> bytes:
    """Print ``html``; ``data_only`` lets WeasyPrint fetch only ``data:`` URLs (no file or network reads)."""
    key = (hashlib.sha256(html.encode()).hexdigest(), media_type, pdf_variant, data_only)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}) if data_only else None
    document = HTML(string=html, media_type=media_type, **({"url_fetcher": fetcher} if fetcher else {}))
    pdf = document.write_pdf(**({"pdf_variant": pdf_variant} if pdf_variant else {}))
    with _LOCK:
        _CACHE[key] = pdf
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return pdf
