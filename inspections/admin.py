from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from inspections.models import Checklist, Criterion, Finding, Inspection, Round
from inspections.services import checklist_new_version


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = [
        "order",
        "code",
        "title",
        "iso_clause",
        "guidance",
        "weight",
        "statement_met",
        "statement_unmet",
    ]

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_frozen()) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_frozen()) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_frozen()) and super().has_delete_permission(request, obj)


@admin.register(Checklist)
class ChecklistAdmin(SimpleHistoryAdmin):
    list_display = ["code", "version", "title", "good_from", "meets_from", "created_at"]
    inlines = [CriterionInline]
    actions = ["make_new_version"]

    def has_change_permission(self, request, obj=None):
        # A checklist that a round uses is frozen: edit a new version instead.
        return not (obj and obj.is_frozen()) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_frozen()) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Make a new editable version"))
    def make_new_version(self, request, queryset):
        for checklist in queryset:
            copy = checklist_new_version(checklist=checklist)
            self.message_user(
                request,
                _("%(copy)s created from %(checklist)s.") % {"copy": copy, "checklist": checklist},
                messages.SUCCESS,
            )


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "province", "year", "number", "decision_number", "status"]
    list_filter = ["year", "status", "province"]
    list_select_related = ["province"]
    filter_horizontal = ["team"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "round", "status", "score", "rating"]
    list_filter = ["status", "rating", "round__year"]
    list_select_related = ["agency", "round__province"]
    raw_id_fields = ["agency", "round"]
    filter_horizontal = ["inspectors"]
    readonly_fields = ["score", "rating", "version", "submitted_at", "reviewed_at", "reviewed_by"]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "inspection", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["answer__criterion", "inspection__agency", "inspection__round__province"]
    raw_id_fields = ["inspection", "answer"]
