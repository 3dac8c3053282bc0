"""Killing the billing run, the dunning run and the payment export in the middle, then running again.

Each run happens in a subprocess (the product as the scheduled task or the command line runs
it, Celery eager, mail to files) killed at a crash point; the rerun happens in this process, as
the next scheduled run or the operator's second try. A clean run makes N things; the killed run
plus its rerun must make the same N: the same invoices, reminders, vouchers (count, gapless
numbers, sums per series), dispatches and files.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.faults.conftest import killed, sent_mails, vouchers

pytestmark = pytest.mark.django_db(transaction=True)

RUN_DAY = date(2026, 3, 1)


def _bank_account(company) -> None:
    from fakturaflyt.companies.models import CompanyBankAccount

    company.address_line, company.postal_code, company.city = "Storgata 1", "0155", "Oslo"
    company.email = "faktura@testfirma.no"
    company.save()
    CompanyBankAccount.objects.create(
        company=company, account_number="15064123456", iban="NO1415064123456", bic="DNBANOKK", is_default=True
    )


def _customer(company, n: int):
    from fakturaflyt.receivables.models import Customer

    return Customer.objects.create(
        company=company,
        number=100 + n,
        name=f"Kunde {n} AS",
        email=f"faktura@kunde{n}.test",
        address_line="Kundeveien 2",
        postal_code="5020",
        city="Bergen",
        payment_terms_days=14,
    )


# ------------------------------------------------------------------------------------ billing


def test_killed_billing_run_rerun_makes_and_sends_each_invoice_once(
    sub, make_company, mailoutbox, client, user_factory
) -> None:
    from django.urls import reverse
    from django.utils import translation

    from fakturaflyt.billing import services
    from fakturaflyt.billing.models import BillingRun, Subscription, SubscriptionPlan
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.ledger.models import AuditEvent
    from fakturaflyt.receivables.models import Product, SalesInvoice

    company = make_company()
    _bank_account(company)
    product = Product.objects.create(company=company, code="ABO", name="Abonnement", price=Decimal("300"))
    plan = SubscriptionPlan.objects.create(company=company, name="Basis", product=product, price=Decimal("300.00"))
    subs = 4
    for n in range(1, subs + 1):
        Subscription.objects.create(company=company, customer=_customer(company, n), plan=plan, start=RUN_DAY)
    before = vouchers(company)

    # when: killed after the second invoice was issued (before the others, and before any was sent)
    out = sub.run(
        f"""
        import datetime
        from fakturaflyt.billing import services
        services.run(company, datetime.date.fromisoformat({RUN_DAY.isoformat()!r}), None, send=True)
        """,
        crash="billing.invoice.made@2",
    )
    assert killed(out), out.stderr
    assert SalesInvoice.objects.count() == 2 and Dispatch.objects.count() == 0 and sent_mails(sub) == []

    # when: the next run
    result = services.run(company, RUN_DAY, None, send=True)

    # then: four invoices, numbered without gaps, each sent once, one voucher each
    assert len(result.created) == subs - 2 and result.problems == []
    invoices = list(SalesInvoice.objects.order_by("number"))
    first = invoices[0].number
    assert [i.number for i in invoices] == list(range(first, first + subs))  # gapless, none twice
    assert sorted(i.customer.number for i in invoices) == [100 + n for n in range(1, subs + 1)]
    assert {i.status for i in invoices} == {"sent"}
    assert sorted(Dispatch.objects.values_list("invoice_id", flat=True)) == sorted(i.pk for i in invoices)
    assert len(mailoutbox) == subs
    after = vouchers(company)
    new = {k: v for k, v in after.items() if v != before.get(k)}
    ((count, numbers, total),) = new.values()
    assert (count, numbers, Decimal(total)) == (subs, list(range(1, subs + 1)), sum(i.total for i in invoices))
    # a third run makes and sends nothing
    assert services.run(company, RUN_DAY, None, send=True).created == []
    assert Dispatch.objects.count() == subs and len(mailoutbox) == subs
    # the killed run stays on record as one that never finished: the rerun closed it as failed
    killed_run, rerun, third = BillingRun.objects.order_by("pk")
    assert (killed_run.status, rerun.status, third.status) == ("failed", "done", "done")
    assert killed_run.finished_at is not None and killed_run.problem_count == 1
    [note] = killed_run.problems
    assert note["code"] == "FF-BILLING-INTERRUPTED" and f"run {rerun.pk} " in note["message"]
    assert AuditEvent.objects.filter(company=company, action="billing.run_interrupted").count() == 1
    # and the run list says so
    auditor = user_factory("revisor@testfirma.no")
    add_member(None, company, auditor, Role.AUDITOR)
    client.force_login(auditor)
    with translation.override("en"):
        page = client.get(reverse("billing:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count(">Failed</span>") == 1 and page.count(">Done</span>") == 2


# ------------------------------------------------------------------------------------ dunning


def _rates() -> None:
    """The dated fee and interest rates a data migration seeds (a transactional test's flush removed them)."""
    import importlib

    from django.apps import apps

    from fakturaflyt.dunning.models import ReminderFeeRate

    if not ReminderFeeRate.objects.exists():
        importlib.import_module("fakturaflyt.dunning.migrations.0002_seed_rates").seed(apps, None)


def _overdue_invoices(company, n: int) -> list:
    from fakturaflyt.receivables import services
    from fakturaflyt.receivables.services import DraftLine

    found = []
    for i in range(1, n + 1):
        customer = _customer(company, i)
        draft = services.create_draft(
            company,
            customer,
            [DraftLine("Konsulenttime", Decimal("1"), Decimal("1000"), vat_code="6", revenue_account="3000")],
            actor=None,
        )
        found.append(services.issue(draft, None, issue_date=date(2026, 2, 1)))
    return found


@pytest.mark.parametrize(
    "point, mails_after_crash",
    [("dunning.notice.made@2", 1), ("dunning.notice.emailed@2", 2)],
    ids=["made-not-sent", "sent-not-committed"],
)
def test_killed_dunning_run_rerun_books_each_reminder_once(sub, make_company, mailoutbox, point, mails_after_crash):
    """Killed after reminder 2 was made (before or after its e-mail left): each reminder and fee is made once.

    The e-mail is sent inside the reminder's transaction, so a crash before the commit rolls the
    reminder back and the rerun makes it again. When the crash falls between the e-mail and the
    commit, the customer gets that reminder twice (at least once, never lost): the fee and its
    voucher are still made once.
    """
    from fakturaflyt.dunning import services
    from fakturaflyt.dunning.models import DunningNotice

    company = make_company()
    _bank_account(company)
    n = 3
    _rates()
    _overdue_invoices(company, n)
    on = date(2026, 3, 20)  # 33 days after the due date: a reminder with fee
    before = vouchers(company)

    out = sub.run(
        f"""
        import datetime
        from fakturaflyt.dunning import services
        services.run(company, datetime.date.fromisoformat({on.isoformat()!r}), None)
        """,
        crash=point,
    )
    assert killed(out), out.stderr
    assert DunningNotice.objects.count() == 1 and len(sent_mails(sub)) == mails_after_crash

    result = services.run(company, on, None)

    notices = list(DunningNotice.objects.order_by("pk"))
    assert len(result.notices) == n - 1
    assert len(notices) == n and {x.status for x in notices} == {"sent"}
    assert sorted(x.invoice.customer.number for x in notices) == [100 + i for i in range(1, n + 1)]
    assert len(sent_mails(sub)) + len(mailoutbox) == n + (mails_after_crash - 1)
    after = vouchers(company)
    new = {k: v for k, v in after.items() if v != before.get(k)}
    fees = sum((x.fee + x.interest for x in notices), Decimal("0"))
    assert fees > 0 and len([x for x in notices if x.voucher_id]) == n
    posted = sum(Decimal(v[2]) - Decimal(before.get(k, (0, [], "0"))[2]) for k, v in new.items())
    assert posted == fees  # each fee and interest once
    # a second rerun sends nothing
    assert services.run(company, on, None).notices == []
    assert DunningNotice.objects.count() == n


# ------------------------------------------------------------------------------------ payments


def _approved_run(company):
    from django.contrib.auth import get_user_model

    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.payments import services

    users = []
    for name in ("ola", "kari"):
        user = get_user_model().objects.create_user(f"{name}@test.no", f"{name}@test.no", "secret-pass-1")
        add_member(None, company, user, Role.ACCOUNTANT)
        users.append(user)
    run = services.propose(company, date(2026, 3, 31), users[0], today=date(2026, 3, 10))
    return services.approve_run(run, users[1])


def test_killed_payment_export_rerun_gives_one_file(sub, make_company, tmp_path) -> None:
    """Killed after the pain.001 file was written to the store but before the run was marked exported.

    The export is one transaction: the run stays approved, and the command line never wrote the
    output file, so no file can have reached the bank. The rerun writes the file (a new message
    id, the same end-to-end ids); exporting again gives the same bytes (docs/payments.md).
    """
    from lxml import etree

    from fakturaflyt.payables.models import DocumentState, Receipt, StoredFile, Supplier, SupplierDocument
    from fakturaflyt.payments import services
    from fakturaflyt.payments.models import PaymentRun

    company = make_company()
    _bank_account(company)
    supplier = Supplier.objects.create(
        company=company, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325", bank_account="15032080119"
    )
    for i in range(1, 4):
        stored = StoredFile.objects.create(sha256=f"{i:064x}", size=1, content_type="application/pdf")
        receipt = Receipt.objects.create(
            company=company, file=stored, channel="upload", filename=f"f{i}.pdf", received_at="2026-03-01T10:00Z"
        )
        SupplierDocument.objects.create(
            company=company,
            receipt=receipt,
            file=stored,
            state=DocumentState.APPROVED,
            supplier=supplier,
            invoice_number=f"F-{i}",
            issue_date=date(2026, 3, 1),
            due_date=date(2026, 3, 15),
            currency="NOK",
            total=Decimal("1000.00") * i,
            bank_account=supplier.bank_account,
        )
    run = _approved_run(company)
    output = tmp_path / "betaling.xml"

    out = sub.cli(
        "payments",
        "export",
        str(run.number),
        "--company",
        company.orgnr,
        "-o",
        str(output),
        crash="payments.export.stored",
    )
    assert killed(out), out.stderr
    run.refresh_from_db()
    assert run.status == "approved" and run.file_id is None and not output.exists()
    assert set(run.payments.values_list("status", flat=True)) == {"proposed"}

    data = services.export_run(PaymentRun.objects.get(pk=run.pk))
    again = services.export_run(PaymentRun.objects.get(pk=run.pk))
    assert again == data
    run.refresh_from_db()
    assert run.status == "exported" and set(run.payments.values_list("status", flat=True)) == {"exported"}
    ns = {"p": etree.fromstring(data).nsmap[None]}
    e2e = etree.fromstring(data).xpath("//p:EndToEndId/text()", namespaces=ns)
    assert sorted(e2e) == sorted(run.payments.values_list("end_to_end_id", flat=True)) and len(e2e) == 3
    assert StoredFile.objects.filter(pk=run.file_id).count() == 1
