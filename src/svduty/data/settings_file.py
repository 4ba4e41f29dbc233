"""Reading a settings file (a mapping for ``ingest rms``, a profile for ``synth``) as TOML, YAML or JSON."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from svduty.data import IngestError

FORMATS = ".toml, .yaml, .yml or .json"


def read_settings_file(path: Path, what: str, *, allow_empty: bool = False) -> dict[str, Any]:
    """The file's top-level table, chosen by extension; every problem is one ``IngestError`` naming the file.

    ``what`` names the file in messages ("mapping file", "profile"). An empty file gives ``{}`` when allowed.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{what} is not UTF-8 text", file=str(path)) from exc
    except OSError as exc:
        raise IngestError(f"cannot read {what} ({exc.strerror})", file=str(path)) from exc
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        parse, errors = tomllib.loads, (tomllib.TOMLDecodeError,)
    elif suffix == ".json":
        parse, errors = json.loads, (json.JSONDecodeError,)
    elif suffix in (".yaml", ".yml"):
        import yaml

        parse, errors = yaml.safe_load, (yaml.YAMLError,)
    else:
        raise IngestError(f"{what} must be {FORMATS}", file=str(path))
    try:
        data = parse(text)
    except errors as exc:
        kind = "YAML" if suffix in (".yaml", ".yml") else suffix[1:].upper()
        raise IngestError(f"{what} is not valid {kind} ({str(exc).splitlines()[0]})", file=str(path)) from exc
    if data is None and allow_empty:
        return {}
    if not isinstance(data, dict):
        raise IngestError(f"{what} must hold a table of settings", file=str(path))
    return data
