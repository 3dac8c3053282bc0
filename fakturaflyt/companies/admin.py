from django.contrib import admin

from fakturaflyt.companies.models import ApiToken, Company, CompanyBankAccount, Membership
from fakturaflyt.ledger.admin_audit import AuditedAdmin


class BankAccountInline(admin.TabularInline):
    model = CompanyBankAccount
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    raw_id_fields = ["supplier"]


@admin.register(Company)
class CompanyAdmin(AuditedAdmin):
    list_display = ["orgnr", "name", "city", "vat_registered"]
    search_fields = ["orgnr", "name"]
    inlines = [BankAccountInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "company", "role", "approval_limit", "is_active"]
    list_filter = ["role", "company"]
    search_fields = ["user__username", "user__email", "company__name"]
    raw_id_fields = ["supplier"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
