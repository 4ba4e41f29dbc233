"""``manage.py load_pathways [FILE…]``: load the shipped pathway definitions, or a partnership's own files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from svduty.data import IngestError


class Command(BaseCommand):
    help = "Load pathway definition files (YAML/TOML/JSON) into the database; no file: the two shipped ones."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args, files=(), **options):
        from svduty.web.referrals.loading import load_file, load_shipped

        try:
            rows = [load_file(f) for f in files] if files else load_shipped()
        except IngestError as exc:
            raise CommandError(str(exc)) from exc
        for row in rows:
            self.stdout.write(f"loaded {row.slug}: {row.name}")
