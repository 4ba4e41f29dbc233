"""Recurring synthetic persons: the layer's own rows are exactly what they were without this step, suspects recur
with a skew (most once, a few many times) clustered in time, demographics are recorded for most but not all, every
row is labelled synthetic, and the same seed gives the same links."""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from svduty.data import police_uk, synth, synth_recurrence
from svduty.data.person_records import involvement_records, person_attributes
from svduty.data.workspace import Workspace

LAYER = ("SELECT * FROM involvements ORDER BY ALL", "SELECT * FROM persons ORDER BY ALL")


def digest(con) -> str:
    return hashlib.sha256(repr([con.execute(q).fetchall() for q in LAYER]).encode()).hexdigest()


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("recur") / "ws")
    police_uk.ingest(w, list(police_uk.iter_sample_paths()))
    yield w
    w.close()


def test_layer_unchanged_skewed_and_labelled(ws, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(synth_recurrence, "link", lambda *a, **k: (0, 0))
        synth.run(ws, seed=21)
        without = digest(ws.con)
        assert ws.con.execute("SELECT count(*) FROM synthetic_person_links").fetchall()[0][0] == 0
    synth.run(ws, seed=21)
    assert digest(ws.con) == without  # the step draws from its own stream and writes only its own tables
    con = ws.con
    suspects = con.execute("SELECT count(*) FROM involvements WHERE role = 'suspect' AND synthetic").fetchall()[0][0]
    links = con.execute("SELECT involvement_person_id, person_id, synthetic FROM synthetic_person_links").fetchall()
    assert len(links) == suspects and all(s for *_, s in links)
    counts = np.array(list(Counter(p for _, p, _ in links).values()))
    assert (counts == 1).mean() > 0.5 and counts.max() >= 10 and counts.sum() == suspects
    attrs = con.execute("SELECT person_id, sex, birth_year, ethnic_group, source, synthetic FROM person_attributes")
    rows = attrs.fetchall()
    assert len(rows) == len(counts) and all(r[5] and r[4] == "synthetic" for r in rows)
    assert all(len(r[0]) == 64 for r in rows) and {r[1] for r in rows} <= {"male", "female", "unknown"}
    recorded = sum(r[3] is not None for r in rows)
    assert stats.binomtest(recorded, len(rows), synth_recurrence.Recurrence().ethnicity_recorded).pvalue > 1e-4
    assert {r[3] for r in rows if r[3]} == set(synth_recurrence.ETHNIC_GROUPS)
    # the reader puts each synthetic suspect under their recurring person, with that person's sex throughout
    rec = involvement_records(con)
    susp = rec[rec["role"] == "suspect"]
    assert susp["person"].nunique() == len(counts)
    assert (susp.groupby("person")["sex"].nunique() == 1).all()
    assert set(person_attributes(con)["person"]) == set(susp["person"])
    again = sorted(links)
    synth.run(ws, seed=21)
    assert sorted(con.execute("SELECT * FROM synthetic_person_links").fetchall()) == again  # same seed, same links
    synth.clear(ws)
    assert con.execute("SELECT count(*) FROM synthetic_person_links").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM person_attributes").fetchall()[0][0] == 0


def test_assignment_keeps_counts_and_clusters_careers():
    rng = np.random.default_rng(3)
    months = rng.integers(0, 36, 3000)
    owner = synth_recurrence.assign(months, synth_recurrence.Recurrence(), np.random.default_rng(8))
    assert len(owner) == len(months)
    ids, counts = np.unique(owner, return_counts=True)
    assert counts.sum() == 3000 and (counts >= 1).all()
    spread = [months[owner == i].std() for i in ids[counts >= 5]]
    assert np.median(spread) < months.std() / 2  # a person's records sit closer in time than records at large
    total = synth_recurrence.draw_counts(1234, synth_recurrence.Recurrence(), np.random.default_rng(1))
    assert total.sum() == 1234 and total.min() >= 1
