"""``manage.py boardpack --quarter 2024-25-Q3 --out pack.pdf``: assemble, store and write the quarter's board pack."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Assemble the Serious Violence Board pack for a financial-year quarter (e.g. 2024-25-Q3) as one PDF."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="Financial-year quarter, e.g. 2024-25-Q3 (Q1 = Apr–Jun)")
        parser.add_argument("--out", required=True, help="Where to write the PDF")

    def handle(self, *args, quarter, out, **options):
        from svduty.web.board.quarters import QuarterError, parse_quarter
        from svduty.web.board.render import store_pack
        from svduty.web.partnership.models import Partnership

        try:
            parsed = parse_quarter(quarter)
        except QuarterError as error:
            raise CommandError(f"--quarter: {error}") from None
        partnership = Partnership.objects.order_by("id").first()
        if partnership is None:
            raise CommandError("no partnership in the database: run `svduty demo` or set one up first")
        target = Path(out)
        if not target.parent.exists():
            raise CommandError(f"--out: the folder {target.parent} does not exist")
        pack = store_pack(partnership, parsed, timezone.localdate())
        target.write_bytes(bytes(pack.pdf))
        label = " (DEMO DATA)" if pack.synthetic else ""
        self.stdout.write(
            f"board pack {parsed.code}{label}: {target} ({len(pack.pdf):,} bytes, sha256 {pack.sha256[:12]})"
        )
