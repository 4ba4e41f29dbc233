"""``python -m svduty.web.manage load_evidence [--update]``: add the shipped YEF / College of Policing records."""

from django.core.management.base import BaseCommand

from svduty.web.interventions.library import load_library


class Command(BaseCommand):
    help = "Load the shipped evidence library records (new approaches only, unless --update)."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="overwrite existing records with shipped figures")

    def handle(self, *args, update=False, **options):
        created, updated = load_library(update=update)
        self.stdout.write(f"Evidence library: {created} approaches added, {updated} updated")
