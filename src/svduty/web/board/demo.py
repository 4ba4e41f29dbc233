"""DEMO DATA for the board: agenda and attendance for the June 2024 meeting the main demo records, a second meeting
(January 2025, reviewing 2024-25 Q3) to which an unfinished action is carried forward, decisions, new actions, a
risk log, and the Q3 board pack assembled from the demo's own records and attached to the second meeting."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from svduty.web.engagement import demo as engagement_demo
from svduty.web.partnership.models import BoardAction, BoardDecision, BoardMeeting, Organisation, Partnership
from svduty.web.partnership.options import ActionStatus

from . import actions
from .models import AgendaItem, MeetingAttendance, Paper, Risk
from .options import AgendaKind
from .quarters import parse_quarter
from .render import store_pack

DEMO_QUARTER = "2024-25-Q3"

FIRST_AGENDA = [
    (
        "Welcome, apologies and declarations of interest",
        AgendaKind.INFORMATION,
        "Demoshire Police and Crime Commissioner",
    ),
    ("Strategic Needs Assessment refresh", AgendaKind.DISCUSSION, "Demoshire County Council"),
    ("2024-25 grant round: panel recommendations", AgendaKind.DECISION, "Demoshire Police and Crime Commissioner"),
]
SECOND_AGENDA = [
    ("Welcome, apologies and matters arising", AgendaKind.INFORMATION, "Demoshire Police and Crime Commissioner"),
    (
        "Quarterly performance: the 2024-25 Q3 board pack",
        AgendaKind.DISCUSSION,
        "Demoshire Police and Crime Commissioner",
    ),
    ("Young people's consultation: what we heard", AgendaKind.DISCUSSION, "Demoshire County Council"),
    ("Risk log review", AgendaKind.DECISION, "Demoshire Police and Crime Commissioner"),
]
SECOND_ABSENT = {"HMP Demoshire": "apologies", "Demoshire Fire and Rescue Service": "apologies"}
RISKS = [
    (
        "Home Office grant for 2025-26 not confirmed before programmes must give notice",
        "Demoshire Police and Crime Commissioner",
        3,
        4,
        "Grant agreements allow a break clause at 31 March; the PCC has set aside reserves for one quarter.",
    ),
    (
        "Health data (ISTV) not shared by the emergency department, weakening the SNA",
        "Demoshire Integrated Care Board",
        4,
        3,
        "Data-sharing agreement drafted under the Duty's s.17 power; ICB information governance lead to sign.",
    ),
    (
        "Providers' quarterly returns late, so the board cannot see delivery",
        "Demoshire Police and Crime Commissioner",
        3,
        2,
        "Automatic reminders 7 days before the due date; officer follows up each late return within a week.",
    ),
    (
        "Young people do not trust the partnership enough to take part in engagement",
        "Demoshire Youth Justice Service",
        2,
        3,
        "Consultation run through youth workers and the faith alliance, not the police; results published.",
    ),
]


def load(today: date) -> None:
    partnership = Partnership.objects.get(is_demo=True)
    orgs = {o.name: o for o in Organisation.objects.filter(is_demo=True)}
    first = BoardMeeting.objects.filter(partnership=partnership).order_by("date").first()
    _agenda(first, FIRST_AGENDA, orgs)
    _attendance(first, orgs, {})
    BoardAction.objects.create(
        meeting=first,
        text="VRU to bring programme delivery (RAG) to every board meeting",
        owner=orgs["Demoshire Police and Crime Commissioner"],
        due=date(2024, 10, 31),
        status=ActionStatus.DONE,
        update="Board dashboard in place from Q2 (DEMO DATA)",
    )
    sna = first.actions.get(text="Share the refreshed SNA with all partners")
    sna.status, sna.update = ActionStatus.IN_PROGRESS, "Draft shared with the ICB and police; council sign-off awaited"
    sna.save()

    second = BoardMeeting.objects.create(
        partnership=partnership,
        date=date(2025, 1, 23),
        location="Demoshire County Hall",
        attendee_names="Pat Commissioner, PCC (chair)\nChris Chief-Executive, OPCC\nOlu Officer, VRU",
        minutes="The Board reviewed the 2024-25 Q3 board pack and the findings of the young people's consultation.",
    )
    _agenda(second, SECOND_AGENDA, orgs)
    _attendance(second, orgs, SECOND_ABSENT)
    for title, owner, likelihood, impact, mitigation in RISKS:
        Risk.objects.create(
            partnership=partnership,
            title=title,
            owner=orgs[owner],
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            raised_on=date(2024, 6, 27),
            reviewed_on=date(2025, 1, 23),
            is_demo=True,
        )
    engagement_demo.link_to_strategy(partnership)  # findings cited by the demo strategy's priorities, if loaded
    # The pack is assembled before the meeting, from the action log as it then stood.
    officer = get_user_model().objects.get(username="officer")
    pack = store_pack(partnership, parse_quarter(DEMO_QUARTER), today, officer, language="en-gb")
    actions.carry_all_to(second)  # the SNA action, still in progress, comes forward as matters arising
    for text in (
        "Note the 2024-25 Q3 board pack; the Walk Away One Punch campaign (red: spend above its award) to report back.",
        "Adopt the young people's consultation findings as evidence for the under-18s priority.",
    ):
        BoardDecision.objects.create(meeting=second, text=text)
    BoardAction.objects.create(
        meeting=second,
        text="Youth Justice Service to report how the consultation's findings change the diversion offer",
        owner=orgs["Demoshire Youth Justice Service"],
        due=date(2025, 4, 30),
    )
    BoardAction.objects.create(
        meeting=second,
        text="ICB to sign the ISTV data-sharing agreement",
        owner=orgs["Demoshire Integrated Care Board"],
        due=date(2025, 3, 31),
    )
    item = second.agenda.get(order=2)
    paper = Paper(
        meeting=second,
        agenda_item=item,
        title=f"Board pack {DEMO_QUARTER} (DEMO DATA)",
        original_name=f"board-pack-{DEMO_QUARTER}.pdf",
        content_type="application/pdf",
        size=len(pack.pdf),
        uploaded_by=officer,
    )
    paper.file.save(f"board-pack-{DEMO_QUARTER}.pdf", ContentFile(bytes(pack.pdf)), save=True)


def _agenda(meeting, items, orgs) -> None:
    for order, (title, kind, presenter) in enumerate(items, start=1):
        AgendaItem.objects.create(meeting=meeting, order=order, title=title, kind=kind, presenter=orgs[presenter])


def _attendance(meeting, orgs, absent: dict) -> None:
    """Every specified and relevant authority of the demo, present unless listed as giving apologies."""
    from svduty.web.partnership.options import RELEVANT, SPECIFIED

    roles = {"police": "Assistant Chief Constable", "council": "Director of Public Health", "pcc": "Commissioner"}
    for org in meeting.partnership.members.order_by("name"):
        if org.kind not in SPECIFIED | RELEVANT | {"pcc"}:
            continue
        MeetingAttendance.objects.create(
            meeting=meeting,
            organisation=org,
            status=absent.get(org.name, "present"),
            representative=roles.get(org.kind, "Senior manager"),
        )
    meeting.attendees.set([a.organisation for a in meeting.attendance.filter(status="present")])
