"""Page-number pagination with a bounded page number.

django-ninja's ``PageNumberPagination`` accepts any page number, and a page such as 10¹⁹ makes an OFFSET beyond
PostgreSQL's bigint, a 500 (found by the schemathesis run). This one caps it, so such a request is a 422.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_ID = 2**63 - 1  # PostgreSQL bigint: larger ids cannot exist


class PageNumbers(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=100)
