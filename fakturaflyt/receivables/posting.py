"""The voucher of a customer invoice or credit note (issue 7 point 6).

Each issued invoice posts one voucher in series ``AR`` (source ``sales_invoice``, reference the
invoice number): debit 1500 kundefordringer with the customer as sub-ledger partner for the
amount due, credit revenue per account, VAT code, department and project, credit output VAT
per VAT code on the code's VAT account (NS 4102 2700-2703), all in NOK. A credit note posts the
mirror. The lines come from :func:`fakturaflyt.core.invoicing.voucher_lines` over the same
completed EHF model the invoice is sent as, so the books, the EHF and the PDF agree to the øre
(bokføringsforskriften § 5-5: the posting is documented by the invoice itself).
"""

from __future__ import annotations

from typing import Any

from fakturaflyt.core.ehf.model import Invoice
from fakturaflyt.core.invoicing import LineAccount, voucher_lines
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.models import VatCode
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.receivables.models import SalesInvoice

SERIES = "AR"
SOURCE = "sales_invoice"


def description(invoice: SalesInvoice) -> str:
    """``Faktura 10001 Kunde AS`` / ``Kreditnota 10002 Kunde AS``: the voucher's text."""
    kind = "Kreditnota" if invoice.is_credit_note else "Faktura"
    return f"{kind} {invoice.number} {invoice.buyer_name or invoice.customer.name}"[:300]


def lines_for(invoice: SalesInvoice, model: Invoice) -> list[VoucherLine]:
    """The voucher lines of ``invoice``, whose completed EHF model is ``model`` (nothing is stored)."""
    vat_accounts = dict(VatCode.objects.filter(company=invoice.company).values_list("code", "vat_account"))
    accounts = {
        str(ln.line_no): LineAccount(
            account=ln.revenue_account,
            vat_code=ln.vat_code,
            vat_account=vat_accounts.get(ln.vat_code, ""),
            department=ln.department,
            project=ln.project,
        )
        for ln in invoice.lines.all()
    }
    return voucher_lines(
        model,
        accounts,
        customer_id=invoice.customer_id,
        exchange_rate=invoice.exchange_rate if invoice.currency != "NOK" else None,
        description=description(invoice),
    )


def post(invoice: SalesInvoice, model: Invoice, actor: Any) -> Any:
    """Post the voucher of an invoice being issued (inside the issuing transaction); returns the Voucher."""
    assert invoice.issue_date is not None and invoice.number is not None
    return post_voucher(
        invoice.company,
        actor,
        voucher_date=invoice.issue_date,
        description=description(invoice),
        lines=lines_for(invoice, model),
        series=SERIES,
        source=SOURCE,
        source_ref=str(invoice.number),
    )


__all__ = ["SERIES", "SOURCE", "description", "lines_for", "post"]
