"""The partnership's local definition of serious violence, stored once in the workspace and versioned.

A definition is a list of *include* rules and optional *exclude* rules. A rule matches an incident when every
condition it names holds; an incident is serious violence when some include rule matches and no exclude rule does:

    name = "County Durham and Darlington local definition"
    [[include]]
    classified = true                      # what ingest classified as SV (police.uk proxy / mapping-file category)
    [[include]]
    crime_types = ["Public order"]         # police.uk crime type or the RMS mapping's offence group
    knife = true                           # ... and only where the record carries a knife/sharp-object marker
    [[include]]
    offence_codes = ["8N", "105A*"]        # Home Office codes; a trailing * is a prefix
    [[exclude]]
    sv_categories = ["Robbery"]

police.uk rows carry crime types only (no codes, no markers), so code and marker conditions select record-level
rows (RMS extracts) and police.uk rows only where ``svduty synth`` filled a marker in; the SNA labels volumes that
rest on such synthetic markers. The default definition, ``classified = true``, is
exactly what ``svduty sna`` counted before definitions existed. Setting a definition adds a version; old versions
stay in ``sv_definitions`` (append-only), the newest is current.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from svduty.data import IngestError

RULE_KEYS = {
    "classified": bool,
    "crime_types": list,
    "offence_codes": list,
    "sv_categories": list,
    "knife": bool,
    "domestic": bool,
    "alcohol": bool,
}
FLAG_COLUMNS = {"knife": "knife_flag", "domestic": "domestic_flag", "alcohol": "alcohol_flag"}


class DefinitionError(IngestError):
    """A definition file or document is malformed; the message names the file, the rule and the key."""


@dataclass(frozen=True)
class Rule:
    classified: bool = False
    crime_types: tuple[str, ...] = ()
    offence_codes: tuple[str, ...] = ()
    sv_categories: tuple[str, ...] = ()
    knife: bool | None = None
    domestic: bool | None = None
    alcohol: bool | None = None

    def sql(self, alias: str = "i") -> str:
        parts = []
        if self.classified:
            parts.append(f"{alias}.sv_category IS NOT NULL")
        if self.crime_types:
            parts.append(f"{alias}.offence_group IN ({_list(self.crime_types)})")
        if self.sv_categories:
            parts.append(f"{alias}.sv_category IN ({_list(self.sv_categories)})")
        if self.offence_codes:
            exact = [c for c in self.offence_codes if not c.endswith("*")]
            prefixes = [c[:-1] for c in self.offence_codes if c.endswith("*")]
            ors = [f"{alias}.offence_code IN ({_list(exact)})"] if exact else []
            ors += [f"{alias}.offence_code LIKE '{_q(p)}%'" for p in prefixes]
            parts.append("(" + " OR ".join(ors) + ")")
        for key, column in FLAG_COLUMNS.items():
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{alias}.{column} IS {'TRUE' if value else 'FALSE'}")
        return "(" + " AND ".join(parts) + ")" if parts else "FALSE"

    def describe(self) -> str:
        parts = []
        if self.classified:
            parts.append("classified as serious violence at ingest (police.uk proxy types; RMS mapping categories)")
        if self.crime_types:
            parts.append("crime type " + " or ".join(self.crime_types))
        if self.sv_categories:
            parts.append("category " + " or ".join(self.sv_categories))
        if self.offence_codes:
            parts.append("Home Office offence code " + ", ".join(self.offence_codes))
        labels = {"knife": "knife/sharp-object-enabled", "domestic": "domestic", "alcohol": "alcohol-related"}
        for key, label in labels.items():
            value = getattr(self, key)
            if value is not None:
                parts.append(label if value else f"not {label}")
        return ", ".join(parts) if parts else "nothing"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.classified:
            out["classified"] = True
        for key in ("crime_types", "offence_codes", "sv_categories"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        for key in FLAG_COLUMNS:
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @property
    def needs_records(self) -> bool:
        """True when the rule selects on codes or markers, which police.uk rows do not have."""
        return bool(self.offence_codes) or any(getattr(self, k) is not None for k in FLAG_COLUMNS)


@dataclass(frozen=True)
class SvDefinition:
    name: str
    include: tuple[Rule, ...]
    exclude: tuple[Rule, ...] = ()
    version: int = 0  # 0: the built-in default, never stored
    source: str = ""
    set_at: datetime | None = None
    set_by: str = ""
    reference: str = ""

    def predicate(self, alias: str = "i") -> str:
        """SQL: is incident ``alias`` serious violence under this definition?"""
        inc = " OR ".join(r.sql(alias) for r in self.include) or "FALSE"
        if not self.exclude:
            return f"({inc})"
        exc = " OR ".join(r.sql(alias) for r in self.exclude)
        return f"(({inc}) AND NOT coalesce({exc}, FALSE))"

    def category_sql(self, alias: str = "i") -> str:
        """SQL for the ``sv_category`` the SNA uses: the ingest category, or the crime type for a row this
        definition adds; NULL for a row it leaves out."""
        if self.is_default:
            return f"{alias}.sv_category"
        return f"CASE WHEN {self.predicate(alias)} THEN coalesce({alias}.sv_category, {alias}.offence_group) END"

    @property
    def is_default(self) -> bool:
        return self.include == DEFAULT_RULES and not self.exclude

    @property
    def needs_records(self) -> bool:
        return any(r.needs_records for r in (*self.include, *self.exclude))

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "include": [r.as_dict() for r in self.include]}
        if self.exclude:
            doc["exclude"] = [r.as_dict() for r in self.exclude]
        return doc

    def describe(self) -> list[str]:
        lines = [f"includes: {r.describe()}" for r in self.include]
        lines += [f"excludes: {r.describe()}" for r in self.exclude]
        return lines

    def summary(self) -> dict[str, Any]:
        """What summary.json records about the definition used."""
        return {
            "name": self.name,
            "version": self.version,
            "default": self.is_default,
            "reference": self.reference or None,
            "rules": self.document(),
            "describe": self.describe(),
        }

    def to_toml(self) -> str:
        lines = [f"name = {json.dumps(self.name)}"]
        for section, rules in (("include", self.include), ("exclude", self.exclude)):
            for rule in rules:
                lines += ["", f"[[{section}]]"]
                for key, value in rule.as_dict().items():
                    lines.append(f"{key} = {json.dumps(value).replace('true', 'true')}")
        return "\n".join(lines) + "\n"


DEFAULT_RULES = (Rule(classified=True),)
DEFAULT = SvDefinition("Default: police.uk proxy and ingest classification", DEFAULT_RULES)


def _q(value: str) -> str:
    return value.replace("'", "''")


def _list(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{_q(v)}'" for v in values)


def parse_document(doc: Any, where: str = "definition") -> SvDefinition:
    """Validate a definition document (TOML or JSON parsed); errors name ``where``, the rule and the key."""
    if not isinstance(doc, dict):
        raise DefinitionError(f"{where}: a definition is a table with 'name' and [[include]] rules")
    unknown = set(doc) - {"name", "include", "exclude", "reference"}
    if unknown:
        raise DefinitionError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (expected name, include, exclude)")
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(f"{where}: 'name' is missing or empty")
    include = _rules(doc.get("include"), "include", where)
    if not include:
        raise DefinitionError(f"{where}: at least one [[include]] rule is needed")
    exclude = _rules(doc.get("exclude", []), "exclude", where)
    reference = doc.get("reference", "")
    if not isinstance(reference, str):
        raise DefinitionError(f"{where}: 'reference' must be text")
    return SvDefinition(name.strip(), include, exclude, reference=reference)


def _rules(raw: Any, section: str, where: str) -> tuple[Rule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise DefinitionError(f"{where}: '{section}' must be a list of rules ([[{section}]] tables)")
    out = []
    for n, item in enumerate(raw, start=1):
        at = f"{where}: {section} rule {n}"
        if not isinstance(item, dict):
            raise DefinitionError(f"{at}: a rule is a table of conditions")
        kwargs: dict[str, Any] = {}
        for key, value in item.items():
            kind = RULE_KEYS.get(key)
            if kind is None:
                raise DefinitionError(f"{at}: unknown key '{key}' (expected {', '.join(RULE_KEYS)})")
            if kind is bool and not isinstance(value, bool):
                raise DefinitionError(f"{at}: '{key}' must be true or false, not {value!r}")
            if kind is list:
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    raise DefinitionError(f"{at}: '{key}' must be a list of non-empty strings")
                value = tuple(v.strip() for v in value)
            kwargs[key] = value
        if key_count(kwargs) == 0:
            raise DefinitionError(f"{at}: the rule has no condition")
        if kwargs.get("classified") is False:
            kwargs.pop("classified")
            if key_count(kwargs) == 0:
                raise DefinitionError(f"{at}: 'classified = false' alone selects nothing")
        out.append(Rule(**kwargs))
    return tuple(out)


def key_count(kwargs: dict[str, Any]) -> int:
    return sum(1 for v in kwargs.values() if v not in ((), None))


def load_file(path: Path) -> SvDefinition:
    """Read a TOML (or JSON) definition file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise DefinitionError(f"{path}: not UTF-8 text") from exc
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DefinitionError(
            f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}"
        ) from None
    return parse_document(doc, str(path))


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sv_definitions'").fetchone()
    return bool(row and row[0])


def history(con: duckdb.DuckDBPyConnection) -> list[SvDefinition]:
    """Every stored version, oldest first (empty for a workspace that never set one)."""
    if not _has_table(con):
        return []
    rows = con.execute(
        "SELECT version, document, source, set_at, set_by FROM sv_definitions ORDER BY version"
    ).fetchall()
    out = []
    for version, document, source, set_at, set_by in rows:
        d = parse_document(json.loads(document), f"sv_definitions version {version}")
        out.append(SvDefinition(d.name, d.include, d.exclude, version, source or "", set_at, set_by or "", d.reference))
    return out


def current(con: duckdb.DuckDBPyConnection) -> SvDefinition:
    """The workspace's current definition: its newest version, or the built-in default."""
    versions = history(con)
    return versions[-1] if versions else DEFAULT


def set_definition(
    con: duckdb.DuckDBPyConnection, definition: SvDefinition, *, source: str, set_by: str
) -> tuple[SvDefinition, bool]:
    """Store ``definition`` as a new version unless it equals the current one; returns (current, added)."""
    now = current(con)
    if now.version and now.document() == definition.document() and now.reference == definition.reference:
        return now, False
    version = (now.version or 0) + 1
    doc = definition.document()
    if definition.reference:
        doc["reference"] = definition.reference
    stamp = datetime.now().replace(microsecond=0)
    con.execute(
        "INSERT INTO sv_definitions VALUES (?, ?, ?, ?, ?, ?)",
        [version, definition.name, json.dumps(doc, sort_keys=True), source, stamp, set_by],
    )
    return current(con), True
