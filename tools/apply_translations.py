"""Fill untranslated entries of the Welsh catalogue from a JSON file {msgid: msgstr} (plural entries: a list of the
four Welsh forms), each with the 'draft' translator comment (docs/web.md 'English and Welsh')."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "src/svduty/web/locale/cy/LC_MESSAGES/django.po"
DRAFT = "draft: Welsh not yet reviewed by a Welsh speaker"


def apply(path: Path) -> int:
    table = json.loads(path.read_text(encoding="utf-8"))
    catalogue = polib.pofile(str(PO))
    done = 0
    for entry in catalogue:
        if entry.obsolete or entry.translated() or entry.msgid not in table:
            continue
        welsh = table[entry.msgid]
        if not welsh:
            continue
        if entry.msgid_plural:
            forms = welsh if isinstance(welsh, list) else [welsh] * 4
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = welsh
        entry.tcomment = DRAFT
        done += 1
    catalogue.save(str(PO))
    return done


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, apply(Path(name)))
