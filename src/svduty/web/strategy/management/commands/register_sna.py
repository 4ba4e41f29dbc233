"""``manage.py register_sna DIR``: register an ``svduty sna --out DIR`` folder (or its sna-report.zip) as the
partnership's next SNA version; immutable once registered."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Register an svduty sna output folder or sna-report.zip as an SNA version (summary.json, tables, PDF)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The folder svduty sna --out wrote, or its sna-report.zip")
        parser.add_argument("--label", default="", help="For example 'SNA 2024 refresh'")
        parser.add_argument("--partnership", default="", help="Partnership name (default: the only/first one)")

    def handle(self, *args, source: Path, label: str = "", partnership: str = "", **options):
        from svduty.web.strategy.sna_versions import RegisterError, register_path

        try:
            version = register_path(source, partnership_name=partnership, label=label)
        except RegisterError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"registered {version} ({version.tables.count()} tables{', PDF' if version.pdf else ''})")
