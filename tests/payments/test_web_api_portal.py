"""The "Betalinger" pages and API (manage_payments), and the supplier portal's payment status and isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from fakturaflyt.api.auth import issue_token
from fakturaflyt.payments import services
from fakturaflyt.payments.models import PaymentRun, RunStatus

from .conftest import TODAY, pain002

pytestmark = pytest.mark.django_db


@pytest.fixture
def web_world(world, intake_dirs, make_doc):
    """Company A of ``world`` with a bank account and invoices of both its suppliers."""
    from fakturaflyt.companies.models import CompanyBankAccount

    CompanyBankAccount.objects.create(company=world.a, account_number="15064123456", is_default=True)
    world.supplier.bank_account = "15032080119"
    world.supplier.save()
    world.other_supplier.bank_account = "12540512343"
    world.other_supplier.save()
    mine = make_doc(world.supplier, "1000.00", number="MINE-1", kid="")
    from fakturaflyt.payables import storage
    from fakturaflyt.payables.models import SupplierDocument
    from tests.payables.factories import blank_pdf

    SupplierDocument.objects.filter(pk=mine.pk).update(file=storage.store(blank_pdf(), filename="mine.pdf"))
    theirs = make_doc(world.other_supplier, "2000.00", number="THEIRS-1")
    return world, mine, theirs


@pytest.fixture
def pay_company(world):  # make_doc works in company A of the world
    return world.a


def test_payments_pages_propose_approve_export(client, web_world) -> None:
    world, mine, _theirs = web_world
    # an approver has no payment rights
    client.force_login(world.users["approver"])
    assert client.get(reverse("payments:runs")).status_code == 403
    # the accountant proposes
    client.force_login(world.users["accountant"])
    assert "Betalinger" in client.get(reverse("payments:runs")).content.decode()
    response = client.post(reverse("payments:propose"), {"until": (TODAY + timedelta(days=30)).isoformat()})
    run = PaymentRun.objects.get(company=world.a)
    assert response.status_code == 302 and response.url == reverse("payments:run", args=[run.number])
    page = client.get(response.url).content.decode()
    assert "MINE-1" in page and "THEIRS-1" in page
    # and may not approve their own proposal
    client.post(reverse("payments:approve", args=[run.number]))
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    # the admin approves, creates and downloads the file
    client.force_login(world.users["admin"])
    client.post(reverse("payments:approve", args=[run.number]))
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    response = client.post(reverse("payments:export", args=[run.number]), {"format": "pain.001.001.03"})
    assert response.status_code == 302
    response = client.get(reverse("payments:file", args=[run.number]))
    assert response.status_code == 200 and b"pain.001.001.03" in response.content
    # a status file is read from the page
    run.refresh_from_db()
    e2e = run.payments.get(document=mine).end_to_end_id
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("status.xml", pain002(run.message_id, [(e2e, "RJCT", "AC04")]))
    response = client.post(reverse("payments:import"), {"file": upload})
    assert response.status_code == 200 and "AC04" in response.content.decode()


def test_payments_api(client, web_world) -> None:
    world, *_ = web_world
    base = f"/api/companies/{world.a.orgnr}/payments"
    accountant = {"Authorization": f"Bearer {issue_token(world.users['accountant'], 't')}"}
    admin = {"Authorization": f"Bearer {issue_token(world.users['admin'], 't')}"}
    approver = {"Authorization": f"Bearer {issue_token(world.users['approver'], 't')}"}
    assert client.get(f"{base}/runs", headers=approver).status_code == 403
    response = client.post(
        f"{base}/runs",
        {"until": (TODAY + timedelta(days=30)).isoformat()},
        content_type="application/json",
        headers=accountant,
    )
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["count"] == 2 and run["total"] == "3000.00"
    refused = client.post(f"{base}/runs/{run['number']}/approve", headers=accountant)
    assert refused.status_code == 422 and refused.json()["code"] == "FF-PAY-SELF-APPROVAL"
    assert client.post(f"{base}/runs/{run['number']}/approve", headers=admin).json()["status"] == "approved"
    xml = client.post(f"{base}/runs/{run['number']}/export", {}, content_type="application/json", headers=admin)
    assert xml.status_code == 200 and b"pain.001.001.09" in xml.content
    assert client.get(f"{base}/runs/{run['number']}/file", headers=admin).content == xml.content
    assert [r["status"] for r in client.get(f"{base}/runs", headers=admin).json()] == ["exported"]
    other = {"Authorization": f"Bearer {issue_token(world.b_user, 't')}"}
    assert client.get(f"{base}/runs/{run['number']}", headers=other).status_code == 403


def test_portal_shows_payment_status_and_never_another_suppliers_invoice(client, web_world) -> None:
    world, mine, theirs = web_world
    run = services.propose(world.a, TODAY + timedelta(days=30), world.users["accountant"], today=TODAY)
    client.force_login(world.users["supplier"])
    home = client.get(reverse("home")).content.decode()
    assert "MINE-1" in home and "THEIRS-1" not in home
    assert 'data-payment="scheduled"' in home
    payment_date = run.payments.get(document=mine).requested_date
    assert payment_date.strftime("%d.%m.%Y") in home
    assert client.get(reverse("portal:document", args=[theirs.pk])).status_code == 404
    # paid, with the date
    from fakturaflyt.payables.models import PaymentStatus, SupplierDocument

    SupplierDocument.objects.filter(pk=mine.pk).update(payment_status=PaymentStatus.PAID, paid_at=TODAY)
    page = client.get(reverse("portal:document", args=[mine.pk])).content.decode()
    assert 'data-payment="paid"' in page and TODAY.strftime("%d.%m.%Y") in page


def test_portal_shows_only_comments_shared_with_the_supplier(client, web_world) -> None:
    world, mine, _ = web_world
    comment_model = pytest.importorskip("fakturaflyt.approvals.models").Comment
    comment_model.objects.create(company=world.a, document=mine, text="Vi betaler fredag.", shared_with_supplier=True)
    comment_model.objects.create(company=world.a, document=mine, text="Intern merknad", shared_with_supplier=False)
    client.force_login(world.users["supplier"])
    page = client.get(reverse("portal:document", args=[mine.pk])).content.decode()
    assert "Vi betaler fredag." in page and "Intern merknad" not in page
