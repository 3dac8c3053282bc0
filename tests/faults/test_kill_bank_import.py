"""Killing a bank import in the middle of matching: the rerun books each payment once.

The import is one transaction (``banking.services.run_import``): killed after the file was
stored and its entries inserted, while the second incoming entry is matched, it leaves the
received file and a *queued* import row, nothing else. Importing the same file again books
every payment once; the sweeper ``banking.resume_queued`` then finishes the orphaned row, which
finds every entry a duplicate.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.banking.conftest import ACCOUNT, DAY, IBAN, camt054, ntry
from tests.faults.conftest import killed, vouchers

pytestmark = pytest.mark.django_db(transaction=True)


def _setup(company):
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables import services
    from fakturaflyt.receivables.models import Customer
    from fakturaflyt.receivables.services import DraftLine

    CompanyBankAccount.objects.create(
        company=company, account_number=ACCOUNT, iban=IBAN, bic="DNBANOKK", is_default=True
    )
    kunde = Customer.objects.create(company=company, number=42, name="Kunde AS", orgnr="974760673", city="Bergen")
    invoices = []
    for amount in ("1000", "500", "250"):
        net = Decimal(amount) / Decimal("1.25")
        draft = services.create_draft(company, kunde, [DraftLine("Vare", Decimal("1"), net)], actor=None)
        invoices.append(services.issue(draft, None, issue_date=DAY))
    return invoices


def test_killed_bank_import_rerun_books_each_payment_once(sub, make_company) -> None:
    from fakturaflyt.banking.models import BankEntry, BankStatementImport
    from fakturaflyt.banking.services import import_bank_file
    from fakturaflyt.banking.tasks import resume_queued
    from fakturaflyt.payables import storage
    from fakturaflyt.payables.models import StoredFile
    from fakturaflyt.receivables.models import CustomerPayment, SalesInvoice

    company = make_company()
    invoices = _setup(company)
    data = camt054(*(ntry(f"R{i}", f"{inv.total}", kid=inv.kid) for i, inv in enumerate(invoices, 1)))
    path = sub.var / "innbetalinger.xml"
    path.write_bytes(data)
    before = vouchers(company)

    # when: killed while matching the second entry
    out = sub.run(
        f"""
        from fakturaflyt.banking.services import import_bank_file
        import_bank_file(company, open({str(path)!r}, "rb").read(), None, filename="innbetalinger.xml")
        """,
        crash="banking.import.matching@2",
    )
    assert killed(out), out.stderr

    # then: the file is kept, its import queued, nothing of it booked
    (orphan,) = BankStatementImport.objects.all()
    assert orphan.status == "queued" and orphan.file.sha256 == storage.digest(data)
    assert BankEntry.objects.count() == 0 and CustomerPayment.objects.count() == 0
    assert vouchers(company) == before

    # when: imported again, and the sweeper finds the orphaned import
    result = import_bank_file(company, data, None, filename="innbetalinger.xml")
    assert resume_queued.delay(older_than_minutes=0).get() == [orphan.pk]

    # then: every payment booked once, the orphan finished as all duplicates, the file stored once
    assert (result.total, result.matched_auto, result.duplicates) == (3, 3, 0)
    orphan.refresh_from_db()
    assert (orphan.status, orphan.entries, orphan.duplicates, orphan.matched_auto) == ("imported", 3, 3, 0)
    assert BankEntry.objects.count() == 3 and CustomerPayment.objects.count() == 3
    assert set(SalesInvoice.objects.values_list("settlement", flat=True)) == {"paid"}
    after = vouchers(company)
    new = {k: v for k, v in after.items() if v != before.get(k)}
    (series,) = new  # the payments went to one series...
    count, numbers, total = after[series]
    assert count - before.get(series, (0,))[0] == 3  # ...three vouchers, gapless, for the amounts paid
    assert numbers == list(range(1, count + 1))
    assert Decimal(total) - Decimal(before.get(series, (0, [], "0"))[2]) == sum(inv.total for inv in invoices)
    assert StoredFile.objects.filter(sha256=storage.digest(data)).count() == 1
