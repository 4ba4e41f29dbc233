"""Long lists (the decisions register, awards, grants) a page at a time, with the GOV.UK pagination component:
a register of a thousand decisions was one page of a thousand rows, the slowest page the service had."""

from __future__ import annotations

from django.core.paginator import Paginator

PER_PAGE = 50


def paginate(request, items, per_page: int = PER_PAGE, param: str = "page") -> dict:
    """``{"page": Page, "pagination": {...}}`` for ``core/_pagination.html``; other query parameters (filters) are
    kept in the links, and a page number out of range shows the last page. ``param`` names the page number's query
    parameter, so one page can hold several lists paged on their own."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()

    def link(number: int) -> str:
        params[param] = str(number)
        return f"?{params.urlencode()}"

    numbers = []
    if page.paginator.num_pages > 1:
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
            numbers.append({"ellipsis": True} if n == Paginator.ELLIPSIS else {"number": n, "url": link(n)})
    return {
        "page": page,
        "pagination": {
            "pages": numbers,
            "current": page.number,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "count": page.paginator.count,
        },
    }
