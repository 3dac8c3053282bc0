from django.contrib import admin

from fakturaflyt.approvals.models import ApprovalRule, ApprovalSettings, ApprovalStep, Comment, Substitute


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin):
    list_display = (
        "company",
        "position",
        "name",
        "condition",
        "value",
        "amount",
        "approver",
        "approver_role",
        "is_active",
    )
    list_filter = ("company", "condition", "is_active")


@admin.register(ApprovalSettings)
class ApprovalSettingsAdmin(admin.ModelAdmin):
    list_display = ("company", "sla_hours", "remind_by_email")


@admin.register(Substitute)
class SubstituteAdmin(admin.ModelAdmin):
    list_display = ("company", "user", "substitute", "starts", "ends")


@admin.register(ApprovalStep)
class ApprovalStepAdmin(admin.ModelAdmin):
    """Read-only: steps change only through the approval services (audited)."""

    list_display = ("document", "round", "level", "approver", "status", "acted_by", "on_behalf_of", "due_at")
    list_filter = ("company", "status")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Comment)
class CommentAdmin(ApprovalStepAdmin):
    list_display = ("document", "author", "shared_with_supplier", "created_at")
    list_filter = ("company", "shared_with_supplier")
