"""Themes: drugs and weapons with violence (an exploitation indicator), robbery, public order, night-time economy."""

from __future__ import annotations

from typing import Any

import pandas as pd

from svduty.report.sna.common import (
    Column,
    ReportInput,
    Section,
    fmt_int,
    fmt_p,
    fmt_pct,
    fmt_prev,
    make_table,
    missing,
)


def _colocation_text(c: dict[str, Any], what: str) -> str:
    if not c.get("available"):
        return f"Not enough {what.lower()} records or LSOAs in the period to measure co-location."
    names = ", ".join(c["both_names"])
    return (
        f"{c['both']} of the area's {c['lsoas']} LSOAs are in the top 10% ({c['top_n']} LSOAs) for both "
        f"{what.lower()} and violence (about {c['expected_both_if_unrelated']:.1f} would be if the two were "
        "unrelated)"
        + (f": {names}" if names else "")
        + f"; they hold {fmt_pct(c['violence_share_in_both'])} of the area's violence. Across all the area's LSOAs "
        f"the rank correlation of {what.lower()} with violence is {c['spearman']:.2f} (Spearman, p "
        f"{fmt_p(c['spearman_p']) if c['spearman_p'] >= 0.001 else '< 0.001'})."
    )


def _top(table: pd.DataFrame, column: str) -> str:
    top = table[table[column] > 0].sort_values([column, "code"], ascending=[False, True]).head(3)
    return ", ".join(f"{r['name']} ({int(r[column])})" for _, r in top.iterrows()) or "none"


def _night_time(n: dict[str, Any]) -> tuple[str, bool]:
    if not n.get("timed"):
        return (
            "police.uk gives the month of each crime, not its time, so night-time economy violence cannot be seen in "
            "these data; it needs police record extracts with times (svduty ingest rms) or A&E (ISTV) data.",
            False,
        )
    synthetic = n["synthetic_times"] > 0
    text = (
        f"{fmt_pct(n['share'])} of the {fmt_int(n['timed'])} serious violence crimes with a recorded time happened on "
        f"Friday or Saturday nights (20:00–04:00), which are {fmt_pct(n['even_share'])} of the week's hours."
    )
    if synthetic:
        text += (
            f" {fmt_int(n['synthetic_times'])} of these times are SYNTHETIC (svduty synth): this is a preview of the "
            "layout, not a finding, and it drives no recommendation."
        )
    return text, synthetic


def build(r: ReportInput) -> Section:
    t = r.a.themes or {}
    if not t:
        return Section(id="themes", title="Themes", ctx={"available": False})
    table = t["per_lsoa"]
    summary = make_table(
        t["summary"],
        [
            Column("type", "police.uk category"),
            Column("count", "This period", fmt_int, True),
            Column("previous", "Previous period", fmt_prev, True),
            Column("change_pct", "Change", lambda v: "n/a" if missing(v) else f"{v:+.1f}%", True),
        ],
        "police.uk categories that bear on the Duty",
        "tables/themes.csv",
    )
    nte_text, nte_synthetic = _night_time(t["night_time"])
    ctx = {
        "available": True,
        "summary": summary,
        "drugs": _colocation_text(t["drugs"], "Drugs"),
        "weapons": _colocation_text(t["weapons"], "Possession of weapons"),
        "robbery": f"Robbery is most frequent in {_top(table, 'Robbery')}.",
        "public_order": f"Public order offences are most frequent in {_top(table, 'Public order')}; they often "
        "accompany violence in town centres at night.",
        "night_time": nte_text,
        "night_time_synthetic": nte_synthetic,
    }
    return Section(id="themes", title="Themes", ctx=ctx)
