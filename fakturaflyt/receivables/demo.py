"""The demo company's sales: products, customers on every channel, a month of subscriptions, orders, time and a contract.

Loaded by :func:`fakturaflyt.companies.demo.load_demo`. Everything is dated relative to today
(Europe/Oslo), so the demo always shows the last month: the billing run is run on the first of
last month, the first of this month and today, which issues and sends what fell due (in the
first half of a month the sources and runs are dated as on the last day of last month, plus
this month's run, so there are overdue invoices of every age). Besides
that, two invoices made by hand show what a run does not: one with three VAT rates (25, 15 and
12 %) and a currency invoice in EUR to a Swedish customer (export, VAT code 52, NOK amounts on
the invoice); one invoice is partly credited. The customers cover every channel: EHF (Solvik
kommune, Hotell Fjordgløtt), e-mail PDF (Byggmester Hansen, Svea Kontor AB), print (Kari
Nordmann) and eFaktura (Ola Hansen), which is not configured for the demo company, so that
send fails and shows the accountant how a hard failure looks. Before all that, a year of
monthly service invoices, each paid at its customer's habit (Solvik kommune on time, Hotell
Fjordgløtt a few days late, Byggmester Hansen two to three weeks late), gives the customer
ledger and the payment prediction a history.

The service agreement's base KPI is a demo value, not SSB's figure: a real company enters SSB's
monthly KPI (table 03013) in the KPI table before its first regulation month.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.receivables.models import (
    Customer,
    DeliveryChannel,
    DocumentType,
    InvoiceSettings,
    Language,
    Product,
    SalesInvoice,
    Source,
)

D = Decimal

PRODUCTS = (
    # code, name, unit, price, revenue account, VAT code
    ("STOL-ERGO", "Ergonomisk kontorstol Nordlys Pro", "C62", "4990.00", "3000", "3"),
    ("PULT-EL", "Hev/senk-skrivebord 160 × 80", "C62", "7490.00", "3000", "3"),
    ("MONT", "Montering", "HUR", "850.00", "3020", "3"),
    ("KONS", "Interiørrådgivning", "HUR", "1250.00", "3020", "3"),
    ("LUNSJ", "Lunsj ved workshop", "C62", "189.00", "3030", "31"),
    ("OVERN", "Overnatting kursdeltaker", "C62", "1450.00", "3050", "33"),
    ("LEIE-STD", "Møbelleie Standard (per arbeidsplass)", "MON", "1490.00", "3610", "3"),
    ("LEIE-PRE", "Møbelleie Premium (per arbeidsplass)", "MON", "2490.00", "3610", "3"),
    ("LEIE-HJEM", "Møbelleie hjemmekontor", "MON", "390.00", "3610", "3"),
    ("SERVICE", "Serviceavtale kontormøbler", "ANN", "12000.00", "3020", "3"),
)

#: customer number -> (channel, e-mail, language, currency, their reference)
CHANNELS = {
    10001: (DeliveryChannel.EHF, "faktura@solvik.kommune.demo", Language.NB, "NOK", "Eiendom 4410"),
    10002: (DeliveryChannel.EHF, "regnskap@fjordglott.demo", Language.NB, "NOK", "Innkjøp"),
    10003: (DeliveryChannel.EMAIL, "faktura@byggmester-hansen.demo", Language.NB, "NOK", "Per Hansen"),
    10004: (DeliveryChannel.PRINT, "", Language.NB, "NOK", ""),
}
NEW_CUSTOMERS = (
    {
        "number": 10005,
        "name": "Svea Kontor AB",
        "vat_id": "SE556677889901",
        "peppol_id": "0007:5566778899",
        "address_line": "Drottninggatan 50",
        "postal_code": "111 21",
        "city": "Stockholm",
        "country": "SE",
        "email": "invoices@svea-kontor.demo",
        "channel": DeliveryChannel.EMAIL,
        "language": Language.EN,
        "currency": "EUR",
        "payment_terms_days": 30,
        "reference": "Anna Lind",
    },
    {
        "number": 10006,
        "name": "Ola Hansen",
        "is_consumer": True,
        "address_line": "Storgata 1",
        "postal_code": "3015",
        "city": "Drammen",
        "channel": DeliveryChannel.EFAKTURA,
    },
)

#: The service agreement's base KPI (2015 = 100): a demo value, regulated each January from next year.
DEMO_CPI_BASE = D("138.2")


def _oslo_today() -> date:
    return timezone.localdate()


def _customers(company: Company) -> dict[int, Customer]:
    for number, (channel, email, language, currency, reference) in CHANNELS.items():
        Customer.objects.filter(company=company, number=number, email="").update(
            channel=channel, email=email, language=language, currency=currency, reference=reference
        )
    for data in NEW_CUSTOMERS:
        fields = dict(data)
        Customer.objects.get_or_create(company=company, number=fields.pop("number"), defaults=fields)
    return {c.number: c for c in Customer.objects.filter(company=company)}


def _products(company: Company) -> dict[str, Product]:
    for code, name, unit, price, account, vat in PRODUCTS:
        Product.objects.get_or_create(
            company=company,
            code=code,
            defaults={"name": name, "unit_code": unit, "price": D(price), "revenue_account": account, "vat_code": vat},
        )
    return {p.code: p for p in Product.objects.filter(company=company)}


#: customer number -> days after the due date it usually pays (the payment prediction learns it)
HABITS = {10001: (0, 1, 0, 2), 10002: (3, 5, 2, 4), 10003: (14, 21, 25, 18), 10004: (-2, 0, 1, -1)}


def _history(
    company: Company, customers: dict[int, Customer], products: dict[str, Product], actor: Any, today: date
) -> None:
    """A year of earlier invoices, paid at each customer's habitual delay: the customer ledger's history.

    Made before anything else, so the invoice numbers follow the dates. Not sent (they predate
    the demo's channels); paid through the same service a bank file uses.
    """
    from fakturaflyt.receivables.payments import record_payment
    from fakturaflyt.receivables.services import DraftLine, create_draft, issue

    first_of_month = today.replace(day=1)
    service = products["SERVICE"]
    for months_back in range(12, 2, -1):
        year, month = first_of_month.year, first_of_month.month - months_back
        while month < 1:
            year, month = year - 1, month + 12
        issued_on = date(year, month, 5)
        for number, delays in HABITS.items():
            customer = customers[number]
            quantity = D(1 + months_back % 3)
            draft = create_draft(
                company,
                customer,
                [DraftLine("Service og vedlikehold av kontormøbler", quantity, D("1200.00"), product=service)],
                actor=actor,
                source=Source.MANUAL,
                source_key=f"demo:history:{number}:{issued_on.isoformat()}",
                issue_date=issued_on,
                delivery_date=issued_on,
            )
            invoice = issue(draft, actor)
            assert invoice.due_date is not None
            paid_on = invoice.due_date + timedelta(days=delays[months_back % len(delays)])
            record_payment(
                company,
                customer=customer,
                amount=invoice.total,
                paid_on=paid_on,
                allocations=[(invoice, invoice.total)],
                actor=actor,
                source_ref=f"demo-history-{invoice.number}",
                payer_name=customer.name,
                kid=invoice.kid,
                match_method="kid",
            )


def _sources(company: Company, customers: dict[int, Customer], products: dict[str, Product], today: date) -> None:
    """Subscriptions, orders, time and a contract, dated over the last two months."""
    from fakturaflyt.billing.models import (
        Contract,
        ContractMilestone,
        Interval,
        SalesOrder,
        SalesOrderLine,
        Subscription,
        SubscriptionChange,
        SubscriptionPlan,
        TimeEntry,
    )
    from fakturaflyt.ledger.models import Project

    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    before = (last_month - timedelta(days=1)).replace(day=1)

    def plan(name: str, product: str, interval: str = Interval.MONTHLY, in_advance: bool = True) -> Any:
        p = products[product]
        return SubscriptionPlan.objects.get_or_create(
            company=company,
            name=name,
            defaults={"product": p, "price": p.price, "interval": interval, "in_advance": in_advance},
        )[0]

    standard = plan("Møbelleie Standard", "LEIE-STD")
    premium = plan("Møbelleie Premium", "LEIE-PRE")
    home = plan("Møbelleie hjemmekontor", "LEIE-HJEM")
    service = plan("Serviceavtale kontormøbler", "SERVICE", Interval.YEARLY)
    hotel = Subscription.objects.create(
        company=company, customer=customers[10002], plan=standard, quantity=D("4"), start=before
    )
    SubscriptionChange.objects.create(
        company=company, subscription=hotel, on=last_month + timedelta(days=14), new_plan=premium
    )
    Subscription.objects.create(
        company=company,
        customer=customers[10003],
        plan=standard,
        quantity=D("2"),
        start=last_month + timedelta(days=9),
        trial_end=last_month + timedelta(days=22),
    )
    Subscription.objects.create(company=company, customer=customers[10004], plan=home, start=last_month)
    Subscription.objects.create(
        company=company,
        customer=customers[10001],
        plan=service,
        start=date(today.year, 1, 1),
        cpi_month=1,
        cpi_base_index=DEMO_CPI_BASE,
        customer_reference="Eiendom 4410",
    )
    Subscription.objects.create(company=company, customer=customers[10006], plan=home, start=this_month)

    order = SalesOrder.objects.create(
        company=company,
        number=5001,
        customer=customers[10003],
        order_date=last_month + timedelta(days=3),
        delivery_date=last_month + timedelta(days=19),
        customer_reference="Per Hansen",
        customer_order_number="BH-2231",
    )
    for no, (code, qty, discount) in enumerate((("STOL-ERGO", "6", "10"), ("PULT-EL", "3", "0"), ("MONT", "4", "0"))):
        p = products[code]
        SalesOrderLine.objects.create(
            company=company,
            order=order,
            line_no=no + 1,
            product=p,
            description=p.name,
            quantity=D(qty),
            unit_price=p.price,
            discount_percent=D(discount),
            department="200",
        )
    project = Project.objects.filter(company=company, code="P1001").first()
    for offset, person, hours in ((2, "Ingrid Berg", "6.5"), (5, "Ingrid Berg", "7.5"), (6, "Jonas Lie", "4")):
        TimeEntry.objects.create(
            company=company,
            customer=customers[10001],
            project=project,
            person=person,
            date=last_month + timedelta(days=offset),
            hours=D(hours),
            hourly_rate=products["KONS"].price,
            product=products["KONS"],
            description="Innredningsplan nytt rådhus",
        )
    contract = Contract.objects.create(
        company=company,
        customer=customers[10001],
        number="K-2026-07",
        title="Innredning nytt rådhus",
        start_date=before,
        customer_reference="Eiendom 4410",
    )
    ContractMilestone.objects.create(
        company=company,
        contract=contract,
        date=last_month + timedelta(days=4),
        description="Innredning rådhus: 40 % ved bestilling",
        amount=D("180000.00"),
        revenue_account="3000",
    )
    ContractMilestone.objects.create(
        company=company,
        contract=contract,
        date=today + timedelta(days=20),
        description="Innredning rådhus: 60 % ved overlevering",
        amount=D("270000.00"),
        revenue_account="3000",
    )


def _manual(
    company: Company, customers: dict[int, Customer], products: dict[str, Product], actor: Any, today: date
) -> None:
    """What a run does not make: three VAT rates on one invoice, a currency invoice, a credit note."""
    from fakturaflyt.distribution.services import send
    from fakturaflyt.receivables.services import DraftLine, create_draft, credit, issue

    this_month = today.replace(day=1)

    def days_ago(n: int) -> date:
        """n days before today, but not before this month's billing run (numbers follow dates)."""
        return max(this_month, today - timedelta(days=n))

    def line(code: str, qty: str, **kw: Any) -> DraftLine:
        p = products[code]
        return DraftLine(p.name, D(qty), kw.pop("price", p.price), product=p, **kw)

    workshop = create_draft(
        company,
        customers[10002],
        [line("KONS", "6"), line("LUNSJ", "12"), line("OVERN", "4")],
        actor=actor,
        source=Source.MANUAL,
        source_key="demo:workshop",
        issue_date=days_ago(12),
        delivery_date=days_ago(14),
        buyer_reference="Innkjøp",
        note="Workshop innredning av hotellets nye lobby.",
    )
    export = create_draft(
        company,
        customers[10005],
        [line("STOL-ERGO", "10", price=D("429.00"), vat_code="52", revenue_account="3100", discount_percent=D("5"))],
        actor=actor,
        source=Source.MANUAL,
        source_key="demo:export",
        issue_date=days_ago(8),
        delivery_date=days_ago(9),
        currency="EUR",
        exchange_rate=D("11.7245"),
        buyer_reference="Anna Lind",
    )
    for draft in (workshop, export):
        send(issue(draft, actor), actor=actor)
    ordered = (
        SalesInvoice.objects.filter(company=company, source=Source.ORDER, document_type=DocumentType.INVOICE)
        .exclude(number=None)
        .first()
    )
    if ordered is not None:
        chair = ordered.lines.filter(product=products["STOL-ERGO"]).first()
        if chair is not None:
            note = credit(
                ordered,
                actor,
                reason="Retur av én stol (transportskade)",
                lines=[
                    DraftLine(
                        chair.description,
                        D("1"),
                        chair.unit_price,
                        product=chair.product,
                        discount_percent=chair.discount_percent,
                        department=chair.department,
                    )
                ],
                issue_date=days_ago(2),
            )
            send(note, actor=actor)


@transaction.atomic
def load_sales_demo(company: Company, actor: Any) -> None:
    """Products, customers on every channel, billing sources and a month of invoices (idempotent)."""
    InvoiceSettings.objects.get_or_create(
        company=company,
        defaults={"footer": "Takk for handelen! Spørsmål om fakturaen: post@nordlys.demo, tlf. 22 00 00 00."},
    )
    customers = _customers(company)
    products = _products(company)
    if SalesInvoice.objects.filter(company=company).exists():
        return
    from fakturaflyt.billing.services import run

    today = _oslo_today()
    # Early in a month last month's invoices are hardly overdue: the sources and runs are then
    # dated as on the last day of last month (plus this month's run), so reminders and the
    # customer ledger show invoices of every age on any day of the month.
    anchor = today if today.day >= 15 else today.replace(day=1) - timedelta(days=1)
    _history(company, customers, products, actor, today)
    _sources(company, customers, products, anchor)
    this_month = anchor.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    # in date order, so the numbers follow the invoice dates: the runs on the first of last month
    # and of this month, the invoices made by hand in between, then (this month's and) today's run
    for on in sorted({last_month, this_month}):
        run(company, on, actor)
    _manual(company, customers, products, actor, anchor)
    for on in sorted({today.replace(day=1), today}):
        run(company, on, actor)
