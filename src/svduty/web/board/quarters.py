"""Financial-year quarters as the board pack names them: ``2024-25-Q3`` (Q1 = April–June, … Q4 = January–March),
the contract of ``svduty boardpack --quarter``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

QUARTER = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})-Q(?P<q>[1-4])$")
FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}
LAST_DAY = {1: (6, 30), 2: (9, 30), 3: (12, 31), 4: (3, 31)}


class QuarterError(ValueError):
    """A quarter that is not ``YYYY-YY-Qn``; the message is for the user."""


@dataclass(frozen=True)
class Quarter:
    start_year: int
    number: int

    @property
    def financial_year(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def code(self) -> str:
        return f"{self.financial_year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.financial_year} Q{self.number}"

    @property
    def start(self) -> date:
        year = self.start_year + (1 if self.number == 4 else 0)
        return date(year, FIRST_MONTH[self.number], 1)

    @property
    def end(self) -> date:
        year = self.start_year + (1 if self.number == 4 else 0)
        month, day = LAST_DAY[self.number]
        return date(year, month, day)

    def previous(self, count: int = 1) -> Quarter:
        index = self.start_year * 4 + self.number - 1 - count
        return Quarter(index // 4, index % 4 + 1)


def parse_quarter(text: str) -> Quarter:
    match = QUARTER.match((text or "").strip())
    if not match:
        raise QuarterError(
            _("%(text)r is not a financial-year quarter: write it as 2024-25-Q3 (Q1 = April to June)") % {"text": text}
        )
    start = int(match["start"])
    if int(match["end"]) != (start + 1) % 100:
        raise QuarterError(
            _("%(text)r: the financial year %(start)s-%(end)s must run into the next year (%(start)s-%(next)02d)")
            % {"text": text, "start": start, "end": match["end"], "next": (start + 1) % 100}
        )
    return Quarter(start, int(match["q"]))


def quarter_of(day: date) -> Quarter:
    start = day.year if day.month >= 4 else day.year - 1
    return Quarter(start, (day.month - 4) % 12 // 3 + 1)
