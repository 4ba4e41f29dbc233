"""Seeded SYNTHETIC example extracts for the partner health adapters: ``istv.csv``, ``istv.xml``, ``admissions.csv``.

Nothing in them is real: no patient, assault or admission. They are shaped like what a partnership receives — an
ED's monthly/quarterly ISTV extract (flat CSV, and the XML submission form) and an admitted patient care extract by
ICD-10 external cause — so the adapters, the SNA's A&E and success-measure sections and the dual KDE can be
rehearsed before real data arrive. Every row says ``Synthetic = true`` (the XML in its submission header), so every
stored row is labelled synthetic. Places are City of London streets from the default ISTV mapping's gazetteer;
residence LSOAs are real City of London and Islington codes (ONS lookup). The same seed gives the same bytes.

Shares are stated assumptions, not estimates: most ED assaults are by body part, a minority by knife or sharp
object; night-time-economy hours and weekends carry more; admissions are mostly X99 (sharp object) and Y04 (bodily
force), with a few non-assault external causes (W26, X78) that no assault measure may count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from svduty.data.health_mapping import load_istv_mapping

SITE = "SYN01"
CSV_PERIOD = (date(2021, 6, 1), date(2021, 8, 31))
XML_PERIOD = (date(2021, 9, 1), date(2021, 9, 30))
BANDS = ("0-15", "16-24", "25-34", "35-49", "50-64", "65+")
BAND_P = (0.07, 0.36, 0.28, 0.19, 0.07, 0.03)
BAND_AGES = {"0-15": (10, 15), "16-24": (16, 24), "25-34": (25, 34), "35-49": (35, 49), "50-64": (50, 64)}
BAND_AGES["65+"] = (65, 90)
METHODS = ("01", "02", "03", "04", "05", "06", "99")
METHOD_P = (0.55, 0.1, 0.12, 0.1, 0.01, 0.05, 0.07)
OTHER_METHODS = ("chair", "dog bite", "hot drink", "belt")
LOCATIONS = ("01", "02", "03", "04", "05", "06", "07", "99")
LOCATION_P = (0.22, 0.38, 0.2, 0.05, 0.03, 0.04, 0.04, 0.04)
HOUR_W = np.array([6, 5, 4, 3, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 6, 7, 8, 8], dtype=float)
RESIDENCE = (
    ("E01000001", "E09000001"),
    ("E01000002", "E09000001"),
    ("E01000003", "E09000001"),
    ("E01000005", "E09000001"),
    ("E01032739", "E09000001"),
    ("E01032740", "E09000001"),
    ("E01002706", "E09000019"),
    ("E01033490", "E09000019"),
)
CAUSES = ("X99.1", "X99.0", "X99.9", "Y04", "Y00", "Y08", "Y09", "X95", "W26", "X78")
CAUSE_P = (0.16, 0.06, 0.05, 0.4, 0.12, 0.06, 0.04, 0.01, 0.06, 0.04)
ISTV_COLUMNS = (
    "Site Code",
    "Reporting Period Start Date",
    "Reporting Period End Date",
    "Arrival Date Time",
    "Assault Date Time",
    "Assault Method",
    "Assault Method Other Description",
    "Assault Location Type",
    "Assault Location Description",
    "Age Band",
    "Sex",
    "Synthetic",
)
ADMISSION_COLUMNS = (
    "Admission Date",
    "Age",
    "Age Band",
    "Sex",
    "External Cause",
    "Residence LSOA",
    "Residence Local Authority",
    "Provider",
    "Synthetic",
)


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def _descriptions(location: str, rng: np.random.Generator, places: list[str]) -> str:
    """A location description as reception staff type it; home and unknown places are never named."""
    place = places[int(rng.integers(len(places)))]
    if location == "01":
        return "at home" if rng.random() < 0.7 else "friend's flat"
    if location == "02":
        return (
            f"outside shops on {place}" if rng.random() < 0.75 else str(rng.choice(["in the street", "park", "alley"]))
        )
    if location == "03":
        return f"bar on {place}" if rng.random() < 0.8 else "nightclub, name not given"
    if location == "06":
        return f"bus stop, {place}" if rng.random() < 0.6 else "on a train"
    if location == "99":
        return "can't remember"
    return f"near {place}" if rng.random() < 0.5 else ""


def assaults(period: tuple[date, date], n: int, rng: np.random.Generator) -> list[dict[str, str]]:
    """``n`` assaults arriving inside ``period`` (field → text, in the MDS's terms)."""
    places = list(load_istv_mapping().places)
    days = (period[1] - period[0]).days + 1
    out = []
    for _ in range(n):
        day = period[0] + timedelta(days=int(rng.integers(days)))
        if day.weekday() < 4 and rng.random() < 0.35:  # weekends carry more
            day = min(period[1], day + timedelta(days=int(4 - day.weekday())))
        hour = int(rng.choice(24, p=HOUR_W / HOUR_W.sum()))
        assault_at = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=int(rng.integers(60)))
        arrival = assault_at + timedelta(minutes=int(rng.integers(10, 240)))
        if arrival.date() > period[1]:
            arrival = datetime.combine(period[1], datetime.max.time()).replace(second=0, microsecond=0)
        method = str(rng.choice(METHODS, p=METHOD_P))
        location = str(rng.choice(LOCATIONS, p=LOCATION_P))
        out.append(
            {
                "arrival": arrival.strftime("%Y-%m-%d %H:%M"),
                "assault_at": assault_at.strftime("%Y-%m-%d %H:%M"),
                "method": method,
                "method_other": str(rng.choice(OTHER_METHODS)) if method == "06" else "",
                "location_type": location,
                "location_description": _descriptions(location, rng, places),
                "age_band": str(rng.choice(BANDS, p=BAND_P)),
                "sex": str(rng.choice(["M", "F", "U"], p=[0.74, 0.24, 0.02])),
            }
        )
    return out


def istv_csv(rows: list[dict[str, str]], period: tuple[date, date] = CSV_PERIOD, site: str = SITE) -> str:
    lines = [",".join(ISTV_COLUMNS)]
    for r in rows:
        cells = [site, period[0].isoformat(), period[1].isoformat(), r["arrival"], r["assault_at"], r["method"]]
        cells += [r["method_other"], r["location_type"], r["location_description"], r["age_band"], r["sex"], "true"]
        lines.append(",".join(_csv_cell(c) for c in cells))
    return "\r\n".join(lines) + "\r\n"


def istv_xml(rows: list[dict[str, str]], period: tuple[date, date] = XML_PERIOD, site: str = SITE) -> str:
    x = load_istv_mapping().xml

    def iso(text: str) -> str:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").strftime(x.datetime_format) if text else ""

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- SYNTHETIC example ISTV submission made by `svduty examples`: no real patient or assault. -->",
        "<ISTVSubmission>",
        f"  <{x.header}>",
        f"    <{x.period_start}>{period[0]:{x.date_format}}</{x.period_start}>",
        f"    <{x.period_end}>{period[1]:{x.date_format}}</{x.period_end}>",
        f"    <{x.site_code}>{escape(site)}</{x.site_code}>",
        f"    <{x.synthetic}>true</{x.synthetic}>",
        f"  </{x.header}>",
    ]
    for r in rows:
        out.append(f"  <{x.assault}>")
        for key, value in (
            ("arrival", iso(r["arrival"])),
            ("assault_at", iso(r["assault_at"])),
            ("method", r["method"]),
            ("method_other", r["method_other"]),
            ("location_type", r["location_type"]),
            ("location_description", r["location_description"]),
            ("age_band", r["age_band"]),
            ("sex", r["sex"]),
        ):
            if value:
                name = getattr(x, key)
                out.append(f"    <{name}>{escape(value)}</{name}>")
        out.append(f"  </{x.assault}>")
    out.append("</ISTVSubmission>")
    return "\n".join(out) + "\n"


def admissions_csv(n: int, rng: np.random.Generator, start: date = date(2019, 4, 1), end: date = date(2021, 11, 30)):
    days = (end - start).days + 1
    lines = [",".join(ADMISSION_COLUMNS)]
    for _ in range(n):
        day = start + timedelta(days=int(rng.integers(days)))
        band = str(rng.choice(BANDS, p=BAND_P))
        lo, hi = BAND_AGES[band]
        age = str(int(rng.integers(lo, hi + 1))) if rng.random() < 0.6 else ""  # some extracts release bands only
        lsoa, lad = RESIDENCE[int(rng.integers(len(RESIDENCE)))]
        if rng.random() < 0.1:
            lsoa = ""  # residence LSOA not known: the local authority still is
        cells = [day.isoformat(), age, band, str(rng.choice(["M", "F"], p=[0.8, 0.2]))]
        cells += [str(rng.choice(CAUSES, p=CAUSE_P)), lsoa, lad, "SYNTHETIC NHS TRUST", "true"]
        lines.append(",".join(cells))
    return "\r\n".join(lines) + "\r\n"


def write_examples(out_dir: Path, seed: int = 2024) -> dict[str, Path]:
    """Write ``istv.csv``, ``istv.xml`` and ``admissions.csv`` (all SYNTHETIC) into ``out_dir``."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "istv.csv": istv_csv(assaults(CSV_PERIOD, 360, rng)),
        "istv.xml": istv_xml(assaults(XML_PERIOD, 120, rng)),
        "admissions.csv": admissions_csv(600, rng),
    }
    paths = {}
    for name, text in files.items():
        path = out_dir / name
        path.write_bytes(text.encode("utf-8"))
        paths[name] = path
    return paths
