"""``manage.py api_token create USER --name NAME`` prints a new token once; ``revoke ID``; ``list``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from svduty.web.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens for partner systems."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", required=True)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("token_id", type=int)
        sub.add_parser("list")

    def handle(self, *args, action, **options):
        if action == "create":
            try:
                user = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"no user named {options['username']!r}") from error
            record, token = ApiToken.issue(user, options["name"])
            self.stdout.write(f"token {record.pk} for {user}: {token}\n(shown once; store it in the partner system)")
        elif action == "revoke":
            updated = ApiToken.objects.filter(pk=options["token_id"], revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if not updated:
                raise CommandError(f"no active token {options['token_id']}")
            self.stdout.write(f"token {options['token_id']} revoked")
        else:
            for record in ApiToken.objects.select_related("user"):
                state = "revoked" if record.revoked_at else "active"
                self.stdout.write(
                    f"{record.pk}\t{record.user}\t{record.name}\t{state}\tlast used {record.last_used_at}"
                )
