"""The board pack's figures for one partnership and one financial-year quarter, section by section.

Each section is read straight from the tables that hold it, and carries a source note naming those tables and the
filter used, so a board member (or ``tests/web/test_board_pack.py``) can recount any figure. No figure is computed
here that is not in the database: an empty table says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _

from svduty.web.funding.models import Budget, Commitment, FundingStream, Spend
from svduty.web.partnership.models import BoardAction, BoardMeeting, Partnership
from svduty.web.partnership.options import ACTION_LIVE

from .models import Risk
from .options import RiskStatus
from .quarters import Quarter


def table(model) -> str:
    """The database table behind ``model``: what a source note names."""
    return model._meta.db_table


@dataclass
class Section:
    key: str
    title: str
    source: str
    rows: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class SpendRow:
    stream: str
    budget_pence: int
    committed_pence: int
    spent_to_date_pence: int
    spent_in_quarter_pence: int

    @property
    def remaining_pence(self) -> int:
        return self.budget_pence - self.spent_to_date_pence

    @property
    def spent_share(self) -> float | None:
        return self.spent_to_date_pence / self.budget_pence if self.budget_pence else None


def spend_vs_budget(partnership: Partnership, quarter: Quarter) -> Section:
    """Per funding stream, the quarter's financial year: budget, live commitments, payments to the quarter's end
    and within it (the funding ledger's own tables)."""
    year = quarter.financial_year
    rows = []
    for stream in FundingStream.objects.filter(partnership=partnership).order_by("name", "id"):
        budget = Budget.objects.filter(stream=stream, financial_year=year).values_list("amount_pence", flat=True)
        committed = Commitment.objects.filter(stream=stream, financial_year=year, released=False).aggregate(
            s=Sum("amount_pence")
        )["s"]
        paid = Spend.objects.filter(commitment__stream=stream, commitment__financial_year=year)
        to_date = paid.filter(paid_on__lte=quarter.end).aggregate(s=Sum("amount_pence"))["s"]
        within = paid.filter(paid_on__gte=quarter.start, paid_on__lte=quarter.end).aggregate(s=Sum("amount_pence"))["s"]
        if not budget and not committed and not to_date:
            continue
        rows.append(SpendRow(stream.name, sum(budget), committed or 0, to_date or 0, within or 0))
    source = _(
        "Source: %(budget)s (financial_year = %(year)s); %(commitment)s (financial_year = %(year)s, released = "
        "false); %(spend)s joined to %(commitment)s (financial_year = %(year)s; to date: paid_on ≤ %(end)s; in the "
        "quarter: paid_on %(start)s to %(end)s). Amounts in pence in the database, shown in pounds."
    ) % {
        "budget": table(Budget),
        "commitment": table(Commitment),
        "spend": table(Spend),
        "year": year,
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
    }
    totals = {
        "budget_pence": sum(r.budget_pence for r in rows),
        "committed_pence": sum(r.committed_pence for r in rows),
        "spent_to_date_pence": sum(r.spent_to_date_pence for r in rows),
        "spent_in_quarter_pence": sum(r.spent_in_quarter_pence for r in rows),
    }
    return Section("spend", _("Spend against budget"), source, rows, totals)


def programme_rag(partnership: Partnership, quarter: Quarter) -> Section:
    """The delivery dashboard's rows and RAG rule, rated on the quarter's last day."""
    from svduty.web.programmes.dashboard import RAG_RULES, board
    from svduty.web.programmes.models import MonitoringReturn, Programme, Target

    programmes = Programme.objects.filter(award__application__round__partnership=partnership).order_by("title", "id")
    rows, totals = board(programmes, quarter.end)
    source = _(
        "Source: %(programme)s (the partnership's programmes), %(commitment)s (award budget, released = false), "
        "%(spend)s (paid), %(returns)s (accepted returns count; others are late once due_on is before %(end)s), "
        "%(target)s (targets of the quarters due), rated on %(end)s with the delivery dashboard's rule."
    ) % {
        "programme": table(Programme),
        "commitment": table(Commitment),
        "spend": table(Spend),
        "returns": table(MonitoringReturn),
        "target": table(Target),
        "end": quarter.end.isoformat(),
    }
    note = " ".join(str(text) for _colour, text in RAG_RULES)
    return Section("rag", _("Programme delivery (RAG)"), source, rows, totals, note)


@dataclass(frozen=True)
class PathwayRow:
    pathway: str
    opened: int
    closed: int
    open_at_end: int
    referrals_sent: int
    referrals_accepted: int
    referrals_completed: int


def referral_throughput(quarter: Quarter) -> Section:
    """Per referral pathway: cases opened and closed in the quarter, open at its end, and referrals sent, accepted
    and completed successfully in it (withdrawn referrals never count)."""
    from svduty.web.referrals.models import Case, Pathway, Referral
    from svduty.web.referrals.options import ReferralState

    start, end = quarter.start, quarter.end
    rows = []
    for pathway in Pathway.objects.order_by("name", "id"):
        cases = Case.objects.filter(pathway=pathway)
        referrals = Referral.objects.filter(case__pathway=pathway).exclude(state=ReferralState.REVOKED)
        rows.append(
            PathwayRow(
                pathway.name,
                cases.filter(opened_at__date__gte=start, opened_at__date__lte=end).count(),
                cases.filter(closed_at__date__gte=start, closed_at__date__lte=end).count(),
                cases.filter(opened_at__date__lte=end).exclude(closed_at__date__lte=end).count(),
                referrals.filter(sent_at__date__gte=start, sent_at__date__lte=end).count(),
                referrals.filter(
                    state__in=[ReferralState.ACCEPTED, ReferralState.DONE],
                    responded_at__date__gte=start,
                    responded_at__date__lte=end,
                ).count(),
                referrals.filter(
                    state=ReferralState.DONE, successful=True, done_at__date__gte=start, done_at__date__lte=end
                ).count(),
            )
        )
    source = _(
        "Source: %(case)s by pathway (opened: opened_at in %(start)s to %(end)s; closed: closed_at in it; open at "
        "the end: opened_at ≤ %(end)s and not closed by then); %(referral)s of those cases, state ≠ revoked (sent: "
        "sent_at in the quarter; accepted: state accepted or done, responded_at in it; completed: state done, "
        "successful, done_at in it)."
    ) % {"case": table(Case), "referral": table(Referral), "start": start.isoformat(), "end": end.isoformat()}
    return Section("referrals", _("Referral pathway throughput"), source, rows)


def open_actions(partnership: Partnership, quarter: Quarter) -> Section:
    """Actions still open or in progress (carried-forward ones appear once, on the meeting they were carried to)."""
    actions = (
        BoardAction.objects.filter(meeting__partnership=partnership, status__in=ACTION_LIVE)
        .select_related("owner", "meeting")
        .order_by("due", "id")
    )
    rows = list(actions)
    overdue = sum(1 for a in rows if a.due and a.due < quarter.end)
    source = _(
        "Source: %(action)s joined to %(meeting)s (the partnership's meetings), status open or in progress as "
        "recorded when the pack was assembled; overdue: due before %(end)s."
    ) % {"action": table(BoardAction), "meeting": table(BoardMeeting), "end": quarter.end.isoformat()}
    return Section("actions", _("Open actions"), source, rows, {"open": len(rows), "overdue": overdue})


def risks(partnership: Partnership) -> Section:
    rows = sorted(
        Risk.objects.filter(partnership=partnership).exclude(status=RiskStatus.CLOSED).select_related("owner"),
        key=lambda r: (-r.score, r.pk),
    )
    source = _(
        "Source: %(risk)s, status ≠ closed, by score = likelihood × impact (1–5 each): red 15–25, amber 8–14, "
        "green 1–7."
    ) % {"risk": table(Risk)}
    totals = {colour: sum(1 for r in rows if r.rating == colour) for colour in ("red", "amber", "green")}
    return Section("risks", _("Risks"), source, rows, totals)


@dataclass
class Pack:
    partnership: Partnership
    quarter: Quarter
    generated_on: date
    sections: list[Section]
    meeting: BoardMeeting | None
    synthetic: bool

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def build(partnership: Partnership, quarter: Quarter, today: date) -> Pack:
    from .pack_priorities import priorities

    meeting = BoardMeeting.objects.filter(partnership=partnership, date__gt=quarter.end).order_by("date", "id").first()
    sections = [
        priorities(partnership, quarter),
        spend_vs_budget(partnership, quarter),
        programme_rag(partnership, quarter),
        referral_throughput(quarter),
        open_actions(partnership, quarter),
        risks(partnership),
    ]
    return Pack(partnership, quarter, today, sections, meeting, bool(partnership.is_demo))
