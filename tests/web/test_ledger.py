"""The funding ledger: over-commitment and overspend refused; concurrent awards cannot both take the last money."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections

from svduty.web.funding import ledger
from svduty.web.funding.models import Budget, Commitment, FundingStream

# SQLite serialises writers by locking the whole file, so row-lock tests need PostgreSQL. The nested SQLite run
# (test_sqlite_path.py) deselects them by their ``postgres`` mark; anywhere else SQLite means no server was reachable.
POSTGRES_ONLY = "missing: PostgreSQL on 127.0.0.1:5432 (row locks; this run fell back to SQLite)"


@pytest.mark.django_db
def test_commit_and_spend_rules(world):
    stream = world.stream
    pos = {p.financial_year: p for p in ledger.position(stream)}
    # Demo: 2024-25 budget £400,000; VRU £85,000 + awards £311,000 committed → £4,000 left.
    assert pos["2024-25"].budget_pence == 40_000_000
    assert pos["2024-25"].committed_pence == 39_600_000
    assert pos["2024-25"].available_pence == 400_000
    with pytest.raises(ledger.OverCommitment, match=r"would exceed it by £1,000.00"):
        ledger.commit(stream, {"2024-25": 500_000}, "Too much")
    with pytest.raises(ledger.OverCommitment, match="has no budget for 2040-41"):
        ledger.commit(stream, {"2040-41": 100}, "No budget")
    # A split is all-or-nothing: the valid 2025-26 part is not kept when 2024-25 fails.
    before = Commitment.objects.count()
    with pytest.raises(ledger.OverCommitment):
        ledger.commit(stream, {"2025-26": 100, "2024-25": 10_000_000}, "Split")
    assert Commitment.objects.count() == before
    # Demo payments: 2024-25 fully paid; 2025-26 half paid.
    spent = {p.financial_year: p.spent_pence for p in ledger.position(stream)}
    assert spent["2024-25"] == pos["2024-25"].committed_pence
    assert spent["2025-26"] == sum(c.amount_pence // 2 for c in stream.commitments.filter(financial_year="2025-26"))
    (commitment,) = ledger.commit(stream, {"2026-27": 50_000}, "Workshop")
    ledger.spend(commitment, commitment.amount_pence - 100, "2026-09-30", "Most of it")
    with pytest.raises(ledger.OverCommitment, match="Overspend"):
        ledger.spend(commitment, 101, "2026-10-30", "One penny too many")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_commitments_cannot_both_take_the_last_money():
    """Two officers award at the same moment; the row lock lets exactly one through (PostgreSQL only: SQLite
    serialises writers by locking the whole file instead)."""
    if settings.SVDUTY_TEST_DATABASE == "sqlite3":
        pytest.skip(POSTGRES_ONLY)
    from svduty.web import demo

    demo.load()
    stream = FundingStream.objects.get()
    Budget.objects.create(stream=stream, financial_year="2039-40", amount_pence=1_000_000)
    stream.total_pence += 1_000_000
    stream.save()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def award(name):
        try:
            barrier.wait()
            ledger.commit(FundingStream.objects.get(pk=stream.pk), {"2039-40": 600_000}, name)
            outcomes.append("committed")
        except ledger.OverCommitment:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=award, args=(f"officer {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["committed", "refused"]
    assert sum(c.amount_pence for c in Commitment.objects.filter(financial_year="2039-40")) == 600_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_budget_cannot_be_cut_under_a_commitment_in_flight():
    """Review finding 8: set_budget read what was committed before a commitment in flight saved, then lowered the
    budget below it. It now waits for the commitment's locks and refuses (PostgreSQL only, as above)."""
    if settings.SVDUTY_TEST_DATABASE == "sqlite3":
        pytest.skip(POSTGRES_ONLY)
    from django.db import transaction

    from svduty.web import demo

    demo.load()
    stream = FundingStream.objects.get()
    Budget.objects.create(stream=stream, financial_year="2039-40", amount_pence=1_000_000)
    stream.total_pence += 1_000_000
    stream.save()
    committing = threading.Event()
    outcomes: list[str] = []

    def award():
        try:
            with transaction.atomic():
                ledger.commit(FundingStream.objects.get(pk=stream.pk), {"2039-40": 600_000}, "In flight")
                committing.set()
                threading.Event().wait(1.0)  # hold the transaction open while the budget is cut
        finally:
            connections.close_all()

    def cut():
        try:
            committing.wait(10)
            ledger.set_budget(FundingStream.objects.get(pk=stream.pk), "2039-40", 500_000)
            outcomes.append("cut")
        except ledger.OverCommitment:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=award), threading.Thread(target=cut)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["refused"]
    assert Budget.objects.get(stream=stream, financial_year="2039-40").amount_pence == 1_000_000
