"""Art. 15 export and art. 17 erasure: the subject's data, nothing of another company, the chain intact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from fakturaflyt.ledger.audit import record, verify
from fakturaflyt.privacy import erasure, export
from fakturaflyt.privacy.error_codes import RetentionError


def test_export_holds_the_subject_and_nothing_of_another_company(world, consumer, issue_invoice) -> None:
    from fakturaflyt.receivables.models import Customer

    # given the same e-mail on a customer in company B
    Customer.objects.create(company=world.b, number=7, name="Kari i Beta", is_consumer=True, email="kari@example.no")
    issue_invoice(consumer, date(2026, 2, 1))
    # when A's admin exports by e-mail
    data = export.export(export.find_subject([world.a.pk], email="kari@example.no"))
    # then A's customer and invoice, and nothing of B
    assert [c["name"] for c in data["customers"]] == ["Kari Nordmann"]
    assert data["companies"] == [world.a.orgnr]
    assert len(data["documents"]["customer_invoices"]) == 1
    assert "Kari i Beta" not in str(data)
    assert "Kari Nordmann" in export.summary(data)


def test_a_user_of_another_company_is_not_found(world) -> None:
    subject = export.find_subject([world.a.pk], email="accountant@beta.test")
    assert subject.empty


def test_erasing_a_user_pseudonymises_and_the_audit_chain_still_verifies(world) -> None:
    from fakturaflyt.companies.models import ApiToken

    user = world.users["accountant"]
    record(world.a, user, "voucher.posted", None, text="by the accountant")
    ApiToken.objects.create(user=user, name="t", prefix="abc", key_hash="0" * 64)
    # when the admin erases the accountant
    done = erasure.erase_user(world.users["admin"], user)
    user.refresh_from_db()
    # then the profile is a pseudonym, login is off, tokens revoked, and the chain is unbroken
    assert user.username == done.pseudonym == f"erased-user-{user.pk}"
    assert (user.email, user.first_name, user.is_active, user.has_usable_password()) == ("", "", False, False)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not user.memberships.filter(is_active=True).exists()
    assert verify(world.a) == []
    # and the audit report shows the stable pseudonym as the actor
    from fakturaflyt.privacy.report import audit_rows

    actors = {r.actor for r in audit_rows(world.a, user=user)}
    assert actors == {done.pseudonym}
    with pytest.raises(Exception) as again:
        erasure.erase_user(None, user)
    assert getattr(again.value, "code", "") == "FF-PRIVACY-ALREADY-ERASED"


def test_the_last_admin_cannot_be_erased(world) -> None:
    with pytest.raises(Exception) as err:
        erasure.erase_user(None, world.users["admin"])
    assert err.value.code == "FF-PRIVACY-LAST-ADMIN"


def test_erasing_a_customer_with_a_two_year_old_invoice_is_refused_with_the_date(consumer, issue_invoice) -> None:
    today = timezone.localdate()
    issue_invoice(consumer, date(today.year - 2, 6, 1))
    with translation.override("en"), pytest.raises(RetentionError) as err:
        erasure.erase_customer(None, consumer)
    assert err.value.code == "FF-RETENTION-ACTIVE"
    assert err.value.until == date(today.year + 3, 12, 31)
    assert f"{today.year + 4}-01-01" in str(err.value)
    consumer.refresh_from_db()
    assert consumer.name == "Kari Nordmann"


def test_a_customer_whose_documents_are_past_retention_is_pseudonymised(world, consumer, issue_invoice) -> None:
    issue_invoice(consumer, date(2019, 6, 1))
    erasure.erase_customer(None, consumer, today=date(2026, 1, 1))
    consumer.refresh_from_db()
    assert (consumer.name, consumer.email, consumer.address_line) == ("erased-customer-101", "", "")
    assert verify(world.a) == []


def test_a_business_is_not_erased_as_a_person(world) -> None:
    from fakturaflyt.receivables.models import Customer

    firm = Customer.objects.create(company=world.a, number=5, name="Firma AS", email="post@firma.no")
    with pytest.raises(Exception) as err:
        erasure.erase_customer(None, firm)
    assert err.value.code == "FF-PRIVACY-NOT-A-PERSON"
    erasure.erase_contact(None, world.a, "post@firma.no")
    firm.refresh_from_db()
    assert firm.email == ""


def test_me_page_and_json_for_a_user(client, world) -> None:
    client.force_login(world.users["approver"])
    assert client.get("/privacy/me/").status_code == 200
    data = client.get("/privacy/me/?format=json").json()
    assert data["users"][0]["username"] == "approver@alfa.test"
    assert data["memberships"][0]["role"] == "approver"


def test_admin_export_page_is_for_admins_only(client, world, consumer) -> None:
    client.force_login(world.users["accountant"])
    assert client.get("/privacy/export/?email=kari@example.no").status_code == 403
    client.force_login(world.users["admin"])
    response = client.get("/privacy/export/?email=kari@example.no&format=json")
    assert response.json()["customers"][0]["number"] == 101


def test_erase_refused_over_the_web_shows_the_reason(client, world, consumer, issue_invoice) -> None:
    issue_invoice(consumer, timezone.localdate() - timedelta(days=30))
    client.force_login(world.users["admin"])
    with translation.override("en"):
        response = client.post(
            "/privacy/erase/", {"kind": "customer", "id": "101"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "cannot be erased yet" in response.content.decode()
