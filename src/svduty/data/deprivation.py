"""Indices of Deprivation by LSOA, shipped in the package: IMD 2019 (England), WIMD 2019 (Wales), IoD 2025 (England).

``ref/deprivation_lsoa.csv.gz`` keeps only what the SNA needs — per LSOA the index, its overall rank and decile
(1 = most deprived) and each domain's decile — built by ``build_reference`` from the converted files of
``humaniverse/IMD`` (MANIFEST §10 of the shared data; values unchanged). Three indices, three rules:

* IMD 2019 and WIMD 2019 rank LSOAs of **2011**; IoD 2025 ranks LSOAs of **2021**.
* Welsh deciles are deciles *within Wales* and English ones within England: they are never pooled.
* The domain called Crime is built partly from police recorded crime, so violence by Crime decile is circular.

Publishers: MHCLG (English Indices of Deprivation 2019 and 2025) and the Welsh Government (WIMD 2019).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE = Path(__file__).parent / "ref" / "deprivation_lsoa.csv.gz"
ATTRIBUTION = (
    "English Indices of Deprivation 2019 and 2025 (MHCLG) and Welsh Index of Multiple Deprivation 2019 (Welsh "
    "Government). Contains public sector information licensed under the Open Government Licence v3.0."
)
DOMAINS = ("income", "employment", "education", "health", "crime", "housing", "environment")
INDEX_NAMES = {
    "imd2019": "English Index of Multiple Deprivation 2019 (LSOA 2011)",
    "wimd2019": "Welsh Index of Multiple Deprivation 2019 (LSOA 2011)",
    "iod2025": "English Indices of Deprivation 2025 (LSOA 2021)",
}
DOMAIN_LABELS = {
    "income": "Income",
    "employment": "Employment",
    "education": "Education, skills and training",
    "health": "Health and disability",
    "crime": "Crime (circular: partly police recorded crime)",
    "housing": "Barriers to housing and services",
    "environment": "Living environment",
}
_SOURCES = {  # index → (file in humaniverse/IMD's conversion, code column, housing column)
    "imd2019": ("imd2019_england_lsoa11.csv", "lsoa11_code", "Housing_and_Access"),
    "wimd2019": ("imd2019_wales_lsoa11.csv", "lsoa11_code", "Housing"),
    "iod2025": ("imd2025_england_lsoa21.csv", "lsoa21_code", "Housing_and_Services"),
}


def build_reference(source_dir: Path, out: Path = REFERENCE) -> pd.DataFrame:
    """Write the shipped file from ``shared/data/real/imd`` (run once by a maintainer; kept for provenance)."""
    parts = []
    for index, (name, code, housing) in _SOURCES.items():
        raw = pd.read_csv(source_dir / name)
        frame = pd.DataFrame(
            {
                "index": index,
                "lsoa_code": raw[code],
                "rank": raw["IMD_rank"].astype(int),
                "decile": raw["IMD_decile"].astype(int),
            }
        )
        for domain in DOMAINS:
            column = "Housing" if domain == "housing" else domain.capitalize()
            column = housing if domain == "housing" else column
            frame[domain] = raw[f"{column}_decile"].astype(int)
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table.to_csv(out, index=False, compression={"method": "gzip", "mtime": 0})
    return table


@cache
def reference() -> pd.DataFrame:
    """Every LSOA's index, rank, decile and domain deciles (columns ``index, lsoa_code, rank, decile, <domains>``)."""
    return pd.read_csv(REFERENCE, dtype={"index": "category", "lsoa_code": str})


def index_table(index: str) -> pd.DataFrame:
    """One index's rows, keyed by LSOA code."""
    ref = reference()
    return ref[ref["index"] == index].drop(columns="index").set_index("lsoa_code")


SPLIT_PARENTS = Path(__file__).parent / "ref" / "lsoa21_split_parents.csv"


def build_split_parents(geo_dir: Path, lookup_csv: Path, out: Path = SPLIT_PARENTS) -> pd.DataFrame:
    """2021 LSOAs that are no 2011 LSOA's best fit (splits) → the 2011 LSOA holding a point inside them.

    The ONS best-fit lookup leaves these LSOAs out, so without this their residents would have no IMD 2019 decile.
    Built once from the ONS LSOA boundaries (MANIFEST §8) with ``geopandas`` (a maintainer's tool, not a runtime
    dependency): a point on the 2021 polygon's surface, joined to the 2011 polygon that contains it.
    """
    import geopandas as gpd  # build-time only

    best_fit = set(pd.read_csv(lookup_csv, encoding="utf-8-sig", usecols=["LSOA21CD"])["LSOA21CD"])
    l21 = gpd.read_file(geo_dir / "lsoa21_boundaries.gpkg")
    l21 = l21[~l21["lsoa21_code"].isin(best_fit)].copy()
    l21["geometry"] = l21.geometry.representative_point()
    l11 = gpd.read_file(geo_dir / "lsoa11_boundaries.gpkg")
    l11["geometry"] = l11.geometry.make_valid()
    joined = gpd.sjoin(l21[["lsoa21_code", "geometry"]], l11[["lsoa11_code", "geometry"]], predicate="within")
    table = joined[["lsoa21_code", "lsoa11_code"]].drop_duplicates("lsoa21_code").sort_values("lsoa21_code")
    table.to_csv(out, index=False)
    return table


@cache
def split_parents() -> dict[str, str]:
    """2021 split LSOA code → its 2011 parent (see ``build_split_parents``)."""
    frame = pd.read_csv(SPLIT_PARENTS, dtype=str)
    return dict(zip(frame["lsoa21_code"], frame["lsoa11_code"], strict=True))
