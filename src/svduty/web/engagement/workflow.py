"""The consultation's workflow, declared as data with the shared ``svduty.web.workflows`` classes: draft → open
(questions set) → closed → published (the "we asked, you said, we did" summary written). Views call ``perform``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from svduty.web.workflows import Transition, Workflow, perform

from . import permissions as perms
from .options import ConsultationStatus as S

CONSULTATION_WORKFLOW = Workflow(
    name="Consultation",
    state_field="status",
    transitions=(
        Transition(
            "open", _("Open the consultation"), (S.DRAFT,), S.OPEN, perms.can_open, _("officer, once it has questions")
        ),
        Transition("close", _("Close the consultation"), (S.OPEN,), S.CLOSED, perms.can_close, _("officer")),
        Transition(
            "publish",
            _("Publish the summary"),
            (S.CLOSED,),
            S.PUBLISHED,
            perms.can_publish,
            _("officer, once we asked, you said and we did are written"),
        ),
    ),
)


def take(name: str, consultation, user):
    changes = {"published_at": timezone.now()} if name == "publish" else {}
    return perform(CONSULTATION_WORKFLOW, name, consultation, user, **changes)
