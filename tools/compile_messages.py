"""Compile the web app's gettext catalogues (.po → .mo) with polib, so no GNU gettext is needed.

The compiled .mo files are committed beside their .po, so a fresh machine runs the app in Welsh with nothing but the
Makefile; tests/web/test_i18n.py fails when a .po was edited and this was not run. Usage:
``.venv/bin/python tools/compile_messages.py`` (after ``manage.py makemessages -l cy``, which needs xgettext).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "svduty" / "web" / "locale"


def compile_all(locale: Path = LOCALE) -> list[Path]:
    written = []
    for po_path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path}")
    sys.exit(0)
