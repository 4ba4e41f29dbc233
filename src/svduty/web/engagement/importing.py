"""Responses from a CSV file (an online survey's export, or paper forms typed up): checked whole before anything is
saved, so a file with one bad row changes nothing and every problem is listed with its row and field.

Columns (header row, any order, case-insensitive): ``reference`` and ``submitted_on`` (YYYY-MM-DD) required;
``channel``, ``age_band``, ``area`` optional; ``q1``, ``q2`` … the answers to the questions by number. A column that
would hold someone's identity (name, email, phone, date of birth, address, postcode) is refused: the partnership
does not need it to learn from the answers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Answer, Consultation, Response
from .options import AgeBand, Channel, QuestionKind

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
FIXED = ("reference", "submitted_on", "channel", "age_band", "area")
IDENTITY = {
    "name", "first_name", "last_name", "surname", "full_name", "email", "e-mail", "phone", "telephone", "mobile",
    "dob", "date_of_birth", "birth_date", "address", "postcode", "post_code",
}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("row %(row)d, %(field)s: %(message)s") % {
                "row": self.row,
                "field": self.field,
                "message": self.message,
            }
        return f"{self.field}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            _("the file is not UTF-8 text (byte %(at)d): save it as CSV UTF-8") % {"at": error.start}
        ) from None


def parse(
    consultation: Consultation, data: bytes, filename: str = "responses.csv"
) -> tuple[list[dict], list[RowError]]:
    """Rows ready to save, and every problem found (if there are any problems nothing may be saved)."""
    if len(data) > MAX_BYTES:
        return [], [RowError(0, filename, _("the file is larger than 5 MB"))]
    try:
        text = _decode(data)
    except ValueError as error:
        return [], [RowError(0, filename, str(error))]
    if "\x00" in text:
        return [], [RowError(0, filename, _("the file holds a NUL character: it is not a CSV text file"))]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], [RowError(0, filename, _("the file is empty: the first row must name the columns"))]
    columns = [h.strip().lower() for h in header]
    questions = {f"q{q.order}": q for q in consultation.questions.all()}
    errors = _check_header(columns, questions)
    if errors:
        return [], errors
    seen = set(consultation.responses.values_list("reference", flat=True))
    rows, errors = [], []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(RowError(number, filename, _("more than 20,000 responses: split the file")))
            break
        if len(values) != len(columns):
            errors.append(
                RowError(number, "-", _("%(n)d values for %(m)d columns") % {"n": len(values), "m": len(columns)})
            )
            continue
        record = dict(zip(columns, (v.strip() for v in values), strict=True))
        row, row_errors = _check_row(number, record, questions, seen)
        errors.extend(row_errors)
        if not row_errors:
            seen.add(row["reference"])
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(0, filename, _("the file has a header but no responses")))
    return rows, errors


def _check_header(columns: list[str], questions: dict) -> list[RowError]:
    errors = []
    for column in columns:
        if column in IDENTITY:
            errors.append(
                RowError(
                    1,
                    column,
                    _(
                        "this column would hold personal details, which a consultation response does not need: "
                        "remove it"
                    ),
                )
            )
        elif column not in FIXED and column not in questions:
            known = ", ".join([*FIXED, *questions])
            errors.append(RowError(1, column, _("unknown column (the columns are: %(known)s)") % {"known": known}))
    for required in ("reference", "submitted_on"):
        if required not in columns:
            errors.append(RowError(1, required, _("the column is missing")))
    if len(set(columns)) != len(columns):
        errors.append(RowError(1, "-", _("a column name appears twice")))
    return errors


def _check_row(number: int, record: dict, questions: dict, seen: set) -> tuple[dict, list[RowError]]:
    errors = []
    reference = record.get("reference", "")
    if not reference:
        errors.append(RowError(number, "reference", _("enter the response's reference")))
    elif len(reference) > 40:
        errors.append(RowError(number, "reference", _("at most 40 characters")))
    elif reference in seen:
        errors.append(
            RowError(number, "reference", _("%(ref)r is already used by another response") % {"ref": reference})
        )
    try:
        submitted = date.fromisoformat(record.get("submitted_on", ""))
    except ValueError:
        submitted = None
        errors.append(
            RowError(
                number,
                "submitted_on",
                _("%(v)r is not a date: write YYYY-MM-DD") % {"v": record.get("submitted_on", "")},
            )
        )
    channel = record.get("channel", "") or Channel.ONLINE
    if channel not in Channel.values:
        errors.append(
            RowError(
                number, "channel", _("%(v)r is not one of %(ok)s") % {"v": channel, "ok": ", ".join(Channel.values)}
            )
        )
    band = record.get("age_band", "")
    if band not in AgeBand.values:
        ok = ", ".join(v for v in AgeBand.values if v)
        errors.append(RowError(number, "age_band", _("%(v)r is not one of %(ok)s (or blank)") % {"v": band, "ok": ok}))
    area = record.get("area", "")
    if len(area) > 100:
        errors.append(RowError(number, "area", _("at most 100 characters")))
    answers = {}
    for column, question in questions.items():
        value = record.get(column, "")
        if not value:
            continue
        problem = _check_answer(question, value)
        if problem:
            errors.append(RowError(number, column, problem))
        answers[question.pk] = value
    row = {
        "reference": reference,
        "submitted_on": submitted,
        "channel": channel,
        "age_band": band,
        "area": area,
        "answers": answers,
        "row": number,
    }
    return row, errors


def _check_answer(question, value: str) -> str:
    if "\x00" in value:
        return _("holds a NUL character")
    if question.kind == QuestionKind.SCALE:
        if value not in {"1", "2", "3", "4", "5"}:
            return _("%(v)r is not a whole number from 1 to 5") % {"v": value}
    elif question.kind == QuestionKind.CHOICE and value not in question.choice_list:
        return _("%(v)r is not one of the choices: %(ok)s") % {"v": value, "ok": "; ".join(question.choice_list)}
    elif len(value) > 10_000:
        return _("at most 10,000 characters")
    return ""


def import_csv(consultation: Consultation, data: bytes, user, filename: str = "responses.csv") -> ImportResult:
    rows, errors = parse(consultation, data, filename)
    if errors:
        return ImportResult(0, errors)
    with transaction.atomic():
        for row in rows:
            response = Response.objects.create(
                consultation=consultation,
                reference=row["reference"],
                submitted_on=row["submitted_on"],
                channel=row["channel"],
                age_band=row["age_band"],
                area=row["area"],
                imported=True,
                import_row=row["row"],
                entered_by=user,
            )
            Answer.objects.bulk_create(
                [Answer(response=response, question_id=qid, text=text) for qid, text in row["answers"].items()]
            )
    return ImportResult(len(rows), [])
