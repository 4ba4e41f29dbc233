"""``manage.py risk_import DIR [--index-version N]``: import the output directory of ``svduty risk score`` as a
scoring run of index version N; without N, the version whose content hash is in DIR/definition.json."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Import svduty risk score output (scores.csv, components.csv, fairness.csv, model_card.md) as a run."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--index-version", type=int, dest="number", help="index version number")
        parser.add_argument("--label", default="")
        parser.add_argument("--user", default="", help="username recorded as the importer")

    def handle(self, *args, directory: Path, number=None, label="", user="", **options):
        from svduty.web.risk import imports
        from svduty.web.risk.models import IndexVersion
        from svduty.web.risk.options import RunSource

        if number is None:
            version = _version_of(directory)
        else:
            version = IndexVersion.objects.filter(number=number).first()
            if version is None:
                raise CommandError(f"no index version {number}")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"no user {user!r}")
        try:
            output = imports.read_directory(directory)
            run = imports.import_run(output, version, user=importer, source=RunSource.COMMAND, run_label=label)
        except imports.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"run {run.pk}: {run.people} people, {run.above} at or above the threshold ({version})")


def _version_of(directory: Path):
    import json

    from svduty.web.risk.models import IndexVersion

    try:
        content_hash = json.loads((directory / "definition.json").read_text(encoding="utf-8"))["content_hash"]
    except (OSError, ValueError, KeyError):
        raise CommandError(
            f"{directory}/definition.json: missing or without content_hash; give --index-version N"
        ) from None
    version = IndexVersion.objects.filter(content_hash=content_hash).first()
    if version is None:
        raise CommandError(
            f"no index version has the content hash {content_hash[:12]}: save the definition as a version first"
        )
    return version
