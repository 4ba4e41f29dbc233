"""The canonical workspace schema, as numbered migrations.

Every schema change is a new entry in ``MIGRATIONS``, never an edit of an old one: a workspace made by any earlier
release migrates forward in order, each step in its own transaction, recorded in ``schema_migrations``.
The tables follow ``docs/architecture.md`` (after DESIGN.md): ``incidents``, ``persons``, ``involvements``,
``ed_attendances``, ``population``, ``ingests`` and ``rejects``.
"""

from __future__ import annotations

from dataclasses import dataclass

# police.uk publishes categories, not offences; the serious-violence proxy is these three, always shown apart.
SV_PROXY_CRIME_TYPES: tuple[str, ...] = (
    "Violence and sexual offences",
    "Robbery",
    "Possession of weapons",
)

# Crime types data.police.uk has published (current set, plus the pre-2013/2014 ones older files still carry).
POLICE_UK_CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    # older categories, still valid in historic downloads
    "Violent crime",
    "Public disorder and weapons",
)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_V1 = (
    """
    CREATE TABLE ingests (
        ingest_id     INTEGER PRIMARY KEY,
        source        VARCHAR NOT NULL,          -- 'police.uk', 'rms', 'istv', 'population'
        path          VARCHAR NOT NULL,          -- file as given (for a zip: 'archive.zip!member')
        file_name     VARCHAR NOT NULL,
        sha256        VARCHAR NOT NULL,
        force         VARCHAR,                   -- police.uk force slug, e.g. 'city-of-london'
        month         DATE,                      -- the file's month (first of month)
        rows_read     BIGINT NOT NULL,
        rows_stored   BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL,
        status        VARCHAR NOT NULL,          -- 'active' | 'superseded'
        superseded_by INTEGER,
        ingested_at   TIMESTAMP NOT NULL,
        CHECK (rows_read = rows_stored + rows_rejected)
    )
    """,
    """
    CREATE TABLE incidents (
        incident_id    BIGINT NOT NULL,          -- ingest_id * 2^32 + line: unique by construction (no index: 6M-row loads)
        ingest_id      INTEGER NOT NULL,
        line           BIGINT,                   -- line in the source file (1 = header)
        source         VARCHAR NOT NULL,
        source_ref     VARCHAR,                  -- police.uk 'Crime ID' (blank for ASB; not a key: forces reuse it)
        month          DATE NOT NULL,
        occurred_at    TIMESTAMP,                -- police.uk has month only
        offence_group  VARCHAR NOT NULL,         -- police.uk crime type or mapped Home Office class
        offence_code   VARCHAR,                  -- Home Office offence code where the source has one
        sv_category    VARCHAR,                  -- serious-violence classification; NULL = not SV
        knife_flag     BOOLEAN,
        domestic_flag  BOOLEAN,
        alcohol_flag   BOOLEAN,
        lat            DOUBLE,
        lon            DOUBLE,
        location       VARCHAR,
        lsoa_code      VARCHAR,
        lsoa_name      VARCHAR,
        force          VARCHAR,
        reported_by    VARCHAR,
        falls_within   VARCHAR,
        outcome        VARCHAR,
        context        VARCHAR,
        synthetic      BOOLEAN NOT NULL DEFAULT false
    )
    """,
    """
    CREATE TABLE rejects (
        ingest_id  INTEGER NOT NULL,
        file_name  VARCHAR NOT NULL,
        line       BIGINT NOT NULL,
        field      VARCHAR NOT NULL,
        reason     VARCHAR NOT NULL,             -- a stable category, e.g. 'latitude outside the UK'
        value      VARCHAR,                      -- the offending value, when there is one
        raw        VARCHAR                       -- the whole raw line, so nothing is lost
    )
    """,
    """
    CREATE TABLE persons (
        person_id   VARCHAR PRIMARY KEY,         -- keyed HMAC-SHA256 of the source identifier, never the identifier
        source      VARCHAR NOT NULL,
        sex         VARCHAR,
        birth_year  INTEGER,
        synthetic   BOOLEAN NOT NULL DEFAULT false
    )
    """,
    """
    CREATE TABLE involvements (
        incident_id BIGINT NOT NULL,
        person_id   VARCHAR,
        role        VARCHAR NOT NULL,            -- 'victim' | 'suspect'
        age         INTEGER,
        age_band    VARCHAR,
        sex         VARCHAR,
        synthetic   BOOLEAN NOT NULL DEFAULT false
    )
    """,
    """
    CREATE TABLE ed_attendances (
        attendance_id    BIGINT PRIMARY KEY,
        ingest_id        INTEGER,
        arrived_at       TIMESTAMP NOT NULL,
        age              INTEGER,
        age_band         VARCHAR,
        sex              VARCHAR,
        mechanism        VARCHAR,                -- 'sharp object' | 'blunt object' | 'body part' | 'other'
        assault_location VARCHAR,                -- 'street' | 'home' | 'licensed premises' | ...
        lsoa_code        VARCHAR,
        admitted         BOOLEAN,
        synthetic        BOOLEAN NOT NULL DEFAULT false
    )
    """,
    """
    CREATE TABLE population (
        area_code  VARCHAR NOT NULL,
        area_name  VARCHAR,
        year       INTEGER NOT NULL,
        age_band   VARCHAR NOT NULL,             -- 'all' or a band such as '16-24'
        sex        VARCHAR NOT NULL,             -- 'all' | 'female' | 'male'
        persons    DOUBLE NOT NULL,
        source     VARCHAR NOT NULL,
        PRIMARY KEY (area_code, year, age_band, sex)
    )
    """,
)

# v2: area lookups and the bookkeeping that keeps synthetic values apart from real ones.
_V2 = (
    # Which ingest wrote each population row: a later file for the same area × year × band × sex replaces it.
    "ALTER TABLE population ADD COLUMN ingest_id INTEGER",
    """
    CREATE TABLE lsoa_lookup (                   -- ONS LSOA (2011) → LSOA (2021) → LAD best-fit lookup
        lsoa11_code    VARCHAR PRIMARY KEY,
        lsoa11_name    VARCHAR,
        lsoa21_code    VARCHAR NOT NULL,
        lsoa21_name    VARCHAR,
        lad_code       VARCHAR NOT NULL,
        lad_name       VARCHAR,
        lad_name_welsh VARCHAR,
        lad_year       INTEGER NOT NULL,         -- vintage of the LAD codes, e.g. 2022
        ingest_id      INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE synthetic_layers (              -- one row per `svduty synth` run still in the workspace
        layer_id           INTEGER PRIMARY KEY,
        seed               BIGINT NOT NULL,
        profile            VARCHAR NOT NULL,     -- the calibration profile, as JSON
        created_at         TIMESTAMP NOT NULL,
        incidents_enriched BIGINT NOT NULL,
        involvements       BIGINT NOT NULL,
        persons            BIGINT NOT NULL,
        ed_attendances     BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE synthetic_columns (             -- which columns hold synthetic values, so reports can say so
        table_name   VARCHAR NOT NULL,
        column_name  VARCHAR NOT NULL,
        rows         BIGINT NOT NULL,            -- rows whose value in this column is synthetic
        how          VARCHAR NOT NULL,           -- one line: what the values were drawn from
        PRIMARY KEY (table_name, column_name)
    )
    """,
    """
    CREATE TABLE incident_synthetic_fields (     -- per incident: which of its columns `svduty synth` filled in
        incident_id   BIGINT NOT NULL,
        occurred_at   BOOLEAN NOT NULL,
        knife_flag    BOOLEAN NOT NULL,
        domestic_flag BOOLEAN NOT NULL,
        alcohol_flag  BOOLEAN NOT NULL,
        outcome       BOOLEAN NOT NULL
    )
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "canonical tables", _V1),
    Migration(2, "LSOA lookup, population provenance, synthetic-layer bookkeeping", _V2),
)

LATEST_VERSION = MIGRATIONS[-1].version
