"""DEMO DATA for engagement: a young people's consultation ("Feeling safe in Demoshire", 2024) with 48 fictional
responses drawn by a seeded generator from a fixed set of answers, coded with five themes, its findings and a
published "we asked, you said, we did" summary; and the Demoshire Faith Alliance, a multi-faith network modelled on
the West Midlands Faith Alliance named in the seeds, with a youth network beside it."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from svduty.web.partnership.models import Organisation, Partnership

from .models import Answer, Consultation, Finding, Network, NetworkActivity, NetworkMember, Question, Response, Theme
from .options import QuestionKind

THEMES = {
    "things_to_do": ("More youth clubs and things to do", "Somewhere to go in the evenings, sport, music"),
    "visible_adults": (
        "Trusted adults and staff visible",
        "Youth workers, staff or police around where young people are",
    ),
    "lighting": ("Better lighting and CCTV", "Dark routes home, bus stops, parks"),
    "talk_to": ("Someone to talk to", "Adults who listen and do not judge"),
    "online": ("What happens online", "Fights filmed and shared, threats on social media"),
}
# (answer to "what would make you feel safer?", its themes) — written for the demo, not real responses.
SAFER = [
    ("A youth club that is open on Friday nights", ["things_to_do"]),
    ("More lights on the path by the park and the canal", ["lighting"]),
    ("Youth workers in town on weekend evenings", ["visible_adults"]),
    ("Stop people filming fights and posting them", ["online"]),
    ("Free football and boxing after school", ["things_to_do"]),
    ("CCTV at the bus station", ["lighting"]),
    ("Someone at school I can actually talk to", ["talk_to"]),
    ("Police who talk to us, not just stop us", ["visible_adults"]),
    ("Places to go that are not the shopping centre", ["things_to_do"]),
    ("People taking threats on Snapchat seriously", ["online", "talk_to"]),
]
TALK = [
    ("My mum or my nan", ["talk_to"]),
    ("A youth worker", ["talk_to", "visible_adults"]),
    ("Nobody really", ["talk_to"]),
    ("A teacher I trust", ["talk_to"]),
    ("My friends", []),
]
AREAS = ["Demoshire City", "Northern Demoshire", "Southern Demoshire", "Eastern Demoshire"]
BANDS = ["12-15", "12-15", "16-17", "16-17", "18-24", ""]
KNIFE = ["Yes", "No", "No", "Prefer not to say"]


def load(today: date) -> None:
    partnership = Partnership.objects.get(is_demo=True)
    officer = get_user_model().objects.get(username="officer")
    consultation = Consultation.objects.create(
        partnership=partnership,
        title="Feeling safe in Demoshire: young people's survey 2024",
        purpose=(
            "To hear from young people aged 11 to 24 where and when they feel unsafe, and what would help, before the "
            "partnership agrees its 2024-26 priorities. DEMO DATA: a fictional consultation."
        ),
        audience="young_people",
        opens_on=date(2024, 2, 1),
        closes_on=date(2024, 3, 15),
        status="published",
        retention_months=36,
        we_asked=(
            "We asked young people across Demoshire how safe they feel, whether they have seen someone carrying a "
            "knife, what would make them feel safer and who they would talk to. 48 young people answered online, on "
            "paper and in workshops run by youth workers and faith groups."
        ),
        you_said=(
            "Most of you feel unsafe in town centres after dark. You want things to do in the evenings, trusted "
            "adults around, better lighting on routes home, and someone to talk to when threats start online."
        ),
        we_did=(
            "The Board made prevention and early intervention for under-18s a priority, funded detached youth work on "
            "Friday and Saturday evenings, and asked the Youth Justice Service to review its diversion offer."
        ),
        published_at=timezone.make_aware(timezone.datetime(2024, 4, 20, 10, 0)),
        is_demo=True,
    )
    q1 = Question.objects.create(
        consultation=consultation,
        order=1,
        kind=QuestionKind.SCALE,
        text="How safe do you feel in your town centre after dark? (1 = very unsafe, 5 = very safe)",
    )
    q2 = Question.objects.create(
        consultation=consultation,
        order=2,
        kind=QuestionKind.CHOICE,
        text="Have you ever seen someone your age carrying a knife?",
        choices="Yes\nNo\nPrefer not to say",
    )
    q3 = Question.objects.create(consultation=consultation, order=3, text="What would make you feel safer?")
    q4 = Question.objects.create(
        consultation=consultation, order=4, text="Who would you talk to if you were worried about violence?"
    )
    themes = {
        key: Theme.objects.create(consultation=consultation, name=name, description=text)
        for key, (name, text) in THEMES.items()
    }
    rng = random.Random(15)  # fixed seed: the same demo every time
    for number in range(1, 49):
        response = Response.objects.create(
            consultation=consultation,
            reference=f"YP-{number:03d}",
            channel=rng.choice(["online", "online", "paper", "workshop"]),
            age_band=rng.choice(BANDS),
            area=rng.choice(AREAS),
            submitted_on=consultation.opens_on + timedelta(days=rng.randint(0, 43)),
            entered_by=officer,
            imported=True,
            import_row=number + 1,
        )
        Answer.objects.create(response=response, question=q1, text=str(rng.choice([1, 2, 2, 3, 3, 4, 5])))
        Answer.objects.create(response=response, question=q2, text=rng.choice(KNIFE))
        for question, pool in ((q3, SAFER), (q4, TALK)):
            text, keys = rng.choice(pool)
            answer = Answer.objects.create(response=response, question=question, text=text)
            answer.themes.set([themes[k] for k in keys])
    for order, (key, text) in enumerate(
        [
            ("things_to_do", "Young people want places to go and things to do in the evenings, above all on Fridays."),
            ("visible_adults", "Trusted adults — youth workers more than police — make town centres feel safer."),
            ("online", "Threats and filmed fights online come before violence on the street."),
        ],
        start=1,
    ):
        Finding.objects.create(consultation=consultation, theme=themes[key], text=text, order=order)
    _networks(partnership)


def _networks(partnership) -> None:
    orgs = {o.name: o for o in Organisation.objects.filter(is_demo=True)}
    alliance = Network.objects.create(
        partnership=partnership,
        name="Demoshire Faith Alliance",
        kind="faith",
        description=(
            "A multi-faith network of places of worship working with the partnership on violence reduction, "
            "modelled on the West Midlands Faith Alliance. DEMO DATA: fictional members."
        ),
        areas="\n".join(AREAS),
        coordinator=orgs.get("Demoshire Police and Crime Commissioner"),
        contact_name="Faith Alliance coordinator",
        contact_email="faith.alliance@demoshire.example",
        is_demo=True,
    )
    for name, kind, area in [
        ("St Mark's Church, Demoshire City", "faith", "Demoshire City"),
        ("Demoshire Central Mosque", "faith", "Demoshire City"),
        ("Guru Nanak Gurdwara, Northern Demoshire", "faith", "Northern Demoshire"),
        ("Shree Krishna Mandir, Eastern Demoshire", "faith", "Eastern Demoshire"),
        ("Demoshire Hebrew Congregation", "faith", "Southern Demoshire"),
        ("Eastern Demoshire Street Pastors", "voluntary", "Eastern Demoshire"),
    ]:
        NetworkMember.objects.create(
            network=alliance, name=name, kind=kind, area=area, contact="Faith leader", joined_on=date(2023, 9, 1)
        )
    for title, area, day, people in [
        (
            "Knife-crime awareness sessions after Friday prayers and Sunday services",
            "Demoshire City",
            date(2024, 5, 17),
            140,
        ),
        ("Safe spaces in places of worship during the summer holidays", "Northern Demoshire", date(2024, 8, 5), 65),
        (
            "Faith leaders' training on spotting exploitation and county lines",
            "Eastern Demoshire",
            date(2024, 10, 9),
            22,
        ),
        ("Hosting the young people's consultation workshops", "Southern Demoshire", date(2024, 2, 24), 18),
    ]:
        NetworkActivity.objects.create(network=alliance, title=title, area=area, held_on=day, participants=people)
    youth = Network.objects.create(
        partnership=partnership,
        name="Demoshire Youth Voice",
        kind="youth",
        description="Youth councils and youth clubs that test the partnership's plans with young people. DEMO DATA.",
        areas="\n".join(AREAS),
        contact_name="Youth participation officer",
        is_demo=True,
    )
    for name, area in [
        ("Demoshire Youth Council", "Demoshire City"),
        ("Northern Demoshire Youth Club", "Northern Demoshire"),
    ]:
        NetworkMember.objects.create(network=youth, name=name, kind="youth", area=area, contact="Youth worker")


# Which demo finding each strategy priority cites, by a word of the priority's title (the strategy app's demo follows
# County Durham and Darlington's four priorities; the consultation speaks to the under-18s one and the night-time one).
CITES = {"under-18": ["things_to_do", "visible_adults", "online"], "night": ["visible_adults"]}


def link_to_strategy(partnership) -> int:
    """Cite the consultation's findings from the demo strategy's priorities, and the networks' support; returns how
    many citations were made (none when no strategy is loaded)."""
    from svduty.web.strategy.models import StrategyPriority

    from .models import PriorityCitation

    findings = {f.theme.name: f for f in Finding.objects.filter(consultation__is_demo=True).select_related("theme")}
    made = 0
    for priority in StrategyPriority.objects.filter(strategy__partnership=partnership).exclude(
        strategy__status="superseded"
    ):
        for word, keys in CITES.items():
            if word not in priority.title.lower():
                continue
            for key in keys:
                finding = findings.get(THEMES[key][0])
                if finding is not None:
                    PriorityCitation.objects.get_or_create(priority=priority, finding=finding)
                    made += 1
            for network in Network.objects.filter(partnership=partnership, is_demo=True):
                network.priorities.add(priority)
    return made
