"""Read the ``result.json`` that ``svduty evaluate its|did|synth`` writes (``svduty.report.evaluation.result_json``)
and pull out what a practice note needs: the design, the headline estimate with its interval and p-value, the
Maryland Scientific Methods Scale level and reason, and whether the data were synthetic.

Pure functions of bytes and dicts, so they are tested without a database. Every refusal is a ``ResultError`` whose
message names the field, for the form to show (a bad upload is a form error, never a 500).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .options import Design

# Per design: the keys holding the headline estimate, its interval and its p-value.
HEADLINE_KEYS = {
    Design.ITS: ("level_change", "level_change_ci", "level_change_p"),
    Design.DID: ("att", "att_ci", "att_p"),
    Design.SYNTH: ("att", None, "placebo_in_space_p"),
}


class ResultError(ValueError):
    """A result.json that cannot be used, with a one-line reason naming the field."""


@dataclass(frozen=True)
class Headline:
    design: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    relative_change: float | None
    alpha: float
    msms_level: int
    msms_reason: str
    synthetic: bool
    natural_experiment: bool
    question: str
    data: dict[str, Any]


def load_result(raw: bytes) -> dict[str, Any]:
    """The parsed document, or ``ResultError``."""
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ResultError(_("result.json is not UTF-8 text")) from None
    except json.JSONDecodeError as error:
        raise ResultError(
            _("result.json is not valid JSON (line %(line)s, column %(col)s)")
            % {"line": error.lineno, "col": error.colno}
        ) from None
    except (ValueError, RecursionError):  # e.g. an integer of thousands of digits, or nesting thousands deep
        raise ResultError(_("result.json has a value too large or too deeply nested to read")) from None
    if not isinstance(document, dict):
        raise ResultError(_("result.json must be a JSON object, as svduty evaluate writes it"))
    _check_storable(document)
    return document


def _check_storable(value: Any, depth: int = 0) -> None:
    """What PostgreSQL's jsonb refuses (infinite numbers, NUL characters) or cannot hold sensibly is refused here,
    so a save never fails after the form said yes. svduty evaluate writes neither (it writes NaN as null)."""
    if depth > 64:
        raise ResultError(_("result.json is nested too deeply"))
    if isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key, depth + 1)
            _check_storable(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_storable(item, depth + 1)
    elif isinstance(value, str):
        if "\x00" in value:
            raise ResultError(_("result.json contains a NUL character"))
    elif (isinstance(value, float) and not math.isfinite(value)) or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63
    ):
        raise ResultError(_("result.json contains a number too large to store"))


def _finite(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _refuse_constant(name: str) -> float:
    raise ResultError(_("result.json contains %(name)s, which is not a number") % {"name": name})


def _number(document: dict[str, Any], key: str, *, required: bool = True) -> float | None:
    value = document.get(key)
    if value is None and not required:
        return None
    if not _finite(value):
        raise ResultError(_("result.json: %(key)s must be a number") % {"key": key})
    return float(value)


def _interval(document: dict[str, Any], key: str | None) -> tuple[float | None, float | None]:
    if key is None or document.get(key) is None:
        return None, None
    value = document[key]
    if not isinstance(value, list) or len(value) != 2 or not all(_finite(v) for v in value):
        raise ResultError(_("result.json: %(key)s must be [low, high], two numbers") % {"key": key})
    low, high = float(value[0]), float(value[1])
    if low > high:
        raise ResultError(_("result.json: %(key)s has its low end above its high end") % {"key": key})
    return low, high


def _rating(document: dict[str, Any]) -> tuple[int, str]:
    rating = document.get("maryland_sms")
    if not isinstance(rating, dict):
        raise ResultError(_("result.json: maryland_sms (the strength of evidence) is missing"))
    level = rating.get("level")
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise ResultError(_("result.json: maryland_sms.level must be a whole number from 1 to 5"))
    reason = rating.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ResultError(_("result.json: maryland_sms.reason must say why the level was given"))
    return level, reason.strip()


def headline(document: dict[str, Any]) -> Headline:
    """Validate the document and return its headline, or raise ``ResultError``."""
    design = document.get("design")
    if isinstance(design, str) and design.startswith("power"):
        raise ResultError(_("result.json is a power calculation: it has no result to publish as practice"))
    if design not in HEADLINE_KEYS:
        raise ResultError(
            _("result.json: design must be one of %(designs)s") % {"designs": ", ".join(d.value for d in Design)}
        )
    estimate_key, ci_key, p_key = HEADLINE_KEYS[Design(design)]
    estimate = _number(document, estimate_key)
    low, high = _interval(document, ci_key)
    p_value = _number(document, p_key, required=False)
    if p_value is not None and not 0 <= p_value <= 1:
        raise ResultError(_("result.json: %(key)s must lie between 0 and 1") % {"key": p_key})
    alpha = _number(document, "alpha", required=False)
    alpha = 0.05 if alpha is None else alpha
    if not 0 < alpha < 1:
        raise ResultError(_("result.json: alpha must lie between 0 and 1"))
    level, reason = _rating(document)
    synthetic = document.get("synthetic")
    if not isinstance(synthetic, bool):
        raise ResultError(_("result.json: synthetic must be true or false"))
    data = document.get("data") if isinstance(document.get("data"), dict) else {}
    if data.get("synthetic") is True:
        synthetic = True
    question = document.get("question")
    return Headline(
        design=design,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        relative_change=_number(document, "relative_change", required=False),
        alpha=alpha,
        msms_level=level,
        msms_reason=reason,
        synthetic=synthetic,
        natural_experiment=document.get("natural_experiment") is True,
        question=question.strip() if isinstance(question, str) else "",
        data=data,
    )


def parse(raw: bytes) -> tuple[dict[str, Any], Headline]:
    document = load_result(raw)
    return document, headline(document)
