"""Changes to master data in the Django admin enter the company's audit chain with before and after."""

from __future__ import annotations

import pytest

from fakturaflyt.ledger.audit import verify
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables.models import Supplier


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.no", "root@example.no", "root-pass-123")
    client.force_login(admin)
    return client


def test_changing_a_supplier_in_the_admin_is_audited(staff_client, company) -> None:
    # given
    supplier = Supplier.objects.create(company=company, number=1, name="Gammelt Navn AS", orgnr="987654325")
    # when
    response = staff_client.post(
        f"/admin/payables/supplier/{supplier.pk}/change/",
        {
            "company": company.pk,
            "number": 1,
            "name": "Nytt Navn AS",
            "orgnr": "987654325",
            "vat_id": "",
            "address_line": "",
            "postal_code": "",
            "city": "",
            "country": "NO",
            "email": "",
            "bank_account": "",
            "iban": "",
            "bic": "",
            "payment_terms_days": 30,
            "default_account": "",
            "is_active": "on",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(company=company, action="supplier.changed").get()
    assert event.actor_label == "root@example.no"
    assert event.data["before"]["name"] == "Gammelt Navn AS"
    assert event.data["after"]["name"] == "Nytt Navn AS"
    assert event.data["via"] == "admin"
    assert verify(company) == []


def test_deleting_a_supplier_in_the_admin_is_audited(staff_client, company) -> None:
    supplier = Supplier.objects.create(company=company, number=2, name="Borte AS")
    response = staff_client.post(f"/admin/payables/supplier/{supplier.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Supplier.objects.filter(pk=supplier.pk).exists()
    event = AuditEvent.objects.filter(company=company, action="supplier.deleted").get()
    assert event.data["before"]["name"] == "Borte AS"
