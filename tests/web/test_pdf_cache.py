"""``core.pdf.html_to_pdf``: one WeasyPrint layout per distinct document, the cached bytes equal a fresh rendering."""

from __future__ import annotations

from svduty.web.core import pdf


def test_same_html_is_laid_out_once_and_gives_the_same_bytes(monkeypatch):
    import weasyprint

    pdf._CACHE.clear()
    calls = []
    real = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    html = "<html lang='en'><title>t</title><body><h1>Board pack</h1><p>Figures</p></body></html>"
    first = pdf.html_to_pdf(html)
    again = pdf.html_to_pdf(html)
    assert first == again and first.startswith(b"%PDF") and len(calls) == 1
    other = pdf.html_to_pdf(html.replace("Figures", "Other figures"))
    assert other != first and len(calls) == 2
    ua = pdf.html_to_pdf(html, pdf_variant="pdf/ua-1", data_only=True)  # a variant is another document
    assert len(calls) == 3 and calls[-1] == {"pdf_variant": "pdf/ua-1"} and ua != first
    pdf._CACHE.clear()
    assert pdf.html_to_pdf(html) == first  # the cache returns what a fresh layout gives


def test_the_cache_is_bounded():
    pdf._CACHE.clear()
    for i in range(pdf._CACHE_SIZE + 5):
        pdf.html_to_pdf(f"<p>{i}</p>")
    assert len(pdf._CACHE) == pdf._CACHE_SIZE
    pdf._CACHE.clear()
