"""A change of a supplier's bank account needs a second person: UI, API, portal, admin and payments."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from fakturaflyt.api.auth import issue_token
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables import bank_changes
from fakturaflyt.payables.error_codes import BankChangeCode
from fakturaflyt.payables.models import (
    BankChangeStatus,
    DocumentState,
    Receipt,
    StoredFile,
    Supplier,
    SupplierBankAccountChange,
    SupplierDocument,
)
from fakturaflyt.payments.services import creditor_of

pytestmark = pytest.mark.django_db

OLD = "15032080119"
NEW = "12540512343"
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_2fa(settings) -> None:
    """Two-factor enforcement is tested by the security tests; here a password session is enough."""
    settings.FAKTURAFLYT_REQUIRE_2FA = False


@pytest.fixture
def supplier(world) -> Supplier:
    Supplier.objects.filter(pk=world.supplier.pk).update(bank_account=OLD)
    world.supplier.refresh_from_db()
    return world.supplier


def make_invoice(supplier: Supplier, account: str) -> SupplierDocument:
    n = next(_seq)
    stored = StoredFile.objects.create(
        sha256=hashlib.sha256(f"bank-change-{n}".encode()).hexdigest(), size=1, content_type="application/pdf"
    )
    receipt = Receipt.objects.create(
        company=supplier.company, file=stored, channel="upload", filename=f"f{n}.pdf", received_at="2026-03-01T10:00Z"
    )
    return SupplierDocument.objects.create(
        company=supplier.company,
        receipt=receipt,
        file=stored,
        state=DocumentState.APPROVED,
        supplier=supplier,
        invoice_number=f"B-{n}",
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 15),
        currency="NOK",
        total=Decimal("1000.00"),
        bank_account=account,
    )


def code_of(exc_info: pytest.ExceptionInfo) -> str:
    return exc_info.value.code  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------- the service


def test_change_is_pending_and_payments_keep_the_old_account(world, supplier) -> None:
    # given: accountant A asks for a new account
    change = bank_changes.request_change(supplier, world.users["accountant"], bank_account=NEW, reason="letter")
    supplier.refresh_from_db()
    # then: nothing changed on the supplier yet, and payment goes to the old account
    assert change.status == BankChangeStatus.PENDING
    assert supplier.bank_account == OLD
    fields, _warning, hold = creditor_of(make_invoice(supplier, OLD))
    assert hold is None and fields["creditor_account"] == OLD
    # an invoice that asks for the new (unapproved) account is held with a reason, not paid
    fields, _warning, hold = creditor_of(make_invoice(supplier, NEW))
    assert fields == {} and hold is not None and NEW in hold["reason"]
    assert AuditEvent.objects.filter(company=world.a, action="supplier.bank_change_requested").exists()


def test_requester_cannot_approve_own_change(world, supplier) -> None:
    change = bank_changes.request_change(supplier, world.users["accountant"], bank_account=NEW)
    with pytest.raises(Exception) as exc_info:
        bank_changes.approve(change, world.users["accountant"])
    assert code_of(exc_info) == BankChangeCode.SAME_PERSON
    supplier.refresh_from_db()
    assert supplier.bank_account == OLD


def test_second_person_approves_and_it_takes_effect(world, supplier) -> None:
    change = bank_changes.request_change(supplier, world.users["accountant"], bank_account=NEW)
    bank_changes.approve(change, world.users["admin"])
    supplier.refresh_from_db()
    change.refresh_from_db()
    assert supplier.bank_account == NEW
    assert change.status == BankChangeStatus.APPROVED and change.decided_by == world.users["admin"]
    event = AuditEvent.objects.get(company=world.a, action="supplier.bank_account_changed")
    assert event.data["before"]["bank_account"] == OLD and event.data["after"]["bank_account"] == NEW
    fields, _warning, hold = creditor_of(make_invoice(supplier, NEW))
    assert hold is None and fields["creditor_account"] == NEW
    # approving twice is refused
    with pytest.raises(Exception) as exc_info:
        bank_changes.approve(change, world.users["admin"])
    assert code_of(exc_info) == BankChangeCode.NOT_PENDING


def test_rejection_keeps_the_old_account(world, supplier) -> None:
    change = bank_changes.request_change(supplier, world.users["accountant"], bank_account=NEW)
    bank_changes.reject(change, world.users["admin"], "the supplier knows nothing of it")
    supplier.refresh_from_db()
    assert supplier.bank_account == OLD
    assert SupplierBankAccountChange.objects.get(pk=change.pk).status == BankChangeStatus.REJECTED
    assert AuditEvent.objects.filter(company=world.a, action="supplier.bank_change_rejected").exists()


def test_refusals_have_stable_codes(world, supplier) -> None:
    with pytest.raises(Exception) as exc_info:
        bank_changes.request_change(supplier, world.users["accountant"], bank_account=OLD)
    assert code_of(exc_info) == BankChangeCode.UNCHANGED
    with pytest.raises(Exception) as exc_info:
        bank_changes.request_change(supplier, world.users["accountant"], bank_account="12345678901")
    assert code_of(exc_info) == "FF-KONTONR-INVALID"
    bank_changes.request_change(supplier, world.users["accountant"], bank_account=NEW)
    with pytest.raises(Exception) as exc_info:
        bank_changes.request_change(supplier, world.users["admin"], iban="NO9386011117947")
    assert code_of(exc_info) == BankChangeCode.PENDING


def test_foreign_iban_on_the_invoice_is_not_paid_beside_a_known_account(world, supplier) -> None:
    doc = make_invoice(supplier, "")
    SupplierDocument.objects.filter(pk=doc.pk).update(currency="EUR", iban="DE89370400440532013000")
    doc.refresh_from_db()
    fields, _warning, hold = creditor_of(doc)
    assert fields == {} and hold is not None


# ---------------------------------------------------------------------------------------- API


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def api(orgnr: str, path: str) -> str:
    return f"/api/companies/{orgnr}/suppliers/{path}"


def test_api_request_approve_reject(world, supplier, client) -> None:
    orgnr = world.a.orgnr
    accountant, admin = bearer(world.users["accountant"]), bearer(world.users["admin"])
    r = client.post(
        api(orgnr, f"{supplier.pk}/bank-account-changes"),
        {"bank_account": "1254.05.12343", "reason": "confirmed by phone"},
        content_type="application/json",
        headers=accountant,
    )
    assert r.status_code == 201, r.content
    change = r.json()
    assert change["status"] == "pending" and change["new_bank_account"] == NEW and change["old_bank_account"] == OLD
    listing = client.get(api(orgnr, "bank-account-changes?status=pending"), headers=admin).json()
    assert [c["id"] for c in listing["changes"]] == [change["id"]]
    # the requester cannot approve; an approver (no manage_suppliers) and company B cannot either
    r = client.post(api(orgnr, f"bank-account-changes/{change['id']}/approve"), headers=accountant)
    assert r.status_code == 422 and r.json()["code"] == BankChangeCode.SAME_PERSON
    assert (
        client.post(
            api(orgnr, f"bank-account-changes/{change['id']}/approve"), headers=bearer(world.users["approver"])
        ).status_code
        == 403
    )
    assert (
        client.post(
            api(orgnr, f"bank-account-changes/{change['id']}/approve"), headers=bearer(world.b_user)
        ).status_code
        == 403
    )
    supplier.refresh_from_db()
    assert supplier.bank_account == OLD
    # a second person approves
    r = client.post(api(orgnr, f"bank-account-changes/{change['id']}/approve"), headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    supplier.refresh_from_db()
    assert supplier.bank_account == NEW
    # a further change is rejected and the account stays
    r = client.post(
        api(orgnr, f"{supplier.pk}/bank-account-changes"),
        {"bank_account": OLD},
        content_type="application/json",
        headers=admin,
    )
    r = client.post(
        api(orgnr, f"bank-account-changes/{r.json()['id']}/reject"),
        {"reason": "not confirmed"},
        content_type="application/json",
        headers=accountant,
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    supplier.refresh_from_db()
    assert supplier.bank_account == NEW


def test_api_supplier_contact_asks_for_own_supplier_only(world, supplier, client) -> None:
    contact = bearer(world.users["supplier"])
    orgnr = world.a.orgnr
    r = client.post(
        api(orgnr, f"{world.other_supplier.pk}/bank-account-changes"),
        {"bank_account": NEW},
        content_type="application/json",
        headers=contact,
    )
    assert r.status_code == 404
    r = client.post(
        api(orgnr, f"{supplier.pk}/bank-account-changes"),
        {"bank_account": NEW},
        content_type="application/json",
        headers=contact,
    )
    assert r.status_code == 201 and r.json()["via"] == "portal-api"
    # the contact cannot approve it (no manage_suppliers) ...
    assert client.post(api(orgnr, f"bank-account-changes/{r.json()['id']}/approve"), headers=contact).status_code == 403
    supplier.refresh_from_db()
    assert supplier.bank_account == OLD
    # ... an accountant inside the company does
    r = client.post(
        api(orgnr, f"bank-account-changes/{r.json()['id']}/approve"), headers=bearer(world.users["accountant"])
    )
    assert r.status_code == 200
    supplier.refresh_from_db()
    assert supplier.bank_account == NEW


# ---------------------------------------------------------------------------- web, portal, admin


def test_supplier_page_request_and_second_person_approves(world, supplier, client) -> None:
    client.force_login(world.users["accountant"])
    with translation.override("en"):
        r = client.post(
            reverse("payables:supplier_bank_change", args=[supplier.pk]),
            {"bank_account": NEW, "reason": "new bank"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert r.status_code == 302
    change = SupplierBankAccountChange.objects.get(supplier=supplier)
    page = client.get(reverse("payables:supplier", args=[supplier.pk])).content.decode()
    assert 'id="pending-change"' in page and reverse("payables:bank_change_approve", args=[change.pk]) not in page
    client.post(reverse("payables:bank_change_approve", args=[change.pk]))  # own change: refused
    supplier.refresh_from_db()
    assert supplier.bank_account == OLD
    # the second person sees the count, the list and the approve button
    client.force_login(world.users["admin"])
    assert 'id="pending-bank-changes"' in client.get(reverse("payables:suppliers")).content.decode()
    listing = client.get(reverse("payables:bank_changes")).content.decode()
    assert reverse("payables:bank_change_approve", args=[change.pk]) in listing
    client.post(reverse("payables:bank_change_approve", args=[change.pk]), {"next": "list"})
    supplier.refresh_from_db()
    assert supplier.bank_account == NEW
    # an approver may look but not decide
    client.force_login(world.users["approver"])
    assert client.get(reverse("payables:supplier", args=[supplier.pk])).status_code == 200
    assert (
        client.post(reverse("payables:supplier_bank_change", args=[supplier.pk]), {"bank_account": OLD}).status_code
        == 403
    )


def test_portal_contact_change_needs_approval_inside_the_company(world, supplier, client) -> None:
    client.force_login(world.users["supplier"])
    assert client.get(reverse("portal:bank_account")).status_code == 200
    client.post(reverse("portal:bank_account"), {"bank_account": NEW, "reason": "we changed bank"})
    supplier.refresh_from_db()
    change = SupplierBankAccountChange.objects.get(supplier=supplier)
    assert supplier.bank_account == OLD and change.via == "portal" and change.requested_by == world.users["supplier"]
    client.force_login(world.users["accountant"])
    client.post(reverse("payables:bank_change_approve", args=[change.pk]))
    supplier.refresh_from_db()
    assert supplier.bank_account == NEW


def test_admin_cannot_change_the_account_of_an_existing_supplier(world, supplier, client) -> None:
    admin_user = world.users["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:payables_supplier_change", args=[supplier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="bank_account"' not in page.content.decode()
    data = {
        "company": world.a.pk,
        "number": supplier.number,
        "name": supplier.name,
        "orgnr": supplier.orgnr,
        "country": "NO",
        "bank_account": NEW,
        "iban": "NO9386011117947",
        "payment_terms_days": 30,
        "is_active": "on",
    }
    client.post(url, data)
    supplier.refresh_from_db()
    assert supplier.bank_account == OLD and supplier.iban == ""
