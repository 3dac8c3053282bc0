"""Handover to a collection agency (overlevering til inkasso) and the case export.

A case may go to collection only after an inkassovarsel was sent and its deadline (at least 14
days, inkassoloven § 9) has passed unpaid. :func:`hand_over` checks that, exports the case as
JSON and CSV (stored content-addressed with ``payables.storage.store``), and marks it "sent to
collection"; the run sends nothing for it afterwards. :func:`collection_export` makes one file
of several cases for an agency's batch upload.

The export's columns (CSV header and JSON keys, one row per case; amounts as strings with a
decimal point, dates ISO 8601):

=====================  ==================================================================
creditor_orgnr         the company's organisation number
creditor_name          the company's name
debtor_name            the customer's name (as on the invoice)
debtor_orgnr           the customer's organisation number (empty for consumers)
debtor_address         street address
debtor_postal_code     postal code
debtor_city            city
debtor_country         ISO country code
debtor_email           the customer's invoice e-mail
invoice_number         the invoice number
invoice_date           the invoice date
due_date               the due date
kid                    the invoice's KID
currency               the invoice currency
principal              the open amount of the invoice
fees                   reminder fees charged (purregebyr)
interest               late-payment interest charged by the notices
interest_to_date       further late-payment interest from the last notice to the handover day
total                  principal + fees + interest + interest_to_date
notices                the notices sent: "step:date" joined by "|" (JSON: a list of objects)
=====================  ==================================================================
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from fakturaflyt.companies.models import Company
from fakturaflyt.core import dunning as rules
from fakturaflyt.core.dunning import StepKind
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.dunning.error_codes import DunningCode, DunningError
from fakturaflyt.dunning.models import CollectionCase, DunningNotice, NoticeStatus
from fakturaflyt.dunning.services import _open_nok, interest_table, settings_for
from fakturaflyt.ledger.audit import record
from fakturaflyt.receivables.models import SalesInvoice, Settlement

COLUMNS = (
    "creditor_orgnr",
    "creditor_name",
    "debtor_name",
    "debtor_orgnr",
    "debtor_address",
    "debtor_postal_code",
    "debtor_city",
    "debtor_country",
    "debtor_email",
    "invoice_number",
    "invoice_date",
    "due_date",
    "kid",
    "currency",
    "principal",
    "fees",
    "interest",
    "interest_to_date",
    "total",
    "notices",
)


def _sent(invoice: SalesInvoice) -> list[DunningNotice]:
    return list(invoice.dunning_notices.filter(status=NoticeStatus.SENT).order_by("sent_on", "pk"))


def ready(invoice: SalesInvoice, on: date) -> str | None:
    """None when ``invoice`` may be handed over on ``on``; else why not."""
    if CollectionCase.objects.filter(invoice=invoice).exists():
        return "the invoice is with the collection agency already"
    if invoice.settlement not in (Settlement.OPEN, Settlement.PARTLY_PAID) or invoice.open_amount <= 0:
        return "the invoice is paid or credited"
    if invoice.disputed:
        return "the customer disputes the invoice"
    notices = [n for n in _sent(invoice) if n.kind == StepKind.COLLECTION_NOTICE]
    if not notices:
        return "no inkassovarsel has been sent (inkassoloven § 9)"
    deadline = max(n.deadline for n in notices if n.deadline)
    if on <= deadline:
        return f"the inkassovarsel's deadline {deadline:%d.%m.%Y} has not passed"
    return None


def case_row(invoice: SalesInvoice, on: date) -> dict[str, Any]:
    """The export row of one case as of ``on`` (see the module docstring for the columns)."""
    company = invoice.company
    customer = invoice.customer
    address = invoice.buyer_address or {}
    notices = _sent(invoice)
    fees = sum((n.fee for n in notices), Decimal("0.00"))
    interest = sum((n.interest for n in notices), Decimal("0.00"))
    since = max([invoice.due_date, *(n.interest_until for n in notices if n.interest_until)])
    more = Decimal("0.00")
    if settings_for(company).charge_interest:
        try:
            more = rules.late_interest(_open_nok(invoice), since, on, interest_table())
        except FakturaflytError:
            more = Decimal("0.00")
    principal = invoice.open_amount
    return {
        "creditor_orgnr": company.orgnr,
        "creditor_name": company.name,
        "debtor_name": invoice.buyer_name or customer.name,
        "debtor_orgnr": invoice.buyer_orgnr or customer.orgnr,
        "debtor_address": address.get("address_line") or address.get("street") or customer.address_line,
        "debtor_postal_code": address.get("postal_code") or customer.postal_code,
        "debtor_city": address.get("city") or customer.city,
        "debtor_country": address.get("country") or customer.country,
        "debtor_email": customer.email,
        "invoice_number": invoice.number,
        "invoice_date": invoice.issue_date.isoformat() if invoice.issue_date else "",
        "due_date": invoice.due_date.isoformat() if invoice.due_date else "",
        "kid": invoice.kid,
        "currency": invoice.currency,
        "principal": str(principal),
        "fees": str(fees),
        "interest": str(interest),
        "interest_to_date": str(more),
        "total": str(principal + fees + interest + more),
        "notices": [
            {
                "step": n.step,
                "kind": n.kind,
                "sent_on": n.sent_on.isoformat(),
                "fee": str(n.fee),
                "interest": str(n.interest),
                "deadline": n.deadline.isoformat() if n.deadline else None,
            }
            for n in notices
        ],
    }


def to_json(rows: Sequence[dict[str, Any]]) -> bytes:
    return json.dumps(
        {"format": "fakturaflyt-collection-1", "cases": list(rows)}, ensure_ascii=False, indent=2
    ).encode()


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["notices"] = "|".join(f"{n['step']}:{n['sent_on']}" for n in row["notices"])
        writer.writerow(flat)
    return out.getvalue().encode("utf-8")


def hand_over(invoice: SalesInvoice, actor: Any, *, on: date | None = None) -> CollectionCase:
    """Hand ``invoice`` over to the company's collection agency on ``on`` (default: today)."""
    from django.utils import timezone

    from fakturaflyt.payables.storage import store

    day = on or timezone.localdate()
    with transaction.atomic():
        locked = SalesInvoice.objects.select_for_update().select_related("company", "customer").get(pk=invoice.pk)
        why = ready(locked, day)
        if why is not None:
            code = DunningCode.ALREADY_HANDED_OVER if "already" in why else DunningCode.NOT_READY
            raise DunningError(code, f"{locked} cannot be handed over to collection: {why}.", str(locked.number))
        company = locked.company
        s = settings_for(company)
        row = case_row(locked, day)
        name = f"inkasso-{company.orgnr}-{locked.number}-{day.isoformat()}"
        case = CollectionCase.objects.create(
            company=company,
            invoice=locked,
            handed_over_on=day,
            agency_name=s.agency_name,
            agency_email=s.agency_email,
            principal=Decimal(row["principal"]),
            fees=Decimal(row["fees"]),
            interest=Decimal(row["interest"]) + Decimal(row["interest_to_date"]),
            export_json=store(to_json([row]), filename=f"{name}.json", content_type="application/json"),
            export_csv=store(to_csv([row]), filename=f"{name}.csv", content_type="text/csv"),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record(
            company, actor, "dunning.handed_over", case, invoice=locked.number, total=row["total"], agency=s.agency_name
        )
    return case


def collection_export(company: Company, cases: Sequence[CollectionCase], *, fmt: str = "json") -> bytes:
    """One JSON or CSV file of several cases (as of each case's handover day)."""
    rows = [case_row(c.invoice, c.handed_over_on) for c in cases if c.company_id == company.pk]
    return to_csv(rows) if fmt == "csv" else to_json(rows)


def ready_cases(company: Company, on: date) -> list[SalesInvoice]:
    """Invoices whose inkassovarsel deadline has passed unpaid and that are not handed over yet."""
    ids = (
        DunningNotice.objects.filter(
            company=company, kind=StepKind.COLLECTION_NOTICE, status=NoticeStatus.SENT, deadline__lt=on
        )
        .values_list("invoice_id", flat=True)
        .distinct()
    )
    invoices = SalesInvoice.objects.filter(pk__in=list(ids), collection_case__isnull=True).select_related("customer")
    return [inv for inv in invoices.order_by("due_date", "number") if ready(inv, on) is None]
