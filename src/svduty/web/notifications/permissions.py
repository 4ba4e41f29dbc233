"""Who sees which notifications and the message log."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import role_of


def can_view_notifications(user) -> bool:
    """Every signed-in user has their own notifications page."""
    return user is not None and user.is_authenticated


def can_view_message_log(user) -> bool:
    """The log holds every recipient's address and message: the staff who run the service only."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER)


def can_read_notification(user, notification) -> bool:
    return can_view_notifications(user) and notification.user_id == user.pk
