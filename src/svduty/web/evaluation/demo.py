"""DEMO DATA: one evaluation attached to the Walk Away One Punch campaign and its published practice note.

The result is ``fixtures/demo_its_result.json``, written once by the real command on the bundled City of London
police.uk sample (``svduty evaluate its --crime-type all --interruption 2020-04 --natural-experiment``, as
``make run`` does): an interrupted time series of the first COVID-19 lockdown. It stands in for the programme's own
evaluation so the journey can be tried; every page that shows it says DEMO DATA.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from svduty.web.programmes.models import Programme

from .models import Evaluation, PracticeNote
from .notes import prefill
from .options import NoteStatus
from .results import headline

FIXTURE = Path(__file__).with_name("fixtures") / "demo_its_result.json"
PROGRAMME_TITLE = "Walk Away One Punch campaign"  # finished: four accepted returns


def load() -> None:
    programme = Programme.objects.filter(title=PROGRAMME_TITLE).first()
    if programme is None or Evaluation.objects.filter(programme=programme, is_demo=True).exists():
        return
    officer = get_user_model().objects.get(username="officer")
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    head = headline(document)
    evaluation = Evaluation.objects.create(
        programme=programme,
        title=head.question,
        design=head.design,
        result=document,
        estimate=head.estimate,
        ci_low=head.ci_low,
        ci_high=head.ci_high,
        p_value=head.p_value,
        alpha=head.alpha,
        msms_level=head.msms_level,
        msms_reason=head.msms_reason,
        synthetic=head.synthetic,
        uploaded_by=officer,
        is_demo=True,
    )
    values = prefill(evaluation, officer)
    values["area_code"] = "E09000001"  # where the result was measured: the City of London
    values["what_was_done"] = (
        "DEMO DATA. " + values["what_was_done"] + "\n\nThe result below is the bundled City of London interrupted "
        "time series of the first COVID-19 lockdown (April 2020), standing in for this programme's own evaluation."
    )
    PracticeNote.objects.create(
        evaluation=evaluation,
        **values,
        status=NoteStatus.PUBLISHED,
        published_at=timezone.now(),
        published_by=officer,
        created_by=officer,
        is_demo=True,
    )
