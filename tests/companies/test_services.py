"""create_company and add_member: validated input, seeded books, one transaction each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member, create_company
from fakturaflyt.core.errors import FormatError
from fakturaflyt.ledger.models import Account, AuditEvent, NumberSeries

pytestmark = pytest.mark.django_db


def test_create_company_normalises_the_orgnr_and_seeds_the_books() -> None:
    company = create_company(None, orgnr="NO 923 609 016 MVA", name="Beta AS", city="Bergen")
    assert company.orgnr == "923609016"
    assert company.orgnr_display == "923 609 016 MVA"
    assert company.vat_number == "NO923609016MVA"
    assert company.peppol_id == "0192:923609016"
    assert Account.objects.filter(company=company).exists()
    assert NumberSeries.objects.filter(company=company).count() == 5


def test_an_invalid_orgnr_creates_nothing() -> None:
    with pytest.raises(FormatError) as err:
        create_company(None, orgnr="923609017", name="Feil AS")
    assert err.value.code == "FF-ORGNR-INVALID"
    assert not Company.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_duplicate_orgnr_is_refused(company) -> None:
    with pytest.raises(ValidationError):
        create_company(None, orgnr=company.orgnr, name="Kopi AS")
    assert Company.objects.count() == 1


def test_add_member_twice_changes_the_one_membership(company, user_factory) -> None:
    kari = user_factory("kari@firma.test")
    first = add_member(None, company, kari, Role.REQUESTER)
    Membership.objects.filter(pk=first.pk).update(is_active=False)
    second = add_member(None, company, kari, Role.AUDITOR)
    assert second.pk == first.pk
    m = Membership.objects.get(user=kari, company=company)
    assert (m.role, m.is_active) == ("auditor", True)
