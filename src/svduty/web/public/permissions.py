"""What the public may see: published decisions past any deferral date, and Section B only when not withheld."""

from __future__ import annotations


def can_see_decision(record, today=None) -> bool:
    return record.publicly_visible(today)


def can_see_section_b(record) -> bool:
    return bool(record.section_b) and record.section_b_published
