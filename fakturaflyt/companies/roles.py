"""Roles and what each may do: the one table every permission check reads.

| role | may |
|---|---|
| admin | everything in the company, including users and settings |
| accountant (regnskapsfører) | keep the books: documents, coding, posting, payments, customers |
| approver (attestant) | see and approve supplier invoices up to an approval limit |
| requester (bestiller) | see and upload supplier invoices, follow their own orders |
| supplier contact | upload invoices and follow the status of their own supplier's documents only |
| auditor (revisor) | read everything, change nothing |
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ACCOUNTANT = "accountant", _("Accountant")
    APPROVER = "approver", _("Approver")
    REQUESTER = "requester", _("Requester")
    SUPPLIER = "supplier", _("Supplier contact")
    AUDITOR = "auditor", _("Auditor")


class Perm(StrEnum):
    """What a user can be allowed to do in a company."""

    VIEW_DASHBOARD = "view_dashboard"
    VIEW_LEDGER = "view_ledger"
    POST_VOUCHER = "post_voucher"
    VIEW_AUDIT = "view_audit"
    VIEW_PAYABLES = "view_payables"
    UPLOAD_DOCUMENT = "upload_document"
    MANAGE_PAYABLES = "manage_payables"
    APPROVE = "approve"
    MANAGE_PAYMENTS = "manage_payments"
    VIEW_RECEIVABLES = "view_receivables"
    MANAGE_RECEIVABLES = "manage_receivables"
    VIEW_SUPPLIERS = "view_suppliers"
    MANAGE_SUPPLIERS = "manage_suppliers"
    VIEW_CUSTOMERS = "view_customers"
    MANAGE_CUSTOMERS = "manage_customers"
    VIEW_BANK = "view_bank"
    VIEW_REPORTS = "view_reports"
    MANAGE_COMPANY = "manage_company"
    MANAGE_USERS = "manage_users"
    SUPPLIER_PORTAL = "supplier_portal"


_READ_ALL = {
    Perm.VIEW_DASHBOARD,
    Perm.VIEW_LEDGER,
    Perm.VIEW_AUDIT,
    Perm.VIEW_PAYABLES,
    Perm.VIEW_RECEIVABLES,
    Perm.VIEW_SUPPLIERS,
    Perm.VIEW_CUSTOMERS,
    Perm.VIEW_BANK,
    Perm.VIEW_REPORTS,
}
_BOOKKEEPING = _READ_ALL | {
    Perm.POST_VOUCHER,
    Perm.UPLOAD_DOCUMENT,
    Perm.MANAGE_PAYABLES,
    Perm.MANAGE_PAYMENTS,
    Perm.MANAGE_RECEIVABLES,
    Perm.MANAGE_SUPPLIERS,
    Perm.MANAGE_CUSTOMERS,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(set(Perm) - {Perm.SUPPLIER_PORTAL}),
    Role.ACCOUNTANT: frozenset(_BOOKKEEPING | {Perm.APPROVE}),
    Role.APPROVER: frozenset({Perm.VIEW_DASHBOARD, Perm.VIEW_PAYABLES, Perm.VIEW_SUPPLIERS, Perm.APPROVE}),
    Role.REQUESTER: frozenset({Perm.VIEW_DASHBOARD, Perm.VIEW_PAYABLES, Perm.VIEW_SUPPLIERS, Perm.UPLOAD_DOCUMENT}),
    Role.SUPPLIER: frozenset({Perm.SUPPLIER_PORTAL, Perm.UPLOAD_DOCUMENT}),
    Role.AUDITOR: frozenset(_READ_ALL),
}


def permissions_of(role: str) -> frozenset[Perm]:
    return ROLE_PERMISSIONS.get(role, frozenset())
