"""Copy GOV.UK Frontend's built CSS/JS from ``node_modules`` into ``svduty/web/static/govuk/``.

Run ``npm ci && python src/svduty/web/build_static.py`` after changing the version in package.json. The output is
committed so the app runs offline without npm. Two edits make it fit a service that is not on gov.uk (GOV.UK brand
guidance: the crown and GDS Transport are for gov.uk services only): every ``@font-face`` for GDS Transport is
removed and the font stack becomes the system stack.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SOURCE = REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = Path(__file__).resolve().parent / "static" / "govuk"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'


def rewrite_css(css: str) -> str:
    css = re.sub(r"@font-face\{font-family:GDS Transport;[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", f"font-family:{SYSTEM_FONTS}")
    css = css.replace("font-family:GDS Transport", f"font-family:{SYSTEM_FONTS}")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    return css


def main() -> int:
    if not SOURCE.is_dir():
        print(f"error: {SOURCE} is missing: run `npm ci` in {REPO} first", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    css = rewrite_css((SOURCE / "govuk-frontend.min.css").read_text(encoding="utf-8"))
    if "GDS Transport" in css:
        print("error: GDS Transport still referenced after rewriting", file=sys.stderr)
        return 1
    (TARGET / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
    js = (SOURCE / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (TARGET / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
    version = json.loads((SOURCE.parents[1] / "package.json").read_text())["version"]
    (TARGET / "LICENSE.txt").write_text(
        "GOV.UK Frontend, (c) Crown copyright, released under the MIT licence: https://github.com/alphagov/govuk-frontend\n",
        encoding="utf-8",
    )
    (TARGET / "VERSION").write_text(f"govuk-frontend {version}\n", encoding="utf-8")
    print(f"govuk-frontend {version} → {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
