from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import IssuingDetails, ReportDraft


@admin.register(IssuingDetails)
class IssuingDetailsAdmin(SimpleHistoryAdmin):
    list_display = ["province", "governing_body", "issuing_body", "code_suffix", "signer_name"]
    list_select_related = ["province"]


@admin.register(ReportDraft)
class ReportDraftAdmin(SimpleHistoryAdmin):
    list_display = ["province", "year", "round_number", "number", "dated", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["province"]
    readonly_fields = ["updated_by", "updated_at"]
