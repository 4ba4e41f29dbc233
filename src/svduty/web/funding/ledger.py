"""The funding ledger: the one place that commits or spends money, refusing over-commitment with a clear message.

Rows are locked with ``select_for_update`` (a no-op on SQLite, which serialises writers anyway) so two officers
awarding at once cannot both take the last of a year's budget on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from svduty.web.core.money import format_pence
from svduty.web.decisions.options import Outcome

from .models import Budget, Commitment, FundingStream, Spend


class OverCommitment(Exception):
    """Raised when a commitment or payment would exceed what is available; the message is for the user."""


@dataclass(frozen=True)
class YearPosition:
    financial_year: str
    budget_pence: int
    committed_pence: int
    spent_pence: int

    @property
    def available_pence(self) -> int:
        return self.budget_pence - self.committed_pence


def _committed(stream: FundingStream, year: str) -> int:
    """Money taken from the year's budget: live commitments in full, and whatever was already paid on released
    ones (a released commitment frees only its unpaid part, so paid money can never be committed twice)."""
    live = Commitment.objects.filter(stream=stream, financial_year=year, released=False)
    paid_released = Spend.objects.filter(
        commitment__stream=stream, commitment__financial_year=year, commitment__released=True
    )
    return (live.aggregate(s=Sum("amount_pence"))["s"] or 0) + (
        paid_released.aggregate(s=Sum("amount_pence"))["s"] or 0
    )


def position(stream: FundingStream) -> list[YearPosition]:
    """Budget, committed and spent per financial year of the stream: the same sums as ``_committed``, grouped by
    year, so the page costs four queries however many years the stream has."""

    def per_year(queryset, year_field: str) -> dict[str, int]:
        return dict(queryset.values_list(year_field).annotate(s=Sum("amount_pence")).order_by())

    spent = per_year(Spend.objects.filter(commitment__stream=stream), "commitment__financial_year")
    live = per_year(Commitment.objects.filter(stream=stream, released=False), "financial_year")
    paid_released = per_year(
        Spend.objects.filter(commitment__stream=stream, commitment__released=True), "commitment__financial_year"
    )
    return [
        YearPosition(
            budget.financial_year,
            budget.amount_pence,
            (live.get(budget.financial_year) or 0) + (paid_released.get(budget.financial_year) or 0),
            spent.get(budget.financial_year) or 0,
        )
        for budget in stream.budgets.all()
    ]


def commit(
    stream: FundingStream, split: dict[str, int], description: str, *, award=None, user=None
) -> list[Commitment]:
    """Commit ``split`` (financial year → pence) from ``stream`` in one transaction, or refuse it all."""
    with transaction.atomic():
        # The stream first, then its budget rows: the same order as set_budget, so the two serialise without
        # deadlocking.
        FundingStream.objects.select_for_update().get(pk=stream.pk)
        created = []
        for year, amount in sorted(split.items()):
            if amount <= 0:
                continue
            budget = Budget.objects.select_for_update().filter(stream=stream, financial_year=year).first()
            if budget is None:
                raise OverCommitment(
                    gettext("%(stream)s has no budget for %(year)s: add the year's budget first")
                    % {"stream": stream.name, "year": year}
                )
            already = _committed(stream, year)
            if already + amount > budget.amount_pence:
                raise OverCommitment(
                    gettext(
                        "Over-committed: %(stream)s %(year)s has a budget of %(budget)s, %(already)s is already "
                        "committed, so %(amount)s more would exceed it by %(excess)s"
                    )
                    % {
                        "stream": stream.name,
                        "year": year,
                        "budget": format_pence(budget.amount_pence),
                        "already": format_pence(already),
                        "amount": format_pence(amount),
                        "excess": format_pence(already + amount - budget.amount_pence),
                    }
                )
            created.append(
                Commitment.objects.create(
                    stream=stream,
                    financial_year=year,
                    amount_pence=amount,
                    description=description,
                    award=award,
                    created_by=user,
                )
            )
        total_budget = stream.budgets.aggregate(s=Sum("amount_pence"))["s"] or 0
        if total_budget > stream.total_pence:
            raise OverCommitment(
                gettext("%(stream)s: yearly budgets add up to %(budgets)s, more than the stream's total of %(total)s")
                % {
                    "stream": stream.name,
                    "budgets": format_pence(total_budget),
                    "total": format_pence(stream.total_pence),
                }
            )
        return created


def set_budget(stream: FundingStream, year: str, amount_pence: int) -> Budget:
    """Set one year's budget; refused below what is already committed or above the stream's total."""
    with transaction.atomic():
        # Lock the stream and the year's budget row before reading what is committed: a commitment being made at
        # the same moment holds these locks, so its money is counted here rather than cut from under it.
        FundingStream.objects.select_for_update().get(pk=stream.pk)
        Budget.objects.select_for_update().filter(stream=stream, financial_year=year).first()
        committed = _committed(stream, year)
        if amount_pence < committed:
            raise OverCommitment(
                gettext("%(year)s: %(committed)s is already committed, so the budget cannot be %(amount)s")
                % {"year": year, "committed": format_pence(committed), "amount": format_pence(amount_pence)}
            )
        others = stream.budgets.exclude(financial_year=year).aggregate(s=Sum("amount_pence"))["s"] or 0
        if others + amount_pence > stream.total_pence:
            raise OverCommitment(
                gettext("Yearly budgets would add up to %(budgets)s, more than the stream's total of %(total)s")
                % {"budgets": format_pence(others + amount_pence), "total": format_pence(stream.total_pence)}
            )
        budget, _ = Budget.objects.update_or_create(
            stream=stream, financial_year=year, defaults={"amount_pence": amount_pence}
        )
        return budget


def spend(commitment: Commitment, amount_pence: int, paid_on, description: str, *, user=None) -> Spend:
    """Record a payment against a commitment; refuses to pay more than was committed, and refuses to pay an award
    before the PCC has approved its decision record (a later "Not approved" would otherwise release money already
    paid)."""
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if locked.released:
            raise OverCommitment(
                gettext("This commitment was released (the award was not approved): nothing can be paid")
            )
        if locked.award_id is not None:
            record = locked.award.decision_record
            if record is None or record.decision != Outcome.APPROVED:
                ref = (
                    gettext("decision record %(reference)s") % {"reference": record.reference}
                    if record is not None
                    else gettext("its decision record")
                )
                raise OverCommitment(
                    gettext('Not paid: the award has no PCC approval yet (%(ref)s must be decided "Approved" first)')
                    % {"ref": ref}
                )
        paid = locked.spend.aggregate(s=Sum("amount_pence"))["s"] or 0
        if paid + amount_pence > locked.amount_pence:
            raise OverCommitment(
                gettext(
                    "Overspend: %(committed)s is committed for %(year)s and %(paid)s is already paid, so %(amount)s "
                    "more would exceed it"
                )
                % {
                    "committed": format_pence(locked.amount_pence),
                    "year": locked.financial_year,
                    "paid": format_pence(paid),
                    "amount": format_pence(amount_pence),
                }
            )
        if amount_pence <= 0:
            raise OverCommitment("A payment must be more than £0")
        return Spend.objects.create(
            commitment=locked, amount_pence=amount_pence, paid_on=paid_on, description=description, created_by=user
        )


def set_total(stream: FundingStream, total_pence: int) -> FundingStream:
    """Change a stream's total (in-app administration); refused below the sum of its yearly budgets, which is never
    less than what is committed, so no commitment or budget is left above the total."""
    with transaction.atomic():
        locked = FundingStream.objects.select_for_update().get(pk=stream.pk)
        list(Budget.objects.select_for_update().filter(stream=locked))
        budgets = locked.budgets.aggregate(s=Sum("amount_pence"))["s"] or 0
        if total_pence < budgets:
            raise OverCommitment(
                f"The yearly budgets add up to {format_pence(budgets)}, so the total cannot be "
                f"{format_pence(total_pence)}"
            )
        locked.total_pence = total_pence
        locked.save(update_fields=["total_pence"])
        stream.total_pence = total_pence
        return locked
