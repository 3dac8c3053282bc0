"""API for changes of suppliers' bank accounts: ask, list, approve, reject (two people, see :mod:`.bank_changes`).

Mounted under ``/api/companies/{orgnr}``:

| method and path | permission | does |
|---|---|---|
| ``GET  .../suppliers/bank-account-changes`` | view_suppliers | changes; ``?status=pending`` |
| ``GET  .../suppliers/{supplier_id}/bank-account-changes`` | view_suppliers (a supplier contact: its own supplier) | one supplier's changes |
| ``POST .../suppliers/{supplier_id}/bank-account-changes`` | manage_suppliers, or the supplier's own contact | ``{"bank_account", "iban", "bic", "reason"}`` → 201, pending |
| ``POST .../suppliers/bank-account-changes/{change_id}/approve`` | manage_suppliers, not the requester | the new account takes effect |
| ``POST .../suppliers/bank-account-changes/{change_id}/reject`` | manage_suppliers (or the requester: withdraw) | ``{"reason": "..."}`` |

Refusals answer 422 with a stable code: ``FF-SUP-BANK-SAME-PERSON`` (approving one's own
request), ``FF-SUP-BANK-PENDING``, ``FF-SUP-BANK-NOT-PENDING``, ``FF-SUP-BANK-UNCHANGED``,
``FF-SUP-BANK-STALE``, ``FF-KONTONR-INVALID``, ``FF-IBAN-INVALID``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema, Status

from fakturaflyt.companies.api import company_by_orgnr
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import NotAllowed, not_member, require, scoped
from fakturaflyt.companies.roles import Perm, Role
from fakturaflyt.ledger.audit import actor_label
from fakturaflyt.payables import bank_changes
from fakturaflyt.payables.models import Supplier, SupplierBankAccountChange

router = Router(tags=["suppliers"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class BankChangeIn(Schema):
    bank_account: str = ""
    iban: str = ""
    bic: str = ""
    reason: str = ""


class BankChangeRejectIn(Schema):
    reason: str


class BankChangeOut(Schema):
    id: int
    supplier_id: int
    supplier_number: int
    supplier_name: str
    status: str
    old_bank_account: str
    old_iban: str
    old_bic: str
    new_bank_account: str
    new_iban: str
    new_bic: str
    reason: str
    via: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


class BankChangeListOut(Schema):
    count: int
    changes: list[BankChangeOut]


def change_out(c: SupplierBankAccountChange) -> BankChangeOut:
    return BankChangeOut(
        id=c.pk,
        supplier_id=c.supplier_id,
        supplier_number=c.supplier.number,
        supplier_name=c.supplier.name,
        status=c.status,
        old_bank_account=c.old_bank_account,
        old_iban=c.old_iban,
        old_bic=c.old_bic,
        new_bank_account=c.new_bank_account,
        new_iban=c.new_iban,
        new_bic=c.new_bic,
        reason=c.reason,
        via=c.via,
        requested_by=actor_label(c.requested_by),
        requested_at=c.requested_at,
        decided_by=actor_label(c.decided_by) if c.decided_at else None,
        decided_at=c.decided_at,
        decision_note=c.decision_note,
    )


def _company(orgnr: str):  # type: ignore[no-untyped-def]
    company = company_by_orgnr(orgnr.replace(" ", ""))
    if company is None:
        raise not_member()
    return company


def _viewer(request: HttpRequest, orgnr: str) -> Membership:
    """Who may see changes: readers of the supplier register, and a supplier contact (its own supplier only)."""
    company = _company(orgnr)
    try:
        return require(request.user, company, Perm.VIEW_SUPPLIERS)
    except NotAllowed as exc:
        if exc.code != "FF-ROLE-FORBIDS":
            raise
        return require(request.user, company, Perm.SUPPLIER_PORTAL)


def _changes(m: Membership) -> QuerySet[SupplierBankAccountChange]:
    return scoped(SupplierBankAccountChange.objects.all(), m).select_related("supplier", "requested_by", "decided_by")


@router.get("/suppliers/bank-account-changes", response=BankChangeListOut, summary="Bank account changes")
def list_changes(request: HttpRequest, orgnr: OrgNr, status: str | None = None) -> BankChangeListOut:
    m = _viewer(request, orgnr)
    qs = _changes(m)
    if status:
        qs = qs.filter(status=status)
    rows = list(qs[:500])
    return BankChangeListOut(count=len(rows), changes=[change_out(c) for c in rows])


@router.get(
    "/suppliers/{supplier_id}/bank-account-changes",
    response=BankChangeListOut,
    summary="One supplier's bank account changes",
)
def supplier_changes(request: HttpRequest, orgnr: OrgNr, supplier_id: int) -> BankChangeListOut:
    m = _viewer(request, orgnr)
    supplier = get_object_or_404(scoped(Supplier.objects.all(), m), pk=supplier_id)
    rows = list(_changes(m).filter(supplier=supplier)[:500])
    return BankChangeListOut(count=len(rows), changes=[change_out(c) for c in rows])


@router.post(
    "/suppliers/{supplier_id}/bank-account-changes",
    response={201: BankChangeOut},
    summary="Ask for a new bank account on a supplier (takes effect when another person approves)",
)
def request_change(request: HttpRequest, orgnr: OrgNr, supplier_id: int, data: BankChangeIn) -> Status[BankChangeOut]:
    company = _company(orgnr)
    try:
        m = require(request.user, company, Perm.MANAGE_SUPPLIERS)
        via = "api"
    except NotAllowed as exc:
        if exc.code != "FF-ROLE-FORBIDS":
            raise
        m = require(request.user, company, Perm.SUPPLIER_PORTAL)  # the supplier's own contact
        via = "portal-api"
    supplier = get_object_or_404(scoped(Supplier.objects.all(), m), pk=supplier_id)
    assert m.role != Role.SUPPLIER or supplier.pk == m.supplier_id
    change = bank_changes.request_change(
        supplier,
        request.user,
        bank_account=data.bank_account,
        iban=data.iban,
        bic=data.bic,
        reason=data.reason,
        via=via,
    )
    return Status(201, change_out(_changes(m).get(pk=change.pk)))


def _decider(request: HttpRequest, orgnr: str, change_id: int) -> tuple[Membership, SupplierBankAccountChange]:
    m = require(request.user, _company(orgnr), Perm.MANAGE_SUPPLIERS)
    return m, get_object_or_404(_changes(m), pk=change_id)


@router.post(
    "/suppliers/bank-account-changes/{change_id}/approve",
    response=BankChangeOut,
    summary="Approve a bank account change (a different person than the one who asked)",
)
def approve_change(request: HttpRequest, orgnr: OrgNr, change_id: int) -> BankChangeOut:
    m, change = _decider(request, orgnr, change_id)
    bank_changes.approve(change, request.user)
    return change_out(_changes(m).get(pk=change.pk))


@router.post(
    "/suppliers/bank-account-changes/{change_id}/reject",
    response=BankChangeOut,
    summary="Reject a bank account change; the supplier keeps its account",
)
def reject_change(request: HttpRequest, orgnr: OrgNr, change_id: int, data: BankChangeRejectIn) -> BankChangeOut:
    m, change = _decider(request, orgnr, change_id)
    bank_changes.reject(change, request.user, data.reason)
    return change_out(_changes(m).get(pk=change.pk))


__all__ = ["router"]
