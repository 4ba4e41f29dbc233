"""Notification events and message statuses.

Each event key names a pair of e-mail templates, ``notifications/email/<event>_subject.txt`` and
``notifications/email/<event>.txt`` (and, optionally, ``<event>.html``), rendered with the context listed in
``EVENT_CONTEXT``. Every template also gets ``recipient`` (the User, or None for a bare address), ``recipient_email``,
``site_url`` (SVDUTY_SITE_URL or the request's host), ``link`` (absolute, if the caller or ``obj`` gave one),
``service_name`` and ``obj``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    EOI_SUBMITTED = "eoi_submitted", _("Expression of interest submitted")
    MORE_INFO_REQUESTED = "more_info_requested", _("More information requested")
    MORE_INFO_ANSWERED = "more_info_answered", _("More information answered")
    ASSESSOR_ASSIGNED = "assessor_assigned", _("Assessor assigned")
    REVIEW_DUE = "review_due", _("Review due")
    DECISION_AWAITING_CE = "decision_awaiting_ce", _("Decision awaiting Chief Executive approval")
    DECISION_AWAITING_PCC = "decision_awaiting_pcc", _("Decision awaiting the PCC")
    AWARD_LETTER = "award_letter", _("Award letter")
    DECLINE_LETTER = "decline_letter", _("Decline letter")
    PASSWORD_RESET = "password_reset", _("Password reset")
    COLLEAGUE_INVITED = "colleague_invited", _("Invitation to join")
    MODERATION_REOPENED = "moderation_reopened", _("Moderation re-opened")


# What each event's templates expect in ``context`` (besides the common keys in the module docstring). The
# commissioning events are sent by the commissioning app; they may add keys, but these are what the default
# templates use.
EVENT_CONTEXT: dict[str, tuple[str, ...]] = {
    Event.EOI_SUBMITTED: ("application", "reference", "round"),
    Event.MORE_INFO_REQUESTED: ("application", "reference", "message", "respond_by"),
    Event.MORE_INFO_ANSWERED: ("application", "reference", "message"),
    Event.ASSESSOR_ASSIGNED: ("application", "round", "due_on"),
    Event.REVIEW_DUE: ("application", "round", "due_on", "overdue"),
    Event.DECISION_AWAITING_CE: ("decision", "reference", "title"),
    Event.DECISION_AWAITING_PCC: ("decision", "reference", "title"),
    Event.AWARD_LETTER: ("application", "reference", "amount", "years", "decision_reference"),
    Event.DECLINE_LETTER: ("application", "reference", "reason"),
    Event.PASSWORD_RESET: ("user", "reset_url", "username"),
    Event.COLLEAGUE_INVITED: ("invitation", "accept_url", "invited_by", "role_label", "organisation", "expires_at"),
    Event.MODERATION_REOPENED: ("application", "reference", "reason"),
}

# Context keys holding a secret (a sign-in or invitation link): sent, but never stored in the message log or in an
# in-app notification, so nobody reading the log can use someone else's link.
SENSITIVE_CONTEXT: dict[str, tuple[str, ...]] = {
    Event.PASSWORD_RESET: ("reset_url", "link"),
    Event.COLLEAGUE_INVITED: ("accept_url", "link"),
}


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NO_ADDRESS = "no_address", _("No e-mail address (in-app only)")
