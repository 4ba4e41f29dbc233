from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class BudgetInline(admin.TabularInline):
    model = models.Budget
    extra = 0


@admin.register(models.FundingStream)
class FundingStreamAdmin(SimpleHistoryAdmin):
    inlines = [BudgetInline]


@admin.register(models.Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["stream", "financial_year", "amount_pence", "description", "released"]
    # Commitments are made through funding.ledger (which refuses over-commitment), not typed in here.
    readonly_fields = ["stream", "financial_year", "amount_pence", "award"]

    def has_add_permission(self, request):
        return False


@admin.register(models.Spend)
class SpendAdmin(SimpleHistoryAdmin):
    list_display = ["commitment", "paid_on", "amount_pence"]
    readonly_fields = ["commitment", "amount_pence"]

    def has_add_permission(self, request):
        return False
