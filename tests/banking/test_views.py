"""The bank pages: import with result, the reconciliation screen (keyboard hooks), confirm/ignore, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fakturaflyt.banking.models import BankEntry, BankStatementImport
from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member
from fakturaflyt.receivables.models import CustomerPayment

from .conftest import Bank, camt054, ntry

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "camt.xml", **headers):
    return client.post(reverse("banking:upload"), {"file": SimpleUploadedFile(name, data)}, **headers)


@pytest.fixture
def auditor(bank: Bank, user_factory):
    user = user_factory("revisor@test.no")
    add_member(None, bank.company, user, Role.AUDITOR)
    return user


def test_import_page_imports_and_shows_the_counts(client, bank: Bank) -> None:
    inv = bank.issue("1000")
    client.force_login(bank.user)
    page = client.get(reverse("banking:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="bank-upload"' in html and 'hx-encoding="multipart/form-data"' in html
    assert 'id="upload-bar"' in html and "banking/bank.js" in html
    # an htmx upload gets the result fragment
    data = camt054(ntry("R1", "1000.00", kid=inv.kid), ntry("R2", "12.00", name="Ukjent"))
    response = upload(client, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert '<dd data-count="matched">1</dd>' in fragment and '<dd data-count="review">1</dd>' in fragment
    assert "<html" not in fragment
    # again, without htmx: the whole page, everything a duplicate
    again = upload(client, data).content.decode()
    assert '<dd data-count="duplicates">2</dd>' in again and "<html" in again
    assert BankStatementImport.objects.count() == 2 and CustomerPayment.objects.count() == 1


def test_a_refused_file_is_shown_with_its_problem(client, bank: Bank) -> None:
    client.force_login(bank.user)
    response = upload(client, b"<Document><BkToCstmrStmt><Stmt>", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "message-error" in html and "FF-" in html
    assert BankStatementImport.objects.get().status == "failed"


def test_a_big_file_runs_as_a_task_and_the_page_follows_it(client, bank: Bank, monkeypatch) -> None:
    from fakturaflyt.banking import views

    monkeypatch.setattr(views, "BACKGROUND_BYTES", 10)
    inv = bank.issue("1000")
    client.force_login(bank.user)
    response = upload(client, camt054(ntry("B1", "1000.00", kid=inv.kid)), HTTP_HX_REQUEST="true")
    assert '<dd data-count="matched">1</dd>' in response.content.decode()  # eager: done at once
    imp = BankStatementImport.objects.get()
    status = client.get(reverse("banking:import_status", args=[imp.pk])).content.decode()
    assert 'data-count="entries">1<' in status


def test_reconciliation_screen_lists_entries_with_ranked_candidates(client, bank: Bank) -> None:
    inv = bank.issue("2400", customer=bank.fjord)
    upload_data = camt054(ntry("M1", "2400.00", name="Fjord Bygg AS"), ntry("M2", "15.00", name="Banken"))
    client.force_login(bank.user)
    upload(client, upload_data)
    html = client.get(reverse("banking:reconcile")).content.decode()
    m1, m2 = BankEntry.objects.get(ref="M1"), BankEntry.objects.get(ref="M2")
    assert f'id="entry-{m1.pk}"' in html and f'id="entry-{m2.pk}"' in html
    assert 'id="rec-list"' in html and 'data-candidate="1"' in html and "<kbd>Enter</kbd>" in html
    assert '<span class="rec-invoice">' in html and f" {inv.number}: " in html
    assert "Fjord Bygg AS" in html and "80 %" in html
    assert 'name="reason"' in html and "banking/bank.js" in html
    # confirming the top candidate posts it and moves on to the next entry
    response = client.post(reverse("banking:confirm", args=[m1.pk]), {"candidate": "1"})
    assert response.status_code == 302 and f"focus={m2.pk}" in response["Location"]
    m1.refresh_from_db()
    inv.refresh_from_db()
    assert m1.state == "posted" and inv.settlement == "paid"
    # ignoring needs a reason
    client.post(reverse("banking:ignore", args=[m2.pk]), {"reason": ""})
    m2.refresh_from_db()
    assert m2.state == "unmatched"
    client.post(reverse("banking:ignore", args=[m2.pk]), {"reason": "Gebyrrefusjon"})
    m2.refresh_from_db()
    assert m2.state == "ignored"
    assert "empty-state" in client.get(reverse("banking:reconcile")).content.decode()


def test_manual_allocation_by_search(client, bank: Bank) -> None:
    a, b = bank.issue("300"), bank.issue("400", customer=bank.fjord)
    client.force_login(bank.user)
    upload(client, camt054(ntry("H1", "350.00", name="Noen")))
    entry = BankEntry.objects.get()
    found = client.get(reverse("banking:search_invoices", args=[entry.pk]), {"q": "kunde"}).content.decode()
    assert f'value="{a.pk}"' in found and f'value="{b.pk}"' not in found
    by_kid = client.get(reverse("banking:search_invoices", args=[entry.pk]), {"q": b.kid}).content.decode()
    assert f'value="{b.pk}"' in by_kid
    client.post(reverse("banking:confirm", args=[entry.pk]), {"invoice": [str(a.pk)], f"amount-{a.pk}": "300,00"})
    payment = CustomerPayment.objects.get()
    assert (payment.customer, payment.unallocated) == (bank.kunde, Decimal("50.00"))
    a.refresh_from_db()
    assert a.settlement == "paid"


def test_permissions(client, bank: Bank, auditor, make_company, user_factory) -> None:
    bank.issue("100")
    client.force_login(bank.user)
    upload(client, camt054(ntry("P1", "77.00", name="X")))
    entry = BankEntry.objects.get()
    # the auditor sees, but may neither import nor act
    client.force_login(auditor)
    assert client.get(reverse("banking:index")).status_code == 200
    html = client.get(reverse("banking:reconcile")).content.decode()
    assert f'id="entry-{entry.pk}"' in html and 'name="reason"' not in html
    assert upload(client, camt054(ntry("P2", "1.00"))).status_code == 403
    assert client.post(reverse("banking:ignore", args=[entry.pk]), {"reason": "x"}).status_code == 403
    entry.refresh_from_db()
    assert entry.state == "unmatched"
    # an approver sees no bank at all; anonymous users go to the login
    approver = user_factory("attestant@test.no")
    add_member(None, bank.company, approver, Role.APPROVER, approval_limit=Decimal("1000"))
    client.force_login(approver)
    assert client.get(reverse("banking:reconcile")).status_code == 403
    client.logout()
    assert client.get(reverse("banking:index")).status_code == 302
    # another company's accountant cannot touch this entry
    other = make_company("923609016", "Annet AS")
    stranger = user_factory("fremmed@test.no")
    add_member(None, other, stranger, Role.ACCOUNTANT)
    client.force_login(stranger)
    assert client.post(reverse("banking:ignore", args=[entry.pk]), {"reason": "x"}).status_code == 404
