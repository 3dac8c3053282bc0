"""Who may call what: the permission every API operation needs, as the roles table in
``fakturaflyt/companies/roles.py`` defines it. A new endpoint must be added here, or
``test_every_operation_is_classified`` fails.

``perm`` is the permission the caller needs in the company of the URL; ``portal`` marks the operations a
supplier contact may also call, narrowed to its own supplier's rows; ``None`` means "any authenticated
user, about their own memberships" (``/api/me``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fakturaflyt.companies.roles import Perm, permissions_of

ROLES = ("admin", "accountant", "approver", "requester", "supplier", "auditor")


@dataclass(frozen=True)
class Need:
    perm: Perm | None
    portal: bool = False  # a supplier contact may call it too (scoped to its supplier)
    deny: frozenset[str] = frozenset()  # roles refused although they hold ``perm``

    def allowed_roles(self) -> set[str]:
        if self.perm is None:
            return set(ROLES)
        roles = {r for r in ROLES if self.perm in permissions_of(r)}
        return (roles | ({"supplier"} if self.portal else set())) - self.deny


P = Perm
NEEDS: dict[str, Need] = {
    # companies: the caller's own memberships
    "fakturaflyt_companies_api_me": Need(None),
    "fakturaflyt_companies_api_companies": Need(None),
    # ledger
    "fakturaflyt_ledger_api_accounts": Need(P.VIEW_LEDGER),
    "fakturaflyt_ledger_api_vat_codes": Need(P.VIEW_LEDGER),
    "fakturaflyt_ledger_api_vouchers": Need(P.VIEW_LEDGER),
    "fakturaflyt_ledger_api_post_voucher": Need(P.POST_VOUCHER),
    "fakturaflyt_ledger_api_voucher": Need(P.VIEW_LEDGER),
    "fakturaflyt_ledger_api_reverse": Need(P.POST_VOUCHER),
    "fakturaflyt_ledger_api_trial_balance": Need(P.VIEW_LEDGER),
    "fakturaflyt_ledger_api_audit_verify": Need(P.VIEW_AUDIT),
    "fakturaflyt_ledger_saft_api_saft_export": Need(P.VIEW_REPORTS),
    "fakturaflyt_ledger_saft_import_api_post_import": Need(P.POST_VOUCHER),
    # The import report belongs to the import workflow: only those who may post see it (an auditor does not;
    # noted for the lead: reading it would fit the auditor's role).
    "fakturaflyt_ledger_saft_import_api_get_import": Need(P.POST_VOUCHER),
    "fakturaflyt_ledger_saft_import_api_confirm": Need(P.POST_VOUCHER),
    # payables inbox
    "fakturaflyt_payables_api_post_documents": Need(P.UPLOAD_DOCUMENT),
    "fakturaflyt_payables_api_post_documents_alias": Need(P.UPLOAD_DOCUMENT),
    "fakturaflyt_payables_api_list_documents": Need(P.VIEW_PAYABLES, portal=True),
    "fakturaflyt_payables_api_get_document": Need(P.VIEW_PAYABLES, portal=True),
    "fakturaflyt_payables_api_get_file": Need(P.VIEW_PAYABLES, portal=True),
    "fakturaflyt_payables_api_retry": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_payables_api_reject": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_payables_api_not_duplicate": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_payables_api_correct_fields": Need(P.MANAGE_PAYABLES),
    # supplier bank account changes (a second person approves; the supplier's contact may ask for its own)
    "fakturaflyt_payables_supplier_api_list_changes": Need(P.VIEW_SUPPLIERS, portal=True),
    "fakturaflyt_payables_supplier_api_supplier_changes": Need(P.VIEW_SUPPLIERS, portal=True),
    "fakturaflyt_payables_supplier_api_request_change": Need(P.MANAGE_SUPPLIERS, portal=True),
    "fakturaflyt_payables_supplier_api_approve_change": Need(P.MANAGE_SUPPLIERS),
    "fakturaflyt_payables_supplier_api_reject_change": Need(P.MANAGE_SUPPLIERS),
    # coding
    "fakturaflyt_coding_api_list_lines": Need(P.VIEW_PAYABLES),
    "fakturaflyt_coding_api_get_line": Need(P.VIEW_PAYABLES),
    "fakturaflyt_coding_api_accept_lines": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_coding_api_confirm": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_coding_api_suggest": Need(P.VIEW_PAYABLES),  # a question, stores nothing
    "fakturaflyt_coding_api_list_rules": Need(P.VIEW_PAYABLES),
    "fakturaflyt_coding_api_add_rule": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_coding_api_delete_rule": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_coding_api_get_settings": Need(P.VIEW_PAYABLES),
    "fakturaflyt_coding_api_put_settings": Need(P.MANAGE_PAYABLES),
    # approvals
    "fakturaflyt_approvals_api_pending": Need(P.APPROVE),
    "fakturaflyt_approvals_api_approve": Need(P.APPROVE),
    "fakturaflyt_approvals_api_reject": Need(P.APPROVE),
    "fakturaflyt_approvals_api_list_comments": Need(P.VIEW_PAYABLES, portal=True),
    # a comment is a change (it is in the audit trail): not for an auditor (hole found and fixed by these tests)
    "fakturaflyt_approvals_api_add_comment": Need(P.VIEW_PAYABLES, deny=frozenset({"auditor"})),
    # billing and dunning
    "fakturaflyt_billing_api_preview": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_billing_api_run": Need(P.MANAGE_RECEIVABLES),
    "fakturaflyt_billing_api_runs": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_dunning_api_preview": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_dunning_api_run": Need(P.MANAGE_RECEIVABLES),
    "fakturaflyt_dunning_api_hand_over": Need(P.MANAGE_RECEIVABLES),
    # receivables
    "fakturaflyt_receivables_api_list_invoices": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_receivables_api_create_invoice": Need(P.MANAGE_RECEIVABLES),
    "fakturaflyt_receivables_api_get_invoice": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_receivables_api_issue_invoice": Need(P.MANAGE_RECEIVABLES),
    "fakturaflyt_receivables_api_send_invoice": Need(P.MANAGE_RECEIVABLES),
    "fakturaflyt_receivables_api_credit_invoice": Need(P.MANAGE_RECEIVABLES),
    "fakturaflyt_receivables_api_invoice_pdf": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_receivables_api_invoice_ehf": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_receivables_api_list_customers": Need(P.VIEW_CUSTOMERS),
    "fakturaflyt_receivables_api_create_customer": Need(P.MANAGE_CUSTOMERS),
    "fakturaflyt_receivables_api_list_products": Need(P.VIEW_CUSTOMERS),
    "fakturaflyt_receivables_api_create_product": Need(P.MANAGE_CUSTOMERS),
    # payments: reading a run is part of managing payments (there is no separate read permission)
    "fakturaflyt_payments_api_list_runs": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_create_run": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_get_run": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_approve_run": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_cancel_run": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_export_run": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_get_file": Need(P.MANAGE_PAYMENTS),
    "fakturaflyt_payments_api_import_status": Need(P.MANAGE_PAYMENTS),
    # purchasing
    "fakturaflyt_purchasing_api_list_orders": Need(P.VIEW_PAYABLES),
    "fakturaflyt_purchasing_api_create_order": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_purchasing_api_import_orders": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_purchasing_api_get_order": Need(P.VIEW_PAYABLES),
    "fakturaflyt_purchasing_api_receive": Need(P.MANAGE_PAYABLES),
    # cards
    "fakturaflyt_cards_api_list_charges": Need(P.VIEW_PAYABLES),
    "fakturaflyt_cards_api_get_charge": Need(P.VIEW_PAYABLES),
    "fakturaflyt_cards_api_post_import": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_cards_api_accept": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_cards_api_accept_many": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_cards_api_code_line": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_cards_api_choose": Need(P.MANAGE_PAYABLES),
    "fakturaflyt_cards_api_ignore": Need(P.MANAGE_PAYABLES),
    # dashboards
    "fakturaflyt_dashboards_api_all_figures": Need(P.VIEW_DASHBOARD),
    "fakturaflyt_dashboards_api_payables": Need(P.VIEW_PAYABLES),
    "fakturaflyt_dashboards_api_receivables": Need(P.VIEW_RECEIVABLES),
    "fakturaflyt_dashboards_api_card_figures": Need(P.VIEW_PAYABLES),
    # integrations (accounting systems, journal export)
    "fakturaflyt_integrations_api_journal": Need(P.VIEW_LEDGER),
    "fakturaflyt_integrations_api_systems": Need(P.VIEW_LEDGER),
    "fakturaflyt_integrations_api_put_keys": Need(P.MANAGE_COMPANY),
    "fakturaflyt_integrations_api_delete_keys": Need(P.MANAGE_COMPANY),
    "fakturaflyt_integrations_api_push": Need(P.POST_VOUCHER),
    # search: everyone with the dashboard; a supplier contact within its own supplier
    "fakturaflyt_search_api_search": Need(P.VIEW_DASHBOARD, portal=True),
}

# Writes an approver may make: approving, rejecting and commenting on invoices, and asking for a coding
# suggestion (which stores nothing). Any other write by an approver (payments, posting, ...) is a hole.
APPROVER_WRITES = {
    "fakturaflyt_approvals_api_approve",
    "fakturaflyt_approvals_api_reject",
    "fakturaflyt_approvals_api_add_comment",
    "fakturaflyt_coding_api_suggest",
}

# POSTs that only ask (store nothing): an auditor may call them like a GET.
QUESTIONS = {"fakturaflyt_coding_api_suggest"}

# Documented as public (no authentication). None today: health and metrics live outside /api/.
PUBLIC: set[str] = set()
