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
