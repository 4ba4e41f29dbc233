"""Find (and, once, mark) visible text in Django templates that is not inside ``{% translate %}`` or
``{% blocktranslate %}``.

The project rule is that every user-facing string is marked for translation (English and Welsh). ``makemessages``
only extracts what is marked, so an unmarked sentence silently stays English on a Welsh page; the template scanner
(tests/web/test_i18n.py) uses :func:`unmarked` to keep future templates marked. :func:`mark` is the one-off
converter that wrapped the existing templates (``python -m svduty.web.core.i18n_templates FILE…``); its output was
then read and whole sentences re-joined by hand where it had split them.

Visible text is the text between HTML tags and template tags, and the values of the attributes a user reads or hears
(``aria-label``, ``title``, ``alt``, ``placeholder``). Text with no letter in it (punctuation, numbers, a lone ``£``)
and ``{{ variables }}`` are not text to translate, nor is anything inside ``<code>``, ``<kbd>``, ``<samp>`` or
``<pre>``: commands, file names and CSV column names stay as they are in every language.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# One token: a verbatim/comment/blocktranslate block, a template comment, a template tag, a variable, a script/style
# element, an HTML comment, an HTML tag (which may hold template tags in its attributes), or text.
TOKEN = re.compile(
    r"(?P<skip>\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{%\s*verbatim\s*%\}.*?\{%\s*endverbatim\s*%\}"
    r"|\{#.*?#\}"
    r"|<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->"
    r"|<(?P<code_el>code|kbd|samp|pre)\b[^>]*>.*?</(?P=code_el)>)"
    r"|(?P<tag>\{%.*?%\})"
    r"|(?P<var>\{\{.*?\}\})"
    r"|(?P<html></?[a-zA-Z!](?:[^>{]|\{%.*?%\}|\{\{.*?\}\}|\{(?![%{]))*>)"
    r"|(?P<text>[^<{]+|[<{])",
    re.S,
)
SPOKEN_ATTRS = re.compile(r'\b(aria-label|title|alt|placeholder)="([^"{]*)"')
LETTER = re.compile(r"[^\W\d_]")
# Tags that end a run of sentence text (anything but a variable); includes/blocks are structure, not prose.
INLINE_OK = ("var", "text")


def _runs(source: str):
    """Yield (kind, start, end, text) tokens, merging adjacent text and variables into 'run' tokens."""
    run_start = None
    run_parts: list[tuple[str, str]] = []
    for m in TOKEN.finditer(source):
        kind = m.lastgroup
        if kind in INLINE_OK:
            if run_start is None:
                run_start = m.start()
            run_parts.append((kind, m.group()))
            continue
        if run_start is not None:
            yield "run", run_start, m.start(), run_parts
            run_start, run_parts = None, []
        yield kind, m.start(), m.end(), m.group()
    if run_start is not None:
        yield "run", run_start, len(source), run_parts


ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);")


def _has_words(parts) -> bool:
    return any(kind == "text" and LETTER.search(ENTITY.sub("", text)) for kind, text in parts)


def unmarked(source: str) -> list[tuple[int, str]]:
    """(line number, text) of every piece of visible text that is not marked for translation."""
    found = []
    for kind, start, _end, value in _runs(source):
        line = source.count("\n", 0, start) + 1
        if kind == "run" and _has_words(value):
            found.append((line, " ".join("".join(t for _k, t in value).split())))
        elif kind == "html":
            for attr in SPOKEN_ATTRS.finditer(value):
                if LETTER.search(attr.group(2)):
                    found.append((line, f'{attr.group(1)}="{attr.group(2)}"'))
    return found


def _name(expr: str, used: set[str]) -> str:
    head = expr.split("|")[0].strip()
    name = head.split(".")[-1] or "value"
    name = re.sub(r"^get_|_display$", "", name)
    name = re.sub(r"\W", "_", name) or "value"
    base, n = name, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def _translate_literal(text: str) -> str:
    if '"' not in text:
        return '{% translate "' + text + '" %}'
    if "'" not in text:
        return "{% translate '" + text + "' %}"
    return "{% blocktranslate %}" + text + "{% endblocktranslate %}"


def _mark_run(parts) -> str:
    raw = "".join(t for _k, t in parts)
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()) :]
    if not any(k == "var" for k, _t in parts):
        return lead + _translate_literal(raw.strip()) + trail
    used: set[str] = set()
    withs, body = [], []
    for kind, text in parts:
        if kind == "var":
            expr = text[2:-2].strip()
            if re.fullmatch(r"[A-Za-z_]\w*", expr):
                used.add(expr)
                body.append("{{ " + expr + " }}")
            else:
                name = _name(expr, used)
                withs.append(f"{name}={expr}")
                body.append("{{ " + name + " }}")
        else:
            body.append(text)
    inner = "".join(body).strip()
    trimmed = " trimmed" if "\n" in inner else ""
    with_clause = (" with " + " ".join(withs)) if withs else ""
    return f"{lead}{{% blocktranslate{with_clause}{trimmed} %}}{inner}{{% endblocktranslate %}}{trail}"


def mark(source: str) -> str:
    """``source`` with every unmarked text run and spoken attribute wrapped, and ``{% load i18n %}`` added."""
    out, changed = [], False
    for kind, start, end, value in _runs(source):
        if kind == "run" and _has_words(value):
            out.append(_mark_run(value))
            changed = True
        elif kind == "html" and SPOKEN_ATTRS.search(value):

            def attr(m: re.Match) -> str:
                if not LETTER.search(m.group(2)):
                    return m.group()
                return m.group(1) + '="{% translate ' + repr(m.group(2)).replace('"', "&quot;") + ' %}"'

            new = SPOKEN_ATTRS.sub(attr, value)
            changed = changed or new != value
            out.append(new)
        else:
            out.append(source[start:end])
    result = "".join(out)
    if changed and not re.search(r"\{%\s*load\s+[^%]*\bi18n\b", result):
        extends = re.match(r"\s*\{%\s*extends\s[^%]*%\}", result)
        at = extends.end() if extends else 0
        result = result[:at] + "{% load i18n %}" + result[at:]
    return result


if __name__ == "__main__":
    for name in sys.argv[1:]:
        path = Path(name)
        before = path.read_text(encoding="utf-8")
        after = mark(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"marked {path}")
