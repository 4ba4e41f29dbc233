"""``manage.py referrals_follow_up``: record due 3/6/12-month re-offending follow-ups from the workspace (cron)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from svduty.data import WorkspaceError


class Command(BaseCommand):
    help = "Look up every due follow-up's pseudonym in the workspace's RMS involvements and record the result."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", type=Path, default=None, help="Workspace folder (default the app's)")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
        parser.add_argument("--recheck", action="store_true", help="Look again at follow-ups already recorded")

    def handle(self, *args, workspace=None, today=None, recheck=False, **options):
        from svduty.web.referrals.followup import run

        try:
            result = run(workspace or Path(settings.WORKSPACE), today, recheck=recheck)
        except WorkspaceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.checked} follow-up(s) recorded, {result.reoffended} recorded as a suspect again; "
            f"{result.waiting} not due yet"
        )
