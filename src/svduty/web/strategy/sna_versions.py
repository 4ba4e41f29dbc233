"""Register an ``svduty sna`` output (folder or its ``sna-report.zip``) as an immutable SNA version, and compare two.

The web app never opens the workspace: it keeps what the SNA wrote — ``summary.json`` whole, ``tables/*.csv`` as
text and ``sna.pdf`` — so a strategy can cite the exact figures it was built on, long after the workspace moved on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .models import SnaTable, SnaVersion
from .options import MAX_PDF_BYTES, MAX_SUMMARY_BYTES, MAX_TABLE_BYTES

REQUIRED_KEYS = ("period", "serious_violence", "priorities", "success_measures")
MAX_ZIP_MEMBERS = 400


class RegisterError(ValueError):
    """The folder or zip is not an ``svduty sna`` output; the message names the file and what is wrong."""


@dataclass
class SnaFiles:
    summary: dict[str, Any]
    summary_bytes: bytes
    tables: dict[str, str]
    pdf: bytes | None
    source: str


def _parse_summary(raw: bytes, where: str) -> dict[str, Any]:
    if len(raw) > MAX_SUMMARY_BYTES:
        raise RegisterError(_("%(where)s: summary.json is larger than 5 MB") % {"where": where})
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegisterError(
            _("%(where)s: summary.json is not valid JSON (%(error)s)") % {"where": where, "error": exc}
        ) from None
    if not isinstance(doc, dict):
        raise RegisterError(_("%(where)s: summary.json is not an object") % {"where": where})
    missing = [k for k in REQUIRED_KEYS if k not in doc]
    if missing:
        raise RegisterError(
            _("%(where)s: summary.json lacks %(keys)s: is it an svduty sna output?")
            % {"where": where, "keys": ", ".join(missing)}
        )
    period = doc.get("period")
    if not isinstance(period, dict) or not isinstance(period.get("from"), str) or not isinstance(period.get("to"), str):
        raise RegisterError(_("%(where)s: summary.json 'period' needs 'from' and 'to' months") % {"where": where})
    return doc


def _table_text(name: str, raw: bytes, where: str) -> str:
    if len(raw) > MAX_TABLE_BYTES:
        raise RegisterError(_("%(where)s: %(name)s is larger than 20 MB") % {"where": where, "name": name})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterError(_("%(where)s: %(name)s is not UTF-8 text") % {"where": where, "name": name}) from None


def read_folder(path: Path) -> SnaFiles:
    summary_path = path / "summary.json"
    if not summary_path.is_file():
        raise RegisterError(_("%(path)s: no summary.json (give the folder svduty sna --out wrote)") % {"path": path})
    raw = summary_path.read_bytes()
    tables = {}
    for csv_path in sorted((path / "tables").glob("*.csv")):
        tables[csv_path.stem] = _table_text(csv_path.name, csv_path.read_bytes(), str(path))
    pdf_path = path / "sna.pdf"
    pdf = pdf_path.read_bytes() if pdf_path.is_file() else None
    if pdf is not None and len(pdf) > MAX_PDF_BYTES:
        raise RegisterError(_("%(path)s: sna.pdf is larger than 50 MB") % {"path": path})
    return SnaFiles(_parse_summary(raw, str(summary_path)), raw, tables, pdf, str(path))


def read_zip(data: bytes, name: str) -> SnaFiles:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RegisterError(
            _("%(name)s: not a zip file (upload the sna-report.zip svduty sna wrote)") % {"name": name}
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise RegisterError(_("%(name)s: too many files in the zip") % {"name": name})
        members = {i.filename: i for i in infos if not i.is_dir()}
        if "summary.json" not in members:
            raise RegisterError(_("%(name)s: no summary.json at the top of the zip") % {"name": name})

        def read(member: str, limit: int) -> bytes:
            info = members[member]
            if info.file_size > limit:
                raise RegisterError(_("%(name)s: %(member)s is too large") % {"name": name, "member": member})
            return zf.read(info)

        raw = read("summary.json", MAX_SUMMARY_BYTES)
        tables = {}
        for member in sorted(members):
            if member.startswith("tables/") and member.endswith(".csv") and member.count("/") == 1:
                tables[member[7:-4]] = _table_text(member, read(member, MAX_TABLE_BYTES), name)
        pdf = read("sna.pdf", MAX_PDF_BYTES) if "sna.pdf" in members else None
    return SnaFiles(_parse_summary(raw, f"{name}: summary.json"), raw, tables, pdf, name)


def _rows(text: str) -> int:
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def register(files: SnaFiles, partnership, user=None, *, label: str = "", is_demo: bool = False) -> SnaVersion:
    """Store ``files`` as the partnership's next SNA version (all or nothing)."""
    s = files.summary
    sha = hashlib.sha256(files.summary_bytes).hexdigest()
    period = s["period"]
    scope = s.get("scope") or {}
    default_label = f"{scope.get('force') or scope.get('area') or partnership.area}, {period['from']} to {period['to']}"
    sv = s.get("serious_violence")
    with transaction.atomic():
        number = (SnaVersion.objects.filter(partnership=partnership).aggregate(n=Max("number"))["n"] or 0) + 1
        version = SnaVersion(
            partnership=partnership,
            number=number,
            label=(label or default_label)[:200],
            summary=s,
            summary_sha256=sha,
            period_from=period["from"][:7],
            period_to=period["to"][:7],
            serious_violence=sv if isinstance(sv, int) and sv >= 0 else None,
            definition=s.get("definition"),
            synthetic=bool(s.get("synthetic_sections")),
            source=files.source[:500],
            registered_by=user,
            is_demo=is_demo,
        )
        if files.pdf is not None:
            version.pdf.save(f"sna-v{number}.pdf", ContentFile(files.pdf), save=False)
        version.save()
        SnaTable.objects.bulk_create(
            SnaTable(version=version, name=name, csv=text, rows=_rows(text)) for name, text in files.tables.items()
        )
    return version


def register_path(source: Path, *, partnership_name: str = "", label: str = "", user=None) -> SnaVersion:
    """Register a folder or zip from the command line (``manage.py register_sna``, ``svduty sna --register``)."""
    from svduty.web.partnership.models import Partnership

    partnerships = Partnership.objects.order_by("id")
    partnership = partnerships.filter(name=partnership_name).first() if partnership_name else partnerships.first()
    if partnership is None:
        raise RegisterError(
            _("no partnership named %(name)s") % {"name": partnership_name}
            if partnership_name
            else _("the web app has no partnership yet (svduty demo, or create one in the admin)")
        )
    if source.is_dir():
        files = read_folder(source)
    elif source.is_file():
        files = read_zip(source.read_bytes(), str(source))
    else:
        raise RegisterError(_("%(path)s: no such folder or file") % {"path": source})
    return register(files, partnership, user, label=label)


# -- comparing two versions ----------------------------------------------------------------------------------------
@dataclass
class Change:
    name: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def pct(self) -> float | None:
        d = self.difference
        return None if d is None or not self.before else d / self.before * 100


@dataclass
class RankMove:
    name: str
    before: int | None
    after: int | None

    @property
    def moved_up(self) -> int | None:
        """Places climbed (positive = now ranked higher, i.e. a smaller rank number)."""
        return None if self.before is None or self.after is None else self.before - self.after


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compare(old: SnaVersion, new: SnaVersion) -> dict[str, Any]:
    """What rose, what fell and what moved in the derived-priority ranking between two registered versions."""
    a, b = old.summary, new.summary
    figures = [
        Change(_("Serious violence"), _num(a.get("serious_violence")), _num(b.get("serious_violence"))),
        Change(_("All recorded crime"), _num(a.get("all_crime")), _num(b.get("all_crime"))),
        Change(_("Estimated cost of serious violence (£)"), _num(a.get("cost_gbp")), _num(b.get("cost_gbp"))),
    ]
    types = list(dict.fromkeys([*(a.get("by_crime_type") or {}), *(b.get("by_crime_type") or {})]))
    for t in types:
        figures.append(
            Change(t, _num((a.get("by_crime_type") or {}).get(t)), _num((b.get("by_crime_type") or {}).get(t)))
        )
    for key in dict.fromkeys([*(a.get("success_measures") or {}), *(b.get("success_measures") or {})]):
        ma, mb = (a.get("success_measures") or {}).get(key) or {}, (b.get("success_measures") or {}).get(key) or {}
        figures.append(
            Change(
                mb.get("name") or ma.get("name") or key,
                _num((ma.get("latest") or {}).get("count")),
                _num((mb.get("latest") or {}).get("count")),
            )
        )
    ranks_a = {p["name"]: int(p["rank"]) for p in a.get("priorities") or []}
    ranks_b = {p["name"]: int(p["rank"]) for p in b.get("priorities") or []}
    moves = [RankMove(n, ranks_a.get(n), ranks_b.get(n)) for n in dict.fromkeys([*ranks_b, *ranks_a])]
    moves.sort(key=lambda m: (m.after is None, m.after or 0, m.before or 0))
    rose = [c for c in figures if (c.difference or 0) > 0]
    fell = [c for c in figures if (c.difference or 0) < 0]
    return {
        "figures": figures,
        "rose": rose,
        "fell": fell,
        "moves": moves,
        "moved_up": [m for m in moves if (m.moved_up or 0) > 0],
        "moved_down": [m for m in moves if (m.moved_up or 0) < 0],
        "new": [m for m in moves if m.before is None],
        "dropped": [m for m in moves if m.after is None],
        "definition_changed": (a.get("definition") or {}).get("rules") != (b.get("definition") or {}).get("rules"),
    }
