"""The board pack's figures equal independent queries of the same tables: one test per section, each written in
raw SQL against the tables the section's source note names (not through the pack's ORM code), on the demo data.
Plus the quarter contract (``2024-25-Q3``), the CLI and the PDF itself."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from svduty.web.board import pack as figures
from svduty.web.board.quarters import Quarter, QuarterError, parse_quarter, quarter_of

Q3 = parse_quarter("2024-25-Q3")


def sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _demo():
    from svduty.web.partnership.models import Partnership

    return Partnership.objects.get(is_demo=True)


def test_quarter_contract():
    q = parse_quarter("2024-25-Q3")
    assert (q.start, q.end, q.financial_year, q.code) == (
        date(2024, 10, 1),
        date(2024, 12, 31),
        "2024-25",
        "2024-25-Q3",
    )
    assert (parse_quarter("2024-25-Q1").start, parse_quarter("2024-25-Q1").end) == (date(2024, 4, 1), date(2024, 6, 30))
    assert (parse_quarter("2024-25-Q4").start, parse_quarter("2024-25-Q4").end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert parse_quarter("1999-00-Q2").financial_year == "1999-00"
    assert quarter_of(date(2025, 3, 31)) == Quarter(2024, 4) and quarter_of(date(2025, 4, 1)) == Quarter(2025, 1)
    assert Quarter(2024, 1).previous() == Quarter(2023, 4)
    for bad in ("2024-26-Q3", "2024-25-Q5", "Q3 2024-25", "2024/25-Q3", ""):
        with pytest.raises(QuarterError, match=r"2024-25-Q3|run into the next year"):
            parse_quarter(bad)


@pytest.mark.django_db
def test_spend_section_equals_the_ledger_tables(world):
    p = _demo()
    section = figures.spend_vs_budget(p, Q3)
    expected = [
        row
        for row in sql(
            """
            SELECT s.name,
              (SELECT COALESCE(SUM(b.amount_pence), 0) FROM funding_budget b
                 WHERE b.stream_id = s.id AND b.financial_year = %s),
              (SELECT COALESCE(SUM(c.amount_pence), 0) FROM funding_commitment c
                 WHERE c.stream_id = s.id AND c.financial_year = %s AND c.released = %s),
              (SELECT COALESCE(SUM(x.amount_pence), 0) FROM funding_spend x JOIN funding_commitment c
                 ON x.commitment_id = c.id WHERE c.stream_id = s.id AND c.financial_year = %s AND x.paid_on <= %s),
              (SELECT COALESCE(SUM(x.amount_pence), 0) FROM funding_spend x JOIN funding_commitment c
                 ON x.commitment_id = c.id WHERE c.stream_id = s.id AND c.financial_year = %s
                 AND x.paid_on >= %s AND x.paid_on <= %s)
            FROM funding_fundingstream s WHERE s.partnership_id = %s ORDER BY s.name, s.id
            """,
            "2024-25",
            "2024-25",
            False,
            "2024-25",
            Q3.end,
            "2024-25",
            Q3.start,
            Q3.end,
            p.pk,
        )
        if any(row[1:4])
    ]
    got = [
        (r.stream, r.budget_pence, r.committed_pence, r.spent_to_date_pence, r.spent_in_quarter_pence)
        for r in section.rows
    ]
    assert got == [tuple(int(v) if not isinstance(v, str) else v for v in row) for row in expected]
    assert section.rows and section.totals["budget_pence"] == sum(r[1] for r in expected) > 0
    assert "funding_budget" in section.source and "financial_year = 2024-25" in section.source


def _independent_rag(partnership_id: int, end: date) -> dict[str, tuple]:
    """The delivery dashboard's RAG rule recomputed from raw rows: (budget, paid, accepted, delivery, colour)."""
    programmes = sql(
        """SELECT pr.id, pr.title, pr.status, pr.award_id FROM programmes_programme pr
           JOIN commissioning_award a ON pr.award_id = a.id
           JOIN commissioning_application ap ON a.application_id = ap.id
           JOIN commissioning_round r ON ap.round_id = r.id WHERE r.partnership_id = %s""",
        partnership_id,
    )
    out = {}
    for pid, title, status, award_id in programmes:
        budget = sql(
            "SELECT COALESCE(SUM(amount_pence), 0) FROM funding_commitment WHERE award_id = %s AND released = %s",
            award_id,
            False,
        )[0][0]
        paid = sql(
            """SELECT COALESCE(SUM(x.amount_pence), 0) FROM funding_spend x JOIN funding_commitment c
               ON x.commitment_id = c.id WHERE c.award_id = %s""",
            award_id,
        )[0][0]
        returns = sql(
            """SELECT financial_year, quarter, status, due_on, spend_to_date_pence FROM programmes_monitoringreturn
               WHERE programme_id = %s""",
            pid,
        )
        due, late, very_late, accepted, latest = set(), 0, 0, 0, None
        for year, quarter, state, due_on, spend in returns:
            due_on = date.fromisoformat(due_on) if isinstance(due_on, str) else due_on
            if state == "accepted":
                accepted += 1
                due.add((year, quarter))
                if spend is not None and (latest is None or (year, quarter) > latest[0]):
                    latest = ((year, quarter), spend)
            elif due_on < end:
                due.add((year, quarter))
                if state in ("draft", "returned"):
                    late += 1
                    very_late += due_on < end - timedelta(days=30)
        ratios = []
        for (indicator_id,) in sql("SELECT id FROM programmes_indicator WHERE programme_id = %s", pid):
            target = sum(
                v
                for y, q, v in sql(
                    "SELECT financial_year, quarter, value FROM programmes_target WHERE indicator_id = %s",
                    indicator_id,
                )
                if (y, q) in due
            )
            actual = sql(
                """SELECT COALESCE(SUM(v.actual), 0) FROM programmes_returnvalue v JOIN programmes_monitoringreturn m
                   ON v.monitoring_return_id = m.id WHERE v.indicator_id = %s AND m.status = 'accepted'""",
                indicator_id,
            )[0][0]
            if target:
                ratios.append(min(actual / target, 1.0))
        delivery = sum(ratios) / len(ratios) if ratios else None
        over = max(latest[1] if latest else 0, paid) > budget
        if over or very_late or (delivery is not None and delivery < 0.7):
            colour = "red"
        elif late or status == "paused" or (delivery is not None and delivery < 0.9):
            colour = "amber"
        elif delivery is None:
            colour = "grey"
        else:
            colour = "green"
        out[title] = (int(budget), int(paid), accepted, delivery, colour)
    return out


@pytest.mark.django_db
def test_programme_rag_section_equals_an_independent_count(world):
    p = _demo()
    section = figures.programme_rag(p, Q3)
    expected = _independent_rag(p.pk, Q3.end)
    got = {r.programme.title: (r.budget_pence, r.paid_pence, r.accepted, r.delivery, r.rag) for r in section.rows}
    assert set(got) == set(expected) and len(got) == 8
    for title, (budget, paid, accepted, delivery, colour) in expected.items():
        g = got[title]
        assert g[:3] == (budget, paid, accepted), title
        assert (g[3] is None) == (delivery is None) and (delivery is None or abs(g[3] - delivery) < 1e-9), title
        assert g[4] == colour, title
    assert {c for *_rest, c in expected.values()} - {"grey"}, "the demo rates some programmes on 2024-12-31"
    assert "programmes_monitoringreturn" in section.source


def _local_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return timezone.localtime(value).date()


def _independent_referrals(quarter: Quarter) -> list[tuple]:
    start, end = quarter.start, quarter.end
    out = []
    for pathway_id, name in sql("SELECT id, name FROM referrals_pathway ORDER BY name, id"):
        cases = [
            (_local_date(o), _local_date(c))
            for o, c in sql("SELECT opened_at, closed_at FROM referrals_case WHERE pathway_id = %s", pathway_id)
        ]
        refs = [
            (state, _local_date(sent), _local_date(responded), _local_date(done), successful)
            for state, sent, responded, done, successful in sql(
                """SELECT r.state, r.sent_at, r.responded_at, r.done_at, r.successful FROM referrals_referral r
                   JOIN referrals_case c ON r.case_id = c.id WHERE c.pathway_id = %s AND r.state <> 'revoked'""",
                pathway_id,
            )
        ]
        inside = lambda d: d is not None and start <= d <= end  # noqa: E731
        out.append(
            (
                name,
                sum(inside(o) for o, _c in cases),
                sum(inside(c) for _o, c in cases),
                sum(o <= end and (c is None or c > end) for o, c in cases),
                sum(inside(s) for _st, s, *_r in refs),
                sum(st in ("accepted", "done") and inside(r) for st, _s, r, _d, _ok in refs),
                sum(st == "done" and bool(ok) and inside(d) for st, _s, _r, d, ok in refs),
            )
        )
    return out


@pytest.mark.django_db
def test_referral_section_equals_an_independent_count(world):
    from svduty.web.referrals.models import Case

    latest = Case.objects.order_by("-opened_at").first().opened_at
    busy = quarter_of(timezone.localtime(latest).date()).previous()
    for quarter in (Q3, busy, quarter_of(timezone.localdate())):
        section = figures.referral_throughput(quarter)
        got = [
            (
                r.pathway,
                r.opened,
                r.closed,
                r.open_at_end,
                r.referrals_sent,
                r.referrals_accepted,
                r.referrals_completed,
            )
            for r in section.rows
        ]
        assert got == _independent_referrals(quarter), quarter
    assert any(sum(row[1:]) for row in _independent_referrals(busy)), "the demo has cases in that quarter"
    assert all(sum(row[1:3]) == 0 for row in _independent_referrals(Q3))  # the demo's cases start later


@pytest.mark.django_db
def test_open_actions_section_equals_the_action_table(world):
    p = _demo()
    section = figures.open_actions(p, Q3)
    rows = sql(
        """SELECT a.id, a.due FROM partnership_boardaction a JOIN partnership_boardmeeting m ON a.meeting_id = m.id
           WHERE m.partnership_id = %s AND a.status IN ('open', 'in_progress')""",
        p.pk,
    )
    assert sorted(a.pk for a in section.rows) == sorted(r[0] for r in rows) and rows
    dues = [date.fromisoformat(d) if isinstance(d, str) else d for _id, d in rows]
    assert section.totals == {"open": len(rows), "overdue": sum(1 for d in dues if d and d < Q3.end)}
    carried = sql("SELECT COUNT(*) FROM partnership_boardaction WHERE status = 'carried'")[0][0]
    assert carried >= 1 and all(a.status != "carried" for a in section.rows)


@pytest.mark.django_db
def test_risk_section_equals_the_risk_log(world):
    p = _demo()
    section = figures.risks(p)
    rows = sql("SELECT id, likelihood * impact FROM board_risk WHERE partnership_id = %s AND status <> 'closed'", p.pk)
    expected = [r[0] for r in sorted(rows, key=lambda r: (-r[1], r[0]))]
    assert [r.pk for r in section.rows] == expected and len(expected) == 4
    bands = {"red": 0, "amber": 0, "green": 0}
    for _id, score in rows:
        bands["red" if score >= 15 else "amber" if score >= 8 else "green"] += 1
    assert section.totals == bands


@pytest.mark.django_db
def test_priorities_section_equals_the_priority_table(world):
    from .board_helpers import ensure_strategy, independent_priorities

    p = _demo()
    strategy = ensure_strategy(p)
    section = figures.build(p, Q3, date(2025, 1, 10)).section("priorities")
    assert section.totals["strategy"] == strategy and section.rows
    assert independent_priorities(section, p) == []
    lines = [m for line in section.rows for m in line.measures]
    assert any(m.values for m in lines), "some measure has values up to the quarter's end"
    assert all(v.period_end <= Q3.end for m in lines for v in m.values)  # later values are not in a Q3 pack
    assert "strategy_measurevalue" in section.source and f"id {strategy.pk}" in section.source


@pytest.mark.django_db
def test_boardpack_command_writes_the_pdf_with_its_figures(world, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from svduty.web.board.models import BoardPack
    from svduty.web.core.money import format_pence

    out = tmp_path / "pack.pdf"
    before = BoardPack.objects.count()
    call_command("boardpack", "--quarter", "2024-25-Q3", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and BoardPack.objects.count() == before + 1
    assert bytes(BoardPack.objects.order_by("-id").first().pdf) == data
    with pytest.raises(CommandError, match="2024-25-Q3"):
        call_command("boardpack", "--quarter", "2024-Q3", "--out", str(out))
    if not shutil.which("pdftotext"):
        pytest.skip("missing: pdftotext (poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    spend = figures.spend_vs_budget(_demo(), Q3)
    assert format_pence(spend.rows[0].budget_pence, whole=True) in text.replace("\n", " ")
    for table in (
        "funding_budget",
        "programmes_monitoringreturn",
        "referrals_case",
        "partnership_boardaction",
        "board_risk",
    ):
        assert table in text, table
    assert "DEMO DATA" in text and "2024-25 Q3" in text
