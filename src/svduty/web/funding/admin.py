from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """The ledger's rows are written only by funding.ledger (which checks budgets under row locks): admin shows
    them and their history, and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BudgetInline(admin.TabularInline):
    """Budgets change on the funding stream's page (ledger.set_budget refuses a cut below what is committed)."""

    model = models.Budget
    extra = 0
    can_delete = False
    readonly_fields = ["financial_year", "amount_pence"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.FundingStream)
class FundingStreamAdmin(SimpleHistoryAdmin):
    inlines = [BudgetInline]

    def get_readonly_fields(self, request, obj=None):
        # Once money is committed from a stream its total and partnership are the ledger's to keep.
        if obj is not None and obj.commitments.exists():
            return ["partnership", "total_pence", "funder"]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.commitments.exists() and super().has_delete_permission(request, obj)


@admin.register(models.Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["stream", "financial_year", "amount_pence", "description", "released"]


@admin.register(models.Spend)
class SpendAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "paid_on", "amount_pence"]
