"""Card fixtures: Amazon Business reports and card statements as real bytes, and a company to import them into.

* :func:`business_report` writes a real 73-column Amazon Business "Order History" CSV (the
  header from ``../shared/corpus/amazon``, Excel-wrapped ids as Amazon writes them); the test
  is skipped when the corpus is absent.
* :func:`statement` writes a card statement in the default layout
  (``date,time,merchant,amount,currency,amount_nok,card_holder,reference``).
* ``cards_company``: the demo company (departments 100-400, projects P1001-P1003) with a
  department for IT and a project named "Kontorflytting", plus an accountant ``user``.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS

HEADER_FILE = CORPUS / "amazon" / "amazon_business_order_history_HEADER_ONLY.csv"
STATEMENT_HEADER = ["date", "time", "merchant", "amount", "currency", "amount_nok", "card_holder", "reference"]


def business_header() -> list[str]:
    """The 73 column names of the Amazon Business report (skips the test without the corpus)."""
    if not HEADER_FILE.is_file():
        pytest.skip(f"Amazon corpus not found at {HEADER_FILE}")
    return next(csv.reader(io.StringIO(HEADER_FILE.read_text(encoding="utf-8-sig"))))


def item(
    order_id: str,
    title: str,
    *,
    subtotal: str,
    tax: str = "0.00",
    shipping: str = "0.00",
    promotion: str = "0.00",
    currency: str = "EUR",
    payment_ref: str = "",
    payment_date: str = "2026-03-02",
    payment_amount: str = "",
    order_date: str = "2026-03-01",
    user: str = "Kari Nordmann",
    category: str = "",
    gl_code: str = "",
    cost_center: str = "",
    project: str = "",
    asin: str = "",
    quantity: str = "1",
    instrument: str = "Visa",
) -> dict[str, str]:
    """One item row of a Business report, by column name (net total = subtotal + shipping + tax - promotion)."""
    net_total = Decimal(subtotal) + Decimal(shipping) + Decimal(tax) - abs(Decimal(promotion))
    return {
        "Order Date": order_date,
        "Order ID": f'="{order_id}"',
        "Currency": currency,
        "Account User": user,
        "Account User Email": f"{user.split()[0].lower()}@example.no" if user else "",
        "Payment Reference ID": payment_ref,
        "Payment Date": payment_date,
        "Payment Amount": payment_amount,
        "Payment Instrument Type": instrument,
        "Amazon-Internal Product Category": category,
        "UNSPSC": "",
        "ASIN": asin or f"B0{zlib.crc32(f'{order_id}|{title}'.encode()) % 10**8:08d}",
        "Title": title,
        "Item Quantity": quantity,
        "Item Subtotal": subtotal,
        "Item Shipping & Handling": shipping,
        "Item Promotion": promotion,
        "Item Tax": tax,
        "Item Net Total": f"{net_total:.2f}",
        "GL Code": gl_code,
        "Cost Center": cost_center,
        "Project Code": project,
        "Order Status": "Closed",
    }


def business_report(*rows: dict[str, str]) -> bytes:
    """A real Amazon Business order history CSV (73 columns) with these item rows."""
    header = business_header()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, f"not Business report columns: {unknown}"
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode("utf-8-sig")


def charge(
    reference: str,
    merchant: str,
    amount: str,
    *,
    currency: str = "EUR",
    amount_nok: str = "",
    day: str = "2026-03-02",
    time: str = "12:00",
    holder: str = "Kari Nordmann",
) -> list[str]:
    """One statement row in the default layout."""
    return [day, time, merchant, amount, currency, amount_nok, holder, reference]


def statement(*rows: list[str]) -> bytes:
    """A card statement CSV in the default layout with these rows (see :func:`charge`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATEMENT_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


@dataclass
class Cards:
    company: Any
    user: Any
    import_file: Callable[..., Any]  # import_file(data, filename="...") -> ImportResult


@pytest.fixture
def cards_company(demo_company, user_factory, intake_dirs) -> Cards:
    """The demo company with an IT department and a "Kontorflytting" project, and an accountant."""
    from fakturaflyt.cards import services
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.ledger.models import Department, Project

    company = demo_company
    Department.objects.get_or_create(company=company, code="500", defaults={"name": "IT"})
    Project.objects.get_or_create(company=company, code="P2001", defaults={"name": "Kontorflytting"})
    user = user_factory("kort@nordlys.demo")
    add_member(None, company, user, Role.ACCOUNTANT)

    def import_file(data: bytes, filename: str = "file.csv", **kw: Any) -> Any:
        return services.import_card_file(company, data, user, filename=filename, **kw)

    return Cards(company, user, import_file)


@pytest.fixture
def amazon_corpus() -> Path:
    """The folder of Amazon samples (skips when absent)."""
    folder = CORPUS / "amazon"
    if not folder.is_dir():
        pytest.skip(f"Amazon corpus not found at {folder}")
    return folder
