"""The demo company: a realistic Norwegian AS with dimensions, suppliers, customers, users, vouchers,
a coding history (see :mod:`fakturaflyt.coding.demo`), approved supplier invoices due within the
next 30 days for a payment run (:mod:`fakturaflyt.payments.demo`) and, when installed, the
approval workflow's demo (``fakturaflyt.approvals.demo``).

``load_demo()`` is idempotent: run it as often as you like; what exists is kept.
Passwords are for local demonstration only and are printed by ``make run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from fakturaflyt.coding.demo import load_coding_demo
from fakturaflyt.companies.models import Company, CompanyBankAccount, Membership
from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member, create_company
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.chart import seed_books
from fakturaflyt.ledger.models import Department, Project, Voucher
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.payables.models import Supplier
from fakturaflyt.payments.demo import load_payments_demo
from fakturaflyt.receivables.models import Customer

DEMO_ORGNR = "924753811"
DEMO_IBAN = "NO1415064123456"  # the IBAN of the demo's operating account 1506.41.23456


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    name: str
    role: Role
    approval_limit: Decimal | None = None
    supplier_number: int | None = None


DEMO_USERS = (
    DemoUser("admin@nordlys.demo", "demo-admin", "Ingrid Admin", Role.ADMIN),
    DemoUser("regnskap@nordlys.demo", "demo-regnskap", "Ola Regnskapsfører", Role.ACCOUNTANT),
    DemoUser("attestant@nordlys.demo", "demo-attest", "Kari Attestant", Role.APPROVER, Decimal("50000.00")),
    DemoUser("innkjop@nordlys.demo", "demo-innkjop", "Per Innkjøper", Role.REQUESTER),
    DemoUser("leverandor@bergenkontor.demo", "demo-leverandor", "Lise Leverandør", Role.SUPPLIER, supplier_number=1),
    DemoUser("revisor@nordlys.demo", "demo-revisor", "Rune Revisor", Role.AUDITOR),
)

DEPARTMENTS = (("100", "Administrasjon"), ("200", "Salg"), ("300", "Lager og logistikk"), ("400", "Utvikling"))
PROJECTS = (("P1001", "Nytt showroom Bergen"), ("P1002", "Nettbutikk 2.0"), ("P1003", "Messe Lillestrøm 2026"))
SUPPLIERS = (
    (1, "Bergen Kontorutstyr AS", "987654325", "Strandkaien 12", "5013", "Bergen", "15032080119", "6540"),
    (2, "Fjordnett Telekom AS", "998811228", "Nydalsveien 28", "0484", "Oslo", "12540512343", "6900"),
    (3, "Vestland Eiendom AS", "933123456", "Kong Oscars gate 4", "5017", "Bergen", "97100512347", "6300"),
    (4, "Skyhavn Programvare AS", "976543211", "Innherredsveien 7", "7014", "Trondheim", "18220334453", "6553"),
    (5, "Revisjon Nord AS", "911223341", "Storgata 90", "9008", "Tromsø", "30001234567", "6700"),
)
CUSTOMERS = (
    (10001, "Solvik kommune", "922334455", False, "Rådhusplassen 1", "1400", "Ski", "0192:922334455"),
    (10002, "Hotell Fjordgløtt AS", "944556672", False, "Fjordvegen 3", "6856", "Sogndal", "0192:944556672"),
    (10003, "Byggmester Hansen AS", "955667786", False, "Industrivegen 15", "2069", "Jessheim", ""),
    (10004, "Kari Nordmann", "", True, "Bjørkeveien 5", "3711", "Skien", ""),
)


def _vouchers(company: Company, actor: object, suppliers: dict[int, Supplier], customers: dict[int, Customer]) -> None:
    """A few months of ordinary business, so the ledger and trial balance have something to show."""
    L = VoucherLine
    entries = [
        (
            "GL",
            date(2026, 1, 1),
            "Innskudd aksjekapital",
            [
                L("1920", debit=Decimal("300000.00"), description="Innbetalt aksjekapital"),
                L("2000", credit=Decimal("300000.00")),
            ],
        ),
        (
            "AP",
            date(2026, 1, 5),
            "Husleie januar – Vestland Eiendom AS",
            [
                L("6300", debit=Decimal("18500.00"), department="100", vat_code="0"),
                L("2400", credit=Decimal("18500.00"), supplier_id=suppliers[3].pk),
            ],
        ),
        (
            "AP",
            date(2026, 1, 12),
            "Kontorstoler – Bergen Kontorutstyr AS",
            [
                L("6540", debit=Decimal("12000.00"), vat_code="1", department="300", project="P1001"),
                L("2710", debit=Decimal("3000.00"), vat_code="1"),
                L("2400", credit=Decimal("15000.00"), supplier_id=suppliers[1].pk),
            ],
        ),
        (
            "AP",
            date(2026, 1, 20),
            "Lisenser – Skyhavn Programvare AS",
            [
                L("6553", debit=Decimal("4800.00"), vat_code="1", department="400", project="P1002"),
                L("2710", debit=Decimal("1200.00"), vat_code="1"),
                L("2400", credit=Decimal("6000.00"), supplier_id=suppliers[4].pk),
            ],
        ),
        (
            "AR",
            date(2026, 1, 25),
            "Faktura 1001 – Hotell Fjordgløtt AS",
            [
                L("1500", debit=Decimal("62500.00"), customer_id=customers[10002].pk),
                L("3000", credit=Decimal("50000.00"), vat_code="3", department="200"),
                L("2700", credit=Decimal("12500.00"), vat_code="3"),
            ],
        ),
        (
            "BANK",
            date(2026, 2, 5),
            "Betaling leverandører",
            [
                L("2400", debit=Decimal("18500.00"), supplier_id=suppliers[3].pk),
                L("2400", debit=Decimal("15000.00"), supplier_id=suppliers[1].pk),
                L("1920", credit=Decimal("33500.00")),
            ],
        ),
        (
            "BANK",
            date(2026, 2, 10),
            "Innbetaling faktura 1001",
            [
                L("1920", debit=Decimal("62500.00")),
                L("1500", credit=Decimal("62500.00"), customer_id=customers[10002].pk),
            ],
        ),
        (
            "AR",
            date(2026, 2, 14),
            "Faktura 1002 – Solvik kommune",
            [
                L("1500", debit=Decimal("125000.00"), customer_id=customers[10001].pk),
                L("3000", credit=Decimal("100000.00"), vat_code="3", department="200", project="P1001"),
                L("2700", credit=Decimal("25000.00"), vat_code="3"),
            ],
        ),
        (
            "AP",
            date(2026, 2, 28),
            "Mobil og bredbånd februar – Fjordnett Telekom AS",
            [
                L("6900", debit=Decimal("2396.00"), vat_code="1", department="100"),
                L("2710", debit=Decimal("599.00"), vat_code="1"),
                L("2400", credit=Decimal("2995.00"), supplier_id=suppliers[2].pk),
            ],
        ),
    ]
    for series, when, text, lines in entries:
        post_voucher(company, actor, voucher_date=when, description=text, lines=lines, series=series, source="demo")


@transaction.atomic
def load_demo(*, sales: bool = True) -> Company:
    """Create (or complete) the demo company and return it.

    ``sales`` False leaves out the customer invoices (products, subscriptions, billing runs,
    sending): the test fixture for everything else, which would only wait for the PDFs.
    """
    company = Company.objects.filter(orgnr=DEMO_ORGNR).first() or create_company(
        None,
        orgnr=DEMO_ORGNR,
        name="Nordlys Kontormøbler AS",
        address_line="Karl Johans gate 22",
        postal_code="0159",
        city="Oslo",
        email="post@nordlys.demo",
        phone="+47 22 00 00 00",
    )
    bank_account, _ = CompanyBankAccount.objects.get_or_create(
        company=company,
        account_number="15064123456",
        defaults={"name": "Driftskonto", "iban": DEMO_IBAN, "bic": "DNBANOKK", "is_default": True},
    )
    if bank_account.iban != DEMO_IBAN:  # demo databases from before the IBAN check digits were corrected
        CompanyBankAccount.objects.filter(pk=bank_account.pk).update(iban=DEMO_IBAN)
    seed_books(company)
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(company=company, code=code, defaults={"name": name})
    for code, name in PROJECTS:
        Project.objects.get_or_create(company=company, code=code, defaults={"name": name})
    suppliers = {}
    for number, name, orgnr, street, postal, city, account, expense in SUPPLIERS:
        suppliers[number], _ = Supplier.objects.get_or_create(
            company=company,
            number=number,
            defaults={
                "name": name,
                "orgnr": orgnr,
                "vat_id": f"NO{orgnr}MVA",
                "address_line": street,
                "postal_code": postal,
                "city": city,
                "bank_account": account,
                "default_account": expense,
            },
        )
    customers = {}
    for number, name, orgnr, consumer, street, postal, city, peppol in CUSTOMERS:
        customers[number], _ = Customer.objects.get_or_create(
            company=company,
            number=number,
            defaults={
                "name": name,
                "orgnr": orgnr,
                "is_consumer": consumer,
                "address_line": street,
                "postal_code": postal,
                "city": city,
                "peppol_id": peppol,
            },
        )
    User = get_user_model()
    admin_user = accountant = None
    for du in DEMO_USERS:
        user = User.objects.filter(username=du.email).first()
        if user is None:
            first, _, last = du.name.partition(" ")
            user = User.objects.create_user(du.email, du.email, du.password, first_name=first, last_name=last)
            if du.role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
                user.save()
        if not Membership.objects.filter(user=user, company=company).exists():
            add_member(
                None,
                company,
                user,
                du.role,
                approval_limit=du.approval_limit,
                supplier=suppliers[du.supplier_number] if du.supplier_number else None,
            )
        if du.role == Role.ADMIN:
            admin_user = user
        elif du.role == Role.ACCOUNTANT:
            accountant = user
    if not Voucher.objects.filter(company=company).exists():
        _vouchers(company, admin_user, suppliers, customers)
    load_coding_demo(company, suppliers, accountant)
    load_payments_demo(company, suppliers, admin_user)
    try:
        from fakturaflyt.approvals.demo import load_approval_demo
    except ImportError:  # the approval workflow's demo is not installed in this build
        pass
    else:
        load_approval_demo(company)
    if sales:
        from fakturaflyt.banking.demo import load_bank_demo
        from fakturaflyt.cards.demo import load_card_demo
        from fakturaflyt.dunning.demo import load_dunning_demo
        from fakturaflyt.receivables.demo import load_sales_demo

        load_sales_demo(company, admin_user)
        load_dunning_demo(company, admin_user)  # reminders on the overdue invoices, one case to collection
        load_bank_demo(company, accountant)  # yesterday's payments: some matched at once, some for review
        load_card_demo(company, accountant)  # two months of card purchases: Amazon split per item, a few posted
        from fakturaflyt.ledger.demo_year import load_demo_year

        load_demo_year(company, admin_user, 2026)  # a year of ordinary business to date (SAF-T, reports, dashboards)
    return company
