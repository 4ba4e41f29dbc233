"""Demo data for referrals: teams, caseworker accounts, a service directory and synthetic cases on both pathways
with referrals in every state, overdue steps and recorded follow-ups. Every case is ``is_synthetic`` and its
person is named "(synthetic)"; pseudonyms use the namespace ``synthetic-demo`` so they never match a real person.

Accounts (password as the other demo accounts): ``navigator`` (A&E navigator, Teachable Moment Navigators), ``yjs``
(youth justice caseworker on the Act Now team), ``custody`` (police custody officer who opens Operation Deter
referrals), ``navmanager`` and ``yjsmanager`` (team managers), ``mentor`` (a receiving service's caseworker),
``analyst`` (aggregates only) and ``dpo`` (data-protection officer).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from svduty.analysis.referrals import rules
from svduty.analysis.referrals.reoffending import add_months
from svduty.web.core.options import Role
from svduty.web.partnership.models import Organisation

from .identity import person_pseudonym
from .loading import load_shipped
from .models import Case, CaseAccess, CaseEvent, Consent, Deadline, FollowUp, Referral, Service, Team
from .options import (
    CaseState,
    CloseOutcome,
    ConsentKind,
    ConsentStatus,
    DoneReason,
    LawfulBasis,
    ReferralState,
    Scope,
)

NAMESPACE = "synthetic-demo"
SERVICES = [
    # organisation, name, type, eligibility, description
    (
        "Kick Off Sport Mentoring",
        "Kick Off mentoring",
        "mentoring",
        "Ages 10-25",
        "Weekly one-to-one mentoring through sport",
    ),
    ("Kick Off Sport Mentoring", "Kick Off football sessions", "sport", "Ages 10-19", "Evening football and boxing"),
    (
        "Street Spirit Youth Work",
        "Street Spirit detached youth work",
        "youth-work",
        "Ages 11-19",
        "Youth workers on the streets",
    ),
    (
        "Next Steps Mentoring",
        "Next Steps care-leaver mentoring",
        "mentoring",
        "Care leavers 18-25",
        "Wellbeing mentors",
    ),
    (
        "Demoshire Integrated Care Board",
        "Young people's mental health early help",
        "mental-health",
        "Ages 11-25",
        "CAMHS early help and crisis line",
    ),
    (
        "Demoshire County Council",
        "Demoshire young people's substance misuse service",
        "substance-misuse",
        "Under 25",
        "Drug and alcohol support",
    ),
    (
        "Demoshire County Council",
        "Demoshire parenting support",
        "parent-support",
        "Parents and carers",
        "Parenting programmes and family support",
    ),
    (
        "Demoshire County Council",
        "Demoshire careers and employment hub",
        "education-employment",
        "Ages 16-25",
        "Education, training and employment advice",
    ),
    (
        "Demoshire Youth Justice Service",
        "Act Now speech and language therapy",
        "speech-language",
        "Act Now children",
        "Speech, language and communication assessment",
    ),
    (
        "Demoshire City Council",
        "Demoshire City housing advice for young people",
        "housing",
        "Ages 16-25",
        "Temporarily closed for re-tendering",
    ),
]
FIRST = ["Alex", "Sam", "Jordan", "Riley", "Casey", "Jamie", "Morgan", "Taylor", "Charlie", "Robin", "Avery", "Quinn"]


def _org(name):
    return Organisation.objects.get(name=name)


def _accounts():
    from svduty.web.demo import _user

    navigators = _org("Teachable Moment Navigators")
    yjs_org = _org("Demoshire Youth Justice Service")
    police = _org("Demoshire Constabulary")
    pcc = _org("Demoshire Police and Crime Commissioner")
    ed_team = Team.objects.create(name="Emergency department navigators", organisation=navigators)
    act_now = Team.objects.create(name="Act Now", organisation=yjs_org)
    custody_team = Team.objects.create(name="Custody suite", organisation=police)
    mentors = Team.objects.create(name="Mentors", organisation=_org("Kick Off Sport Mentoring"))
    people = {
        "navigator": ("Nadia", "Navigator", Role.CASEWORKER, navigators, ed_team, Scope.SELF),
        "navmanager": ("Nia", "Manager", Role.TEAM_MANAGER, navigators, ed_team, Scope.TEAM),
        "yjs": ("Yusuf", "Caseworker", Role.CASEWORKER, yjs_org, act_now, Scope.TEAM),
        "yjsmanager": ("Yvonne", "Manager", Role.TEAM_MANAGER, yjs_org, act_now, Scope.AGENCY),
        "custody": ("Cal", "Custody-Officer", Role.CASEWORKER, police, custody_team, Scope.SELF),
        "mentor": ("Mo", "Mentor", Role.CASEWORKER, mentors.organisation, mentors, Scope.SELF),
        "analyst": ("Ana", "Analyst", Role.ANALYST, pcc, None, None),
        "dpo": ("Dee", "Protection-Officer", Role.DPO, pcc, None, None),
    }
    users = {}
    for username, (first, last, role, org, team, scope) in people.items():
        users[username] = _user(username, first, last, role, org)
        if scope is not None:
            CaseAccess.objects.update_or_create(user=users[username], defaults={"team": team, "scope": scope})
    return users


def _services():
    out = {}
    for org, name, kind, elig, desc in SERVICES:
        status = "temporarily closed" if "closed" in desc else "active"
        slug = name.lower().split()[0]
        out[name] = Service.objects.create(
            organisation=_org(org),
            name=name,
            service_type=kind,
            eligibility=elig,
            description=desc,
            area="Demoshire",
            email=f"referrals@{slug}.demo.invalid",
            phone="01632 960000",
            status=status,
        )
    return out


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _case(pathway, creator, agency, team, assigned, i, dob, incident, events, opened, rng):
    spec = pathway.spec
    decision = rules.evaluate(spec, dob, incident, {**events, "opened_at": opened})
    case = Case.objects.create(
        pathway=pathway,
        track=decision.track.slug,
        age_at_incident=decision.age,
        agency=agency,
        team=team,
        created_by=creator,
        assigned_to=assigned,
        pseudonym=person_pseudonym(NAMESPACE, f"DEMO-{pathway.slug}-{i}"),
        person_namespace=NAMESPACE,
        source_ref=f"DEMO-{pathway.slug}-{i}",
        given_name=FIRST[i % len(FIRST)],
        family_name=f"Example-{i:02d} (synthetic)",
        date_of_birth=dob,
        contact="01632 960123 (fictional)",
        incident_date=incident,
        opened_at=opened,
        is_synthetic=True,
        **events,
    )
    consent = ConsentStatus.GIVEN if i % 7 else ConsentStatus.OVERRIDDEN
    for kind in ConsentKind.values:
        Consent.objects.create(
            case=case,
            kind=kind,
            status=consent,
            recorded_by=creator,
            recorded_at=opened,
            lawful_basis=LawfulBasis.SAFEGUARDING if consent == ConsentStatus.OVERRIDDEN else "",
            reason="Safeguarding concern: risk of serious harm (synthetic)"
            if consent == ConsentStatus.OVERRIDDEN
            else "",
        )
    CaseEvent.objects.create(
        case=case,
        action="open",
        to_state="new",
        user=creator,
        at=opened,
        note=f"{decision.track.name}, age {decision.age} (synthetic)",
    )
    for d in decision.deadlines:
        done = d.due - timedelta(minutes=rng.randint(10, 60)) if rng.random() < 0.8 else None
        Deadline.objects.create(
            case=case,
            step=d.step,
            name=d.name,
            due=d.due,
            done_at=done,
            done_by=assigned if done else None,
            outcome=(decision.track.steps[0].outcomes or ("",))[0] if done else "",
        )
    for months in spec.follow_up_months:
        FollowUp.objects.create(case=case, months=months, due_on=add_months(opened.date(), months))
    return case


def _progress(case, today, rng, users, services, referral_state):
    """Move the case along its workflow; send one referral in ``referral_state``; record due follow-ups."""
    user = case.assigned_to or case.created_by
    age_days = (today - case.opened_at.date()).days
    states = [CaseState.ASSESSMENT, CaseState.PLAN, CaseState.SERVICES]
    for k, state in enumerate(states[: min(3, age_days // 10)]):
        CaseEvent.objects.create(
            case=case,
            action="step",
            from_state=case.state,
            to_state=state,
            user=user,
            at=case.opened_at + timedelta(days=3 * (k + 1)),
        )
        case.state = state
    if referral_state is not None:
        pool = [
            s
            for s in services.values()
            if s.status == "active"
            and s.service_type in case.pathway.spec.service_types
            and s.organisation_id != case.agency_id
        ]
        service = pool[case.pk % len(pool)] if referral_state != "mentor" else services["Kick Off mentoring"]
        state = ReferralState.PENDING if referral_state == "mentor" else referral_state
        sent = case.opened_at + timedelta(days=2)
        if state == ReferralState.PENDING and referral_state != "overdue":
            sent = timezone.now() - timedelta(days=1)
        ref = Referral(
            case=case,
            service=service,
            state=state,
            sent_by=user,
            sent_at=sent,
            respond_by=sent + timedelta(days=case.pathway.spec.referral_response_days),
            note="Interested in mentoring and sport (synthetic)",
        )
        if referral_state == "overdue":
            ref.state = ReferralState.PENDING
        if state in (ReferralState.ACCEPTED, ReferralState.REJECTED, ReferralState.DONE):
            ref.responded_by, ref.responded_at = user, sent + timedelta(days=1)
        if state == ReferralState.REJECTED:
            ref.reject_reason = "Outside our area (synthetic)"
        if state == ReferralState.DONE:
            ref.done_at = sent + timedelta(days=20)
            ref.successful = case.pk % 3 != 0
            ref.done_reason = "" if ref.successful else rng.choice(list(DoneReason.values))
        ref.save()
    if age_days > 120 and case.pk % 2 == 0:
        CaseEvent.objects.create(
            case=case,
            action="close",
            from_state=case.state,
            to_state=CaseState.CLOSED,
            user=user,
            at=case.opened_at + timedelta(days=90),
        )
        case.state, case.closed_at = CaseState.CLOSED, case.opened_at + timedelta(days=90)
        case.close_outcome = rng.choice(
            [
                CloseOutcome.PLAN_COMPLETED,
                CloseOutcome.PARTLY_COMPLETED,
                CloseOutcome.DECLINED,
                CloseOutcome.UNABLE_TO_CONTACT,
            ]
        )
    case.save()
    now = timezone.now()
    for f in case.follow_ups.filter(due_on__lte=today):
        again = rng.random() < (0.08 if case.track == "youth-diversion" else 0.25)
        f.checked_at, f.reoffended, f.incidents = now, again, int(again)
        f.serious_violence = int(again and rng.random() < 0.5)
        f.offences = "Possession of weapons (synthetic)" if again else ""
        if case.pathway.spec.record_ed_reattendance:
            from .followup import NO_ED_LINK

            f.ed_note = NO_ED_LINK
        f.save()


def _leapling(incident: date, today: date) -> date | None:
    for year in range(incident.year - 19, incident.year - 16):
        if year % 4 == 0 and (year % 100 or year % 400 == 0):
            dob = date(year, 2, 29)
            if rules.age_at(dob, incident) == 17 and rules.age_at(dob, today) >= 18:
                return dob
    return None


REFERRAL_STATES = [
    "mentor",
    ReferralState.ACCEPTED,
    ReferralState.REJECTED,
    ReferralState.DONE,
    "overdue",
    ReferralState.REVOKED,
    ReferralState.DONE,
    None,
]


def load(today: date) -> None:
    """Called once from ``svduty.web.demo.load`` inside its transaction."""
    pathways = {p.slug: p for p in load_shipped()}
    deter, nav = pathways["operation-deter"], pathways["a-and-e-navigator"]
    deter.comparison_label = "National proven re-offending rate, children (as cited by the Operation Deter pilot)"
    deter.comparison_rate = 0.25
    deter.comparison_source = "Thames Valley Operation Deter pilot report: 25–30% nationally (lower bound shown)"
    deter.save()
    nav.organisation = _org("Teachable Moment Navigators")
    nav.save()
    users = _accounts()
    services = _services()
    rng = random.Random(16)
    navigators = users["navigator"].profile.organisation
    yjs_org, police = users["yjs"].profile.organisation, users["custody"].profile.organisation
    ed_team, act_now = users["navigator"].case_access.team, users["yjs"].case_access.team
    for i in range(14):
        opened_day = today - timedelta(days=[400, 300, 200, 150, 100, 60, 30, 20, 10, 5, 3, 2, 1, 0][i])
        attended = _aware(opened_day, 21, 15)
        dob = date(opened_day.year - rng.randint(12, 24), rng.randint(1, 12), rng.randint(1, 28))
        case = _case(
            nav,
            users["navigator"],
            navigators,
            ed_team,
            users["navigator"],
            i,
            dob,
            opened_day,
            {"attended_at": attended},
            attended + timedelta(minutes=40),
            rng,
        )
        _progress(case, today, rng, users, services, REFERRAL_STATES[i % len(REFERRAL_STATES)])
    for i in range(16):
        opened_day = today - timedelta(days=[420, 380, 320, 250, 190, 130, 95, 70, 40, 25, 14, 7, 4, 2, 1, 0][i])
        arrest = _aware(opened_day, 2 + i % 20, 30)
        youth = i % 4 != 3
        years = rng.randint(14, 17) if youth else rng.randint(18, 30)
        dob = date(opened_day.year - years - 1, rng.randint(1, 12), rng.randint(1, 28))
        if i == 2:  # a leap-day child aged 17 at the incident who has turned 18 since: stays on the youth track
            dob = _leapling(opened_day, today) or dob
        released = arrest + timedelta(hours=rng.randint(6, 20)) if i < 15 else None
        age = rules.age_at(dob, opened_day)
        agency, team, worker = (yjs_org, act_now, users["yjs"]) if age < 18 else (police, None, users["custody"])
        case = _case(
            deter,
            users["custody"],
            agency,
            team,
            worker,
            100 + i,
            dob,
            opened_day,
            {"arrest_notified_at": arrest, "released_at": released},
            arrest + timedelta(minutes=20),
            rng,
        )
        _progress(case, today, rng, users, services, REFERRAL_STATES[(i + 3) % len(REFERRAL_STATES)])
