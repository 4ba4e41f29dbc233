"""Money is held as integer pence (DESIGN.md conventions) and shown as £ with thousands separators."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

POUNDS = re.compile(r"^£?\s*([0-9][0-9,]*)(\.[0-9]{1,2})?$")


def format_pence(pence: int | None, *, whole: bool = False) -> str:
    """``4670000`` → ``£46,700.00`` (``£46,700`` with ``whole`` when there are no pence)."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(int(pence)), 100)
    if whole and rem == 0:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{rem:02d}"


def parse_pounds(text: str) -> int:
    """``"£90,000"`` or ``"90000.50"`` → pence. Raises ValueError with a sentence a user can act on."""
    cleaned = (text or "").strip()
    match = POUNDS.match(cleaned)
    if not match:
        raise ValueError(_("Enter an amount in pounds, like 90,000 or 1250.50 (got %(got)r)") % {"got": cleaned})
    digits = match.group(1).replace(",", "")
    try:
        value = Decimal(digits + (match.group(2) or ""))
    except InvalidOperation:
        raise ValueError(_("Enter an amount in pounds, like 90,000 (got %(got)r)") % {"got": cleaned}) from None
    return int(value * 100)


FY = re.compile(r"^(\d{4})-(\d{2})$")


def check_financial_year(text: str) -> str:
    """Financial years are written ``2024-25`` (1 April 2024 to 31 March 2025)."""
    match = FY.match(text or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(_("Write the financial year like 2024-25 (got %(got)r)") % {"got": text})
    return text


def financial_year_of(day) -> str:
    """The UK public-sector financial year (April–March) containing ``day``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
