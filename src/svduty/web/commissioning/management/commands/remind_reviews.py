"""``python -m svduty.web.manage remind_reviews``: e-mail assessors about reviews due soon or overdue (run daily
from cron)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from svduty.web.commissioning.reminders import send_review_reminders


class Command(BaseCommand):
    help = "Email panel assessors about reviews due soon or overdue, and record each reminder."

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=3, help="remind this many days before the deadline")
        parser.add_argument("--repeat-days", type=int, default=3, help="repeat overdue reminders this often")
        parser.add_argument("--today", help="run as if today were YYYY-MM-DD (for catching up)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send and record nothing")

    def handle(self, *args, days_before=3, repeat_days=3, today=None, dry_run=False, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today: write the date as YYYY-MM-DD (got {today!r})") from None
        if days_before < 0 or repeat_days < 1:
            raise CommandError("--days-before must be 0 or more and --repeat-days 1 or more")
        outcome = send_review_reminders(day, days_before=days_before, repeat_days=repeat_days, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for kind, reference, username in outcome.sent:
            self.stdout.write(f"{verb} review {kind}: {reference} -> {username}")
        for username in outcome.skipped_no_address:
            self.stderr.write(f"no email address for assessor {username}: not reminded")
        self.stdout.write(
            f"{len(outcome.sent)} review reminder(s) {verb}, {len(outcome.skipped_no_address)} without an address"
        )
