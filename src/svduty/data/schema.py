"""The canonical workspace schema, as numbered migrations.

Every schema change is a new entry in ``MIGRATIONS``, never an edit of an old one: a workspace made by any earlier
release migrates forward in order, each step in its own transaction, recorded in ``schema_migrations``.
The tables follow ``docs/architecture.md`` (after DESIGN.md): ``incidents``, ``persons``, ``involvements``,
``ed_attendances``, ``population``, ``ingests`` and ``rejects`` (v1); ``lsoa_lookup`` and the synthetic-layer
bookkeeping ``synthetic_layers``, ``synthetic_columns``, ``incident_synthetic_fields`` (v2); views ``lsoa_areas`` and
``lsoa_population`` that bridge LSOA 2011/2021 codes to districts and residents (v3); partner health data — ISTV
submissions and their assaults in ``ed_attendances``, ``hospital_admissions``, and the data-sharing agreement each
ingest came under (v4); partner risk-factor tables (v5); ``synthetic_person_links`` and ``person_attributes`` for the
risk index's recurring persons and fairness demographics (v6).
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


# Generous bounds around the UK (Northern Ireland, Scilly, Shetland, the Channel coast): a coordinate outside them is
# a reject, whichever source it comes from.
UK_LAT_RANGE: tuple[float, float] = (49.8, 61.0)
UK_LON_RANGE: tuple[float, float] = (-8.7, 2.0)


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
        incident_id    BIGINT NOT NULL,          -- ingest_id * 2^32 + line: unique by construction, no index
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

# v3: views that bridge LSOA vintages, so rates work for police.uk rows carrying 2011 or 2021 codes.
_V3 = (
    r"""
    CREATE VIEW lsoa_areas AS
    -- Every LSOA code of either vintage, with its 2021 LSOA (best fit) and local authority district.
    WITH by11 AS (
        SELECT lsoa11_code AS lsoa_code, 2011 AS vintage, lsoa21_code, lad_code, lad_name, 'lookup' AS via
        FROM lsoa_lookup
    ),
    by21 AS (
        SELECT DISTINCT lsoa21_code AS lsoa_code, 2021 AS vintage, lsoa21_code, lad_code, lad_name, 'lookup' AS via
        FROM lsoa_lookup WHERE lsoa21_code NOT IN (SELECT lsoa11_code FROM lsoa_lookup)
    ),
    lads AS (SELECT DISTINCT lad_code, lad_name FROM lsoa_lookup),
    -- 2021 LSOAs that are not any 2011 LSOA's best fit (splits): their name is '<LAD name> 001A'.
    by_name AS (
        SELECT DISTINCT p.area_code AS lsoa_code, 2021 AS vintage, p.area_code AS lsoa21_code, l.lad_code,
               l.lad_name, 'name' AS via
        FROM population p JOIN lads l ON regexp_replace(p.area_name, ' \d{3}[A-Z]$', '') = l.lad_name
        WHERE p.year = 2021 AND regexp_full_match(p.area_code, '[EW]01\d{6}')
          AND p.area_code NOT IN (SELECT lsoa11_code FROM lsoa_lookup)
          AND p.area_code NOT IN (SELECT lsoa21_code FROM lsoa_lookup)
    )
    SELECT * FROM by11 UNION ALL SELECT * FROM by21 UNION ALL SELECT * FROM by_name
    """,
    r"""
    CREATE VIEW lsoa_population AS
    -- Residents (all ages, both sexes) for every LSOA code of either vintage and every year held.
    WITH direct AS (
        SELECT area_code AS lsoa_code, year, persons, 'direct' AS method
        FROM population WHERE age_band = 'all' AND sex = 'all' AND regexp_full_match(area_code, '[EW]01\d{6}')
    ),
    shares AS (SELECT lsoa21_code, count(*) AS k FROM lsoa_lookup GROUP BY lsoa21_code),
    -- a 2011 code with only 2021 figures: its best-fit 2021 LSOA, shared equally when 2011 LSOAs merged
    from21 AS (
        SELECT l.lsoa11_code AS lsoa_code, d.year, d.persons / s.k AS persons,
               CASE WHEN s.k = 1 THEN 'via 2021 best fit' ELSE 'via 2021 best fit, shared by ' || s.k END AS method
        FROM lsoa_lookup l JOIN shares s USING (lsoa21_code) JOIN direct d ON d.lsoa_code = l.lsoa21_code
    ),
    -- a 2021 code with only 2011 figures: the 2011 LSOAs whose best fit it is
    from11 AS (
        SELECT l.lsoa21_code AS lsoa_code, d.year, sum(d.persons) AS persons, 'via 2011 best fit' AS method
        FROM lsoa_lookup l JOIN direct d ON d.lsoa_code = l.lsoa11_code
        GROUP BY l.lsoa21_code, d.year
    ),
    mapped AS (
        SELECT m.* FROM (SELECT * FROM from21 UNION ALL SELECT * FROM from11) m
        ANTI JOIN direct d ON d.lsoa_code = m.lsoa_code AND d.year = m.year
        QUALIFY row_number() OVER (PARTITION BY m.lsoa_code, m.year ORDER BY m.method) = 1
    )
    SELECT * FROM direct UNION ALL SELECT * FROM mapped
    """,
)

# v4: partner health data. ISTV assaults go into ``ed_attendances`` (so every reader of it — the SNA's A&E section,
# success measures — sees real extracts and the synthetic layer alike) with the coarse ``mechanism`` /
# ``assault_location`` the synthetic generator writes; the data set's own coded values go into ``istv_assaults``.
_V4 = (
    """
    CREATE TABLE istv_assaults (                 -- what the ISTV data set says beyond ed_attendances' columns
        attendance_id        BIGINT PRIMARY KEY, -- = ed_attendances.attendance_id (ingest_id * 2^32 + line)
        ingest_id            INTEGER NOT NULL,
        line                 BIGINT NOT NULL,    -- line (CSV) or line of the <Assault> element (XML)
        site_code            VARCHAR NOT NULL,   -- SITE CODE (OF TREATMENT)
        assault_at           TIMESTAMP NOT NULL, -- ASSAULT DATE AND TIME
        age_min              INTEGER,            -- bounds of the age band as sent ('16-24' -> 16, 24)
        age_max              INTEGER,
        method_code          VARCHAR NOT NULL,   -- ASSAULT METHOD as sent
        method_label         VARCHAR,
        method_other         VARCHAR,            -- ASSAULT METHOD OTHER DESCRIPTION
        location_type_code   VARCHAR NOT NULL,   -- ASSAULT LOCATION TYPE as sent
        location_type_label  VARCHAR,
        -- ASSAULT LOCATION DESCRIPTION: free text, a personal-data risk; read only by `svduty ed-descriptions`
        location_description VARCHAR,
        located_by           VARCHAR,            -- 'postcode' | 'place' | 'lsoa' | NULL = unlocated
        lat                  DOUBLE,
        lon                  DOUBLE
    )
    """,
    # ed_attendances keeps its v1 columns (the synthetic generator and other writers insert by position);
    # this view is every attendance with its ISTV detail where it came from an extract.
    """
    CREATE VIEW ed_assaults AS
    SELECT e.*, a.* EXCLUDE (attendance_id, ingest_id)
    FROM ed_attendances e LEFT JOIN istv_assaults a USING (attendance_id)
    """,
    """
    CREATE TABLE istv_submissions (              -- the submission header of each ISTV file
        ingest_id     INTEGER PRIMARY KEY,
        site_code     VARCHAR NOT NULL,
        period_start  DATE NOT NULL,
        period_end    DATE NOT NULL,
        layout        VARCHAR NOT NULL,          -- 'csv' | 'xml'
        mapping_name  VARCHAR NOT NULL,
        synthetic     BOOLEAN NOT NULL DEFAULT false
    )
    """,
    """
    CREATE TABLE hospital_admissions (           -- admitted patient care extracts (HES-style), one row per admission
        admission_id  BIGINT NOT NULL,           -- ingest_id * 2^32 + line
        ingest_id     INTEGER NOT NULL,
        line          BIGINT NOT NULL,
        admitted_on   DATE NOT NULL,
        month         DATE NOT NULL,
        age           INTEGER,
        age_band      VARCHAR,                   -- as sent
        age_min       INTEGER,                   -- band bounds (equal to age when an age is given)
        age_max       INTEGER,
        sex           VARCHAR,
        cause_code    VARCHAR NOT NULL,          -- ICD-10 external cause, normalised ('X99.1' -> 'X991')
        cause_group   VARCHAR NOT NULL,          -- 'X99 assault by sharp object' | 'X85-Y09 other assault' | 'other'
        sharp_object  BOOLEAN NOT NULL,          -- ICD-10 X99
        assault       BOOLEAN NOT NULL,          -- ICD-10 X85-Y09
        lsoa_code     VARCHAR,                   -- residence LSOA
        lad_code      VARCHAR,                   -- residence local authority
        provider      VARCHAR,
        synthetic     BOOLEAN NOT NULL DEFAULT false
    )
    """,
    """
    CREATE TABLE data_sharing_agreements (       -- current agreements as exported from the web register
        reference     VARCHAR PRIMARY KEY,
        title         VARCHAR,
        datasets      VARCHAR[] NOT NULL,        -- ingest sources it covers: 'istv', 'admissions', 'rms', ...
        status        VARCHAR NOT NULL,          -- 'draft' | 'active' | 'expired' | 'withdrawn'
        starts_on     DATE,
        review_on     DATE,
        ends_on       DATE,
        loaded_from   VARCHAR,
        loaded_at     TIMESTAMP NOT NULL
    )
    """,
    "CREATE TABLE workspace_settings (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """
    CREATE TABLE description_reads (             -- append-only: who read ISTV free-text locations, and why
        read_at       TIMESTAMP NOT NULL,
        analyst       VARCHAR NOT NULL,
        purpose       VARCHAR NOT NULL,
        rows          BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE ingest_agreements (             -- the agreement each ingest came under (NULL = none was current)
        ingest_id     INTEGER PRIMARY KEY,
        reference     VARCHAR,
        checked       VARCHAR NOT NULL           -- 'current' | 'not current' | 'none' | 'named, not in register'
    )
    """,
)

# v5: risk-factor tables partners hold (school exclusions, children in need, NEET, youth-justice cohort) at LSOA level.
_V5 = (
    """
    CREATE TABLE risk_factors (          -- one row per LSOA of a partner's table (svduty ingest risk-factors)
        ingest_id    INTEGER NOT NULL,
        table_name   VARCHAR NOT NULL,   -- 'school_exclusions' | 'children_in_need' | 'neet' | 'youth_justice'
        lsoa_code    VARCHAR NOT NULL,
        period       VARCHAR NOT NULL,   -- as the partner names it, e.g. '2021/22'
        count        DOUBLE NOT NULL,    -- people (or events) in the LSOA
        denominator  DOUBLE,             -- the population the count is of (pupils, children, 16-17s), if given
        synthetic    BOOLEAN NOT NULL,
        line         BIGINT NOT NULL
    )
    """,
)

# v6: recurring persons for the risk index. The synthetic layer draws one person per involvement; these tables say
# which recurring synthetic person each synthetic suspect involvement is, and hold the demographics the fairness
# checks need (ethnicity is not in any adapter yet). Additive: involvements and persons are unchanged.
_V6 = (
    """
    CREATE TABLE synthetic_person_links (  -- synthetic layer: involvement's one-off person → recurring person
        involvement_person_id VARCHAR PRIMARY KEY,   -- involvements.person_id (unchanged)
        person_id             VARCHAR NOT NULL,      -- the recurring person's pseudonym
        synthetic             BOOLEAN NOT NULL DEFAULT true
    )
    """,
    """
    CREATE TABLE person_attributes (       -- per-person demographics for fairness checks, recorded or synthetic
        person_id    VARCHAR PRIMARY KEY,  -- pseudonym, never a source identifier
        sex          VARCHAR,
        birth_year   INTEGER,
        ethnic_group VARCHAR,              -- ONS 2021 high-level ethnic group; NULL = not recorded
        source       VARCHAR NOT NULL,
        synthetic    BOOLEAN NOT NULL
    )
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "canonical tables", _V1),
    Migration(2, "LSOA lookup, population provenance, synthetic-layer bookkeeping", _V2),
    Migration(3, "views lsoa_areas and lsoa_population (either LSOA vintage → district, residents)", _V3),
    Migration(4, "ISTV submissions and assaults, hospital admissions, data-sharing agreements", _V4),
    Migration(5, "partner risk-factor tables by LSOA (school exclusions, children in need, NEET, youth justice)", _V5),
    Migration(6, "recurring persons for the risk index: synthetic person links, person attributes", _V6),
)

LATEST_VERSION = MIGRATIONS[-1].version
