"""Permission-matrix rows for the board (meetings, actions, risks, packs) and engagement (consultations, networks,
public summaries) of issue 15, and their POST-only URLs. Used by test_permission_matrix.py and test_board.py."""

from __future__ import annotations

from django.urls import reverse as u

ALL = {"admin", "officer", "assessor", "chief_executive", "pcc", "provider", "public"}
PARTNERS = {"admin", "officer", "assessor", "chief_executive", "pcc"}
LEADERSHIP = {"admin", "officer", "chief_executive", "pcc"}
STAFF = {"admin", "officer"}


def demo_meetings():
    from svduty.web.partnership.models import BoardMeeting

    meetings = list(BoardMeeting.objects.filter(partnership__is_demo=True).order_by("date"))
    return meetings[0], meetings[-1]


def board_matrix(w):
    from svduty.web.board.models import AgendaItem, BoardPack, Paper, Risk
    from svduty.web.partnership.models import BoardAction

    first, second = demo_meetings()
    carried = BoardAction.objects.filter(status="carried").first()
    live = BoardAction.objects.filter(status__in=["open", "in_progress"]).first()
    return [
        ("board:meetings", u("board:meetings"), PARTNERS),
        ("board:meeting_new", u("board:meeting_new"), STAFF),
        ("board:meeting", u("board:meeting", args=[second.pk]), PARTNERS),
        ("board:meeting_edit", u("board:meeting_edit", args=[second.pk]), STAFF),
        ("board:meeting_history", u("board:meeting_history", args=[first.pk]), PARTNERS),
        ("board:agenda_new", u("board:agenda_new", args=[second.pk]), STAFF),
        ("board:agenda_edit", u("board:agenda_edit", args=[AgendaItem.objects.first().pk]), STAFF),
        ("board:paper_upload", u("board:paper_upload", args=[second.pk]), STAFF),
        ("board:paper_download", u("board:paper_download", args=[Paper.objects.first().pk]), PARTNERS),
        ("board:attendance", u("board:attendance", args=[second.pk]), STAFF),
        ("board:decision_new", u("board:decision_new", args=[second.pk]), STAFF),
        ("board:decision_edit", u("board:decision_edit", args=[second.decisions.first().pk]), STAFF),
        ("board:action_new", u("board:action_new", args=[second.pk]), STAFF),
        ("board:actions", u("board:actions"), PARTNERS),
        ("board:action_edit", u("board:action_edit", args=[live.pk]), STAFF),
        # A carried-forward action is edited on the meeting it was carried to: nobody edits the old one.
        ("board:action_edit", u("board:action_edit", args=[carried.pk]), set()),
        ("board:risks", u("board:risks"), LEADERSHIP),
        ("board:risk_new", u("board:risk_new"), STAFF),
        ("board:risk_edit", u("board:risk_edit", args=[Risk.objects.first().pk]), STAFF),
        ("board:packs", u("board:packs"), LEADERSHIP),
        ("board:pack_download", u("board:pack_download", args=[BoardPack.objects.first().pk]), LEADERSHIP),
    ]


def engagement_matrix(w):
    from svduty.web.engagement.models import Consultation, Network

    c = Consultation.objects.get(is_demo=True)
    text_question = c.questions.filter(kind="text").first()
    network = Network.objects.get(name="Demoshire Faith Alliance")
    return [
        ("engagement:consultations", u("engagement:consultations"), PARTNERS),
        ("engagement:consultation_new", u("engagement:consultation_new"), STAFF),
        ("engagement:consultation", u("engagement:consultation", args=[c.pk]), PARTNERS),
        ("engagement:consultation_edit", u("engagement:consultation_edit", args=[c.pk]), STAFF),
        ("engagement:question_new", u("engagement:question_new", args=[c.pk]), STAFF),
        ("engagement:theme_new", u("engagement:theme_new", args=[c.pk]), STAFF),
        ("engagement:finding_new", u("engagement:finding_new", args=[c.pk]), STAFF),
        ("engagement:responses", u("engagement:responses", args=[c.pk]), STAFF),
        ("engagement:response_new", u("engagement:response_new", args=[c.pk]), STAFF),
        ("engagement:responses_import", u("engagement:responses_import", args=[c.pk]), STAFF),
        ("engagement:coding", u("engagement:coding", args=[text_question.pk]), STAFF),
        ("engagement:finding_cite", u("engagement:finding_cite", args=[c.findings.first().pk]), STAFF),
        ("engagement:networks", u("engagement:networks"), PARTNERS),
        ("engagement:network_new", u("engagement:network_new"), STAFF),
        ("engagement:network", u("engagement:network", args=[network.pk]), PARTNERS),
        ("engagement:network_edit", u("engagement:network_edit", args=[network.pk]), STAFF),
        ("engagement:member_new", u("engagement:member_new", args=[network.pk]), STAFF),
        ("engagement:activity_new", u("engagement:activity_new", args=[network.pk]), STAFF),
        ("engagement_public:consultations", u("engagement_public:consultations"), ALL),
        ("engagement_public:consultation", u("engagement_public:consultation", args=[c.pk]), ALL),
    ]


def issue15_matrix(w):
    return [*board_matrix(w), *engagement_matrix(w)]


def fresh_live_action():
    """An open action on the first demo meeting (a later meeting exists, so it can be carried forward)."""
    from svduty.web.partnership.models import BoardAction, Organisation

    first, _second = demo_meetings()
    return BoardAction.objects.create(meeting=first, text="Matrix action", owner=Organisation.objects.first()).pk


def fresh_draft_consultation():
    from svduty.web.engagement.models import Consultation, Question

    c = Consultation.objects.create(
        partnership=Consultation.objects.first().partnership,
        title="Matrix consultation",
        purpose="Permission test",
        audience="community",
        opens_on="2025-01-01",
        closes_on="2025-02-01",
    )
    Question.objects.create(consultation=c, order=1, text="What matters to you?")
    return c.pk


def post_only_matrix():
    """(url name, url factory, roles allowed): allowed roles are redirected onwards, others refused."""
    _first, second = demo_meetings()
    return [
        ("board:action_carry", lambda: u("board:action_carry", args=[fresh_live_action()]), STAFF),
        ("board:carry_all", lambda: u("board:carry_all", args=[second.pk]), STAFF),
        (
            "engagement:transition",
            lambda: u("engagement:transition", args=[fresh_draft_consultation(), "open"]),
            STAFF,
        ),
        ("board:pack_make", lambda: u("board:pack_make"), STAFF),
    ]


def ensure_strategy(partnership):
    """The demo's strategy when the strategy demo is loaded; otherwise a small one made here for the test (two
    priorities, a national and a local measure with values either side of 2024-25 Q3's end, a cited finding)."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from svduty.web.engagement.models import Finding, PriorityCitation
    from svduty.web.strategy.models import MeasureValue, Strategy, StrategyPriority, SuccessMeasure

    existing = Strategy.objects.filter(partnership=partnership, starts_on__lte=date(2024, 12, 31))
    if existing.filter(priorities__measures__values__isnull=False).exists():
        return existing.first()
    officer = get_user_model().objects.get(username="officer")
    strategy = Strategy.objects.create(
        partnership=partnership,
        title="Test strategy 2024-26",
        period="2024-26",
        starts_on=date(2024, 4, 1),
        ends_on=date(2026, 3, 31),
        status="agreed",
        created_by=officer,
    )
    young = StrategyPriority.objects.create(
        strategy=strategy, order=1, title="Prevention for under-18s", target_kind="cohort", target="under-18s"
    )
    StrategyPriority.objects.create(
        strategy=strategy, order=2, title="Night-time economy", target_kind="place", target="town centres"
    )
    knife = SuccessMeasure.objects.create(
        priority=young, kind="national", national_key="knife_sv_u25", name="Knife SV u25"
    )
    local = SuccessMeasure.objects.create(
        priority=young, kind="local", name="Youth club attendance", direction="up", order=1
    )
    for measure, rows in (
        (knife, [("2022", date(2022, 12, 31), 40), ("2023", date(2023, 12, 31), 35), ("2025", date(2025, 12, 31), 20)]),
        (local, [("2024 Q2", date(2024, 9, 30), 100), ("2024 Q3", date(2024, 12, 31), 90)]),
    ):
        for period, end, value in rows:
            MeasureValue.objects.create(measure=measure, period=period, period_end=end, value=value)
    finding = Finding.objects.filter(consultation__is_demo=True).first()
    PriorityCitation.objects.create(priority=young, finding=finding)
    return strategy


def independent_priorities(section, partnership) -> list[str]:
    """Differences between the pack's priorities section and raw SQL over the strategy tables (empty: none)."""
    from django.db import connection

    problems = []
    strategy = section.totals["strategy"]
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT id, title FROM strategy_strategypriority WHERE strategy_id = %s ORDER BY "order", id', [strategy.pk]
        )
        priorities = cursor.fetchall()
        if [(line.priority.pk, line.priority.title) for line in section.rows] != priorities:
            problems.append("priorities differ")
        for line in section.rows:
            for m in line.measures:
                cursor.execute(
                    """SELECT value FROM strategy_measurevalue WHERE measure_id = %s AND period_end <= %s
                       ORDER BY period_end, id""",
                    [m.measure.pk, "2024-12-31"],
                )
                values = [row[0] for row in cursor.fetchall()]
                if [v.value for v in m.values] != values:
                    problems.append(f"values differ for {m.measure.name}")
                change = values[-1] - values[-2] if len(values) > 1 else None
                if m.change != change:
                    problems.append(f"change differs for {m.measure.name}")
                if change is not None:
                    better = change < 0 if m.measure.direction == "down" else change > 0
                    expected = "level" if change == 0 else "better" if better else "worse"
                    if m.trend != expected:
                        problems.append(f"trend differs for {m.measure.name}")
            cursor.execute(
                "SELECT finding_id FROM engagement_prioritycitation WHERE priority_id = %s ORDER BY finding_id",
                [line.priority.pk],
            )
            if sorted(f.pk for f in line.findings) != [row[0] for row in cursor.fetchall()]:
                problems.append(f"citations differ for {line.priority.title}")
    return problems
