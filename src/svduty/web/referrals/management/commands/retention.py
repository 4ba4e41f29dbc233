"""``manage.py retention``: list closed cases past their retention period (dry run); ``--apply`` erases identities."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Erase personal details of closed cases past their pathway's retention period (lists them first)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Erase (without it: dry run, list only)")

    def handle(self, *args, apply=False, **options):
        from svduty.web.referrals import retention

        due = retention.due_for_erasure()
        for item in due:
            self.stdout.write(
                f"case {item.case.pk}\t{item.case.pathway.slug}\tclosed {item.closed_at:%Y-%m-%d}\t"
                f"erase after {item.erase_after:%Y-%m-%d}"
            )
        consultations = self._engagement_due()
        if not apply:
            self.stdout.write(f"dry run: {len(due)} case(s) would have their personal details erased (--apply)")
            self.stdout.write(
                f"dry run: {len(consultations)} consultation(s) would have their free-text answers erased (--apply)"
            )
            return
        done = retention.erase(due)
        self.stdout.write(f"erased the personal details of {done} case(s)")
        self._erase_engagement(consultations)

    def _erase_engagement(self, consultations) -> None:
        from svduty.web.engagement import retention as engagement_retention

        answers = engagement_retention.erase(consultations)
        self.stdout.write(f"erased {answers} free-text answer(s) of {len(consultations)} consultation(s)")

    def _engagement_due(self):
        """Consultations whose free-text answers are past their retention (svduty.web.engagement.retention)."""
        from svduty.web.engagement import retention as engagement_retention

        due = engagement_retention.due_for_erasure()
        for item in due:
            self.stdout.write(
                f"consultation {item.consultation.pk}\t{item.answers} free-text answer(s)\t"
                f"closed {item.consultation.closes_on:%Y-%m-%d}\terase after {item.erase_after:%Y-%m-%d}"
            )
        return due
