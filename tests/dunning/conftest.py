"""Dunning fixtures: a company with a bank account, a customer and issued invoices due on 1 March 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

DUE = date(2026, 3, 1)


@dataclass
class Dun:
    company: Any
    user: Any
    customer: Any
    printed: Any  # a customer without e-mail: letters are stored for printing

    def invoice(self, amount: str = "1000", *, due: date = DUE, customer: Any = None) -> Any:
        from fakturaflyt.receivables import services
        from fakturaflyt.receivables.services import DraftLine

        cust = customer or self.customer
        draft = services.create_draft(
            self.company,
            cust,
            [DraftLine("Konsulenttime", Decimal("1"), Decimal(amount), vat_code="6", revenue_account="3000")],
            actor=self.user,
        )
        return services.issue(draft, self.user, issue_date=due - timedelta(days=cust.payment_terms_days))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def dun(company, user_factory) -> Dun:
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import Customer

    company.address_line, company.postal_code, company.city = "Storgata 1", "0155", "Oslo"
    company.email = "faktura@testfirma.no"
    company.save()
    CompanyBankAccount.objects.create(
        company=company, account_number="15064123456", iban="NO1415064123456", bic="DNBANOKK", is_default=True
    )
    customer = Customer.objects.create(
        company=company,
        number=42,
        name="Kunde AS",
        orgnr="974760673",
        address_line="Kundeveien 2",
        postal_code="5020",
        city="Bergen",
        payment_terms_days=14,
        email="faktura@kunde.no",
    )
    printed = Customer.objects.create(
        company=company, number=43, name="Papir AS", address_line="Postboks 1", postal_code="0101", city="Oslo"
    )
    return Dun(company, user_factory("regnskap@testfirma.no"), customer, printed)
