"""360Giving export validated against the standard's own JSON schema (reference copy in ../shared/data/ref)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .conftest import client_for

pytestmark = pytest.mark.django_db

# ../shared beside the repository (never an absolute path of one machine).
SCHEMA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ref" / "360giving"


def _validator():
    folder = SCHEMA_DIR
    if not (folder / "360-giving-package-schema.json").exists():
        pytest.skip("missing: ../shared/data/ref/360giving (the 360Giving reference schema)")
    package = json.loads((folder / "360-giving-package-schema.json").read_text())
    grant = json.loads((folder / "360-giving-schema.json").read_text())
    # The files say $schema http://json-schema.org/draft/2020-12/schema (http, not https): name the draft explicitly.
    resource = Resource(contents=grant, specification=DRAFT202012)
    # The package schema points at the 1.4.2 grant schema URL; the local copy is 1.4.3 (same structure).
    ref = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(ref, resource), (grant["$id"], resource)])
    # 360Giving writes dates as oneOf [format date-time, pattern YYYY-MM-DD], so a plain date is valid only if the
    # date-time format is really checked. jsonschema checks it only with the optional rfc3339-validator package,
    # so register an RFC 3339 date-time check (section 5.6) here.
    checker = jsonschema.FormatChecker()
    checker.checks("date-time", raises=ValueError)(_rfc3339_date_time)
    return jsonschema.Draft202012Validator(package, registry=registry, format_checker=checker)


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


def test_json_export_is_valid_and_complete(world):
    response = client_for("public").get(reverse("public:360giving_json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    grants = data["grants"]
    # DN50-24 is published: its 8 awards, £467,000 in total.
    assert len(grants) == 8
    assert sum(g["amountAwarded"] for g in grants) == 467_000
    by_title = {g["title"]: g for g in grants}
    bystander = by_title["Bystander training in schools"]
    assert bystander["amountAwarded"] == 90_000 and bystander["currency"] == "GBP"
    assert bystander["recipientOrganization"][0]["id"] == "GB-CHC-1999001"
    assert bystander["plannedDates"] == [{"startDate": "2024-04-01", "endDate": "2025-03-31"}]
    assert bystander["awardDate"] == "2024-07-04"
    vr = next(g for g in grants if g["title"].startswith("VR-headset"))
    assert vr["amountAwarded"] == 30_000 and vr["recipientOrganization"][0]["id"] == "GB-COH-99999001"
    assert all(g["description"].startswith("DEMO DATA") for g in grants)
    assert len({g["id"] for g in grants}) == 8


def test_a_broken_grant_fails_the_schema(world):
    """The validator really checks: drop a required field and it complains."""
    data = json.loads(client_for("public").get(reverse("public:360giving_json")).content)
    del data["grants"][0]["awardDate"]
    data["grants"][1]["amountAwarded"] = "90,000"
    messages = [e.message for e in _validator().iter_errors(data)]
    assert messages, "expected schema errors"


def test_csv_export_matches_json(world):
    public = client_for("public")
    grants = json.loads(public.get(reverse("public:360giving_json")).content)["grants"]
    response = public.get(reverse("public:360giving_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["Identifier"] for r in rows] == [g["id"] for g in grants]
    assert sum(float(r["Amount Awarded"]) for r in rows) == 467_000
    assert {"Recipient Org:Identifier", "Funding Org:Identifier", "Award Date", "Currency"} <= set(rows[0])


def test_unpublished_and_deferred_awards_are_not_exported(world):
    """An award whose decision is only drafted does not appear."""
    from django.contrib.auth import get_user_model

    from svduty.web.commissioning.awards import make_award

    app = world.submitted_scored
    make_award(app, {app.round.year_list[0]: 1_000_000}, "", get_user_model().objects.get(username="officer"))
    grants = json.loads(client_for("public").get(reverse("public:360giving_json")).content)["grants"]
    assert len(grants) == 8


def test_public_grants_page_lists_by_round(world):
    page = client_for("public").get(reverse("public:grants")).content.decode()
    assert "Serious Violence Duty grants 2024-25" in page
    assert "£467,000" in page and "8 grants" in page
