"""Billing fixtures: a company with a customer, products and plans; a run that does not send."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest


@pytest.fixture
def shop(company):
    """The company with a customer, a service product and two monthly plans (Basis 300, Pro 600)."""
    from fakturaflyt.billing.models import SubscriptionPlan
    from fakturaflyt.receivables.models import Customer, Product

    class Shop:
        pass

    s = Shop()
    s.company = company
    s.customer = Customer.objects.create(
        company=company,
        number=101,
        name="Fjordkraft Kontor AS",
        orgnr="923609016",
        email="faktura@fjord.test",
        address_line="Kongens gate 1",
        postal_code="0153",
        city="Oslo",
    )
    s.other = Customer.objects.create(
        company=company,
        number=102,
        name="Havbris Design AS",
        email="post@havbris.test",
        address_line="Strandkaien 4",
        postal_code="5013",
        city="Bergen",
    )
    s.service = Product.objects.create(
        company=company, code="ABO", name="Programabonnement", price=Decimal("300"), unit_code="MON"
    )
    s.hour = Product.objects.create(
        company=company, code="KONS", name="Konsulenttime", price=Decimal("1200"), unit_code="HUR"
    )
    s.basis = SubscriptionPlan.objects.create(company=company, name="Basis", product=s.service, price=Decimal("300.00"))
    s.pro = SubscriptionPlan.objects.create(company=company, name="Pro", product=s.service, price=Decimal("600.00"))
    return s


@pytest.fixture
def subscribe(shop):
    from fakturaflyt.billing.models import Subscription

    def make(start: date, plan: Any = None, **kw: Any) -> Subscription:
        return Subscription.objects.create(
            company=shop.company, customer=kw.pop("customer", shop.customer), plan=plan or shop.basis, start=start, **kw
        )

    return make


@pytest.fixture
def run(shop):
    """Run billing for the shop's company (not sending) and return the result."""
    from fakturaflyt.billing import services

    def go(on: date, actor: Any = None):
        return services.run(shop.company, on, actor, send=False)

    return go
