"""Posting an approved supplier invoice or credit note: one voucher in series AP (leverandørfakturaer).

:func:`post_document` builds the voucher from the document's coded lines
(:class:`~fakturaflyt.coding.models.CodingLine`) and the company's VAT codes:

* **Expense** per coded line: the line's net amount on its account, with department, project,
  VAT code and VAT base (the net amount).
The VAT lines come from :func:`fakturaflyt.ledger.vat_postings.vat_postings` (shared with card posting):

* **Input VAT** (direction ``input``: codes 1, 11, 12, 13; and ``import`` codes without an output
  side, 14 and 15, the import VAT charged by customs or the forwarder): the VAT the supplier
  charged, debited to the code's VAT account (2710, 2711, 2712, 2713, 2715, 2716). It is part of
  the amount payable.
* **Reverse charge** (omvendt avgiftsplikt; services bought from abroad, SAF-T standard codes
  86-89, and 91/92; and the importer's own calculation of import VAT, 81-84): the buyer
  calculates the VAT itself. With deduction (86, 88, 81, 83, 91) the VAT is both debited to input
  VAT (2714, 2718, 2715, 2716, 2717) and credited to output VAT (2704, 2705, 2706, 2707): net
  zero to pay. Without deduction (87, 89, 82, 84, 92) only the output side is posted and the VAT
  is a cost, added to the expense line. Neither is part of the amount payable to the supplier.
* **Payable**: the invoice total credited to 2400 Leverandørgjeld with the supplier as partner.

**VAT rounding.** VAT is computed per line at the code's rate (rounded half up to the øre), then
the supplier-charged VAT is compared with the invoice's own VAT total: a difference of at most
1 kr (the supplier rounded per rate or per invoice) is put on the largest VAT line, so the VAT
posted equals the VAT on the invoice; a larger difference is refused (``FF-APPROVAL-VAT-MISMATCH``),
the coding's VAT codes do not match the invoice. The same applies to the net: lines that do
not add up to the invoice's net amount within 1 kr are refused.

**Currency.** An invoice in another currency is posted in NOK at the rate given by the EHF's
VAT in the tax currency (BT-6 TaxCurrencyCode NOK, BT-111): rate = BT-111 / BT-110. Without it
there is no documented rate and the posting is refused (``FF-APPROVAL-FOREIGN-CURRENCY``).

**Credit notes** post the mirror image: 2400 debited, expense and input VAT credited (the
coding lines of a credit note already carry negative amounts). **Set-off rule:** a credit note
stays ``unpaid`` (open) after posting; when it credits (``document.credits``) an approved,
unpaid invoice of the same supplier, an audit event ``posting.set_off_recorded`` names that
invoice, and the payment proposal nets the two (:func:`set_off_target`). Any other open credit
note of a supplier is netted against that supplier's next open invoices in the proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.approvals.error_codes import ApprovalCode, ApprovalError
from fakturaflyt.core.errors import RuleViolation
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.vat_postings import SalesVatCode, SignedLine, vat_postings

CENT = Decimal("0.01")
ONE_KRONE = Decimal("1.00")
PAYABLE_ACCOUNT = "2400"
SERIES = "AP"


def _q(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(document: Any) -> Decimal | None:
    """NOK per unit of the invoice currency; None for NOK invoices."""
    currency = (document.currency or "NOK").upper()
    if currency == "NOK":
        return None
    ehf = document.ehf or {}
    tax_currency = str(ehf.get("tax_currency") or "").upper()
    nok_vat = ehf.get("tax_total_in_tax_currency")
    doc_vat = ehf.get("tax_total") if ehf.get("tax_total") not in (None, "") else document.vat_total
    if tax_currency == "NOK" and nok_vat not in (None, "") and doc_vat not in (None, "") and Decimal(str(doc_vat)):
        return Decimal(str(nok_vat)) / Decimal(str(doc_vat))
    raise ApprovalError(
        ApprovalCode.FOREIGN_CURRENCY,
        f"The invoice is in {currency} and does not state its VAT in NOK (EHF TaxCurrencyCode NOK), so there is "
        "no exchange rate to post it with. Ask the supplier for an invoice with the VAT in NOK, or post it by hand.",
        "currency",
    )


def _largest(items: Sequence[SignedLine]) -> SignedLine:
    return max(items, key=lambda s: abs(s.amount))


def voucher_lines(document: Any) -> list[VoucherLine]:
    """The voucher lines of a coded supplier document (nothing is stored); raises :class:`ApprovalError`."""
    from fakturaflyt.coding.models import CODED_STATES, CodingLine
    from fakturaflyt.ledger.models import VatCode

    rows = list(CodingLine.objects.filter(document=document, state__in=CODED_STATES).order_by("line_no"))
    if not rows or CodingLine.objects.filter(document=document).exclude(state__in=CODED_STATES).exists():
        raise ApprovalError(ApprovalCode.NOT_CODED, "Every line of the invoice must be coded before it is posted.")
    if document.supplier_id is None:
        raise ApprovalError(ApprovalCode.POSTING, "The invoice has no supplier; identify the supplier first.")
    if document.total is None:
        raise ApprovalError(ApprovalCode.POSTING, "The invoice has no total amount.")
    rate = _rate(document)
    currency = (document.currency or "NOK").upper()
    codes = {v.code: v for v in VatCode.objects.filter(company=document.company)}
    credit = document.is_credit_note
    sign = Decimal(-1) if credit else Decimal(1)

    def nok(amount: Decimal) -> Decimal:
        return _q(amount * rate) if rate is not None else _q(amount)

    def extra(amount_in_currency: Decimal) -> dict[str, Any]:
        if rate is None:
            return {}
        return {
            "currency": currency,
            "currency_amount": _q(amount_in_currency),
            "exchange_rate": rate.quantize(Decimal("0.000001")),
        }

    expenses: list[SignedLine] = []
    vat_lines: list[SignedLine] = []
    for row in rows:
        amount = row.amount if row.amount is not None else Decimal(0)
        if credit and amount > 0:  # a credit note's lines are negative; be tolerant of positive ones
            amount = -amount
        net = nok(amount)
        code = codes.get(row.vat_code) if row.vat_code else None
        text = (row.description or "")[:300]
        expense = SignedLine(
            VoucherLine(
                row.account,
                description=text,
                vat_code=row.vat_code or None,
                vat_base=net if row.vat_code else None,
                department=row.department or None,
                project=row.project or None,
                **extra(amount),
            ),
            net,
        )
        expenses.append(expense)
        try:
            vat = vat_postings(code, net)
        except SalesVatCode:
            assert code is not None
            raise ApprovalError(
                ApprovalCode.POSTING,
                f"VAT code {code.code} ({code.name}) is a sales code and cannot be used on a supplier invoice.",
                "vat_code",
            ) from None
        expense.amount += vat.cost
        vat_lines += [
            SignedLine(VoucherLine(p.account, description=p.description, vat_code=p.vat_code), p.amount, p.charged)
            for p in vat.postings
        ]
    _reconcile(document, expenses, vat_lines, sign, nok)
    lines = [s for s in expenses + vat_lines if s.amount]
    payable = sum((s.amount for s in lines), Decimal(0))  # equals the invoice total after _reconcile
    lines.append(
        SignedLine(
            VoucherLine(
                PAYABLE_ACCOUNT,
                description=f"{document.supplier.name} {document.invoice_number}".strip()[:300],
                supplier_id=document.supplier_id,
                **extra(-sign * abs(document.total)),
            ),
            -payable,
        )
    )
    return [s.voucher_line() for s in lines]


def _reconcile(document: Any, expenses: list[SignedLine], vat_lines: list[SignedLine], sign: Decimal, nok: Any) -> None:
    """Make net and charged VAT equal the invoice's own figures (differences of at most 1 kr; see the module docstring)."""
    charged = [s for s in vat_lines if s.charged_vat]
    vat_sum = sum((s.amount for s in charged), Decimal(0))
    total = sign * nok(abs(document.total))
    if document.vat_total is not None:
        invoice_vat = sign * nok(abs(document.vat_total))
    elif document.net_total is not None:
        invoice_vat = total - sign * nok(abs(document.net_total))
    else:
        invoice_vat = vat_sum
    diff = invoice_vat - vat_sum
    if diff:
        if abs(diff) > ONE_KRONE or not charged:
            raise ApprovalError(
                ApprovalCode.VAT_MISMATCH,
                f"The VAT by the coded VAT codes is {abs(vat_sum)} but the invoice states {abs(invoice_vat)}. "
                "Check the VAT codes of the lines.",
                "vat_code",
            )
        _largest(charged).amount += diff
    # the net: what the supplier charges less its VAT, against the expense lines (without self-assessed VAT)
    net_expected = total - invoice_vat
    net_sum = sum((s.amount for s in expenses), Decimal(0)) - _cost_vat(vat_lines)
    diff = net_expected - net_sum
    if diff:
        if abs(diff) > ONE_KRONE:
            raise ApprovalError(
                ApprovalCode.NET_MISMATCH,
                f"The coded lines add up to {abs(net_sum)} excl. VAT but the invoice's net amount is "
                f"{abs(net_expected)}. Check the lines of the invoice.",
                "amount",
            )
        _largest(expenses).amount += diff


def _cost_vat(vat_lines: Sequence[SignedLine]) -> Decimal:
    """Non-deductible self-assessed VAT was added to the expense lines: the output lines without an input partner."""
    by_code: dict[str | None, Decimal] = {}
    for s in vat_lines:
        if not s.charged_vat:
            by_code[s.line.vat_code] = by_code.get(s.line.vat_code, Decimal(0)) + s.amount
    # deductible codes net to zero (input + output); non-deductible leave the output side (negative)
    return -sum(by_code.values(), Decimal(0))


def post_document(document: Any, actor: Any) -> Any:
    """Post an approved supplier invoice or credit note; returns the :class:`~fakturaflyt.ledger.models.Voucher`.

    Series AP, dated the invoice date, described "Leverandørfaktura <nr> <supplier>". Runs in the
    caller's transaction (the final approval's) and links the voucher to the document. Raises
    :class:`ApprovalError` (with the ledger's problems for a :class:`RuleViolation`).
    """
    from fakturaflyt.ledger.services import post_voucher
    from fakturaflyt.payables.models import SupplierDocument

    with transaction.atomic():
        doc = (
            SupplierDocument.objects.select_for_update(of=("self",))
            .select_related("supplier", "company")
            .get(pk=document.pk)
        )
        if doc.voucher_id is not None:
            raise ApprovalError(ApprovalCode.ALREADY_POSTED, f"The invoice is already posted as {doc.voucher.label}.")
        lines = voucher_lines(doc)
        kind = "Kreditnota" if doc.is_credit_note else "Leverandørfaktura"
        description = f"{kind} {doc.invoice_number} {doc.supplier.name}".strip()
        try:
            voucher = post_voucher(
                doc.company,
                actor,
                voucher_date=doc.issue_date or timezone.localdate(),
                description=description[:300],
                lines=lines,
                series=SERIES,
                source="supplier_invoice",
                source_ref=str(doc.pk),
            )
        except RuleViolation as exc:
            raise ApprovalError(
                ApprovalCode.POSTING,
                "The invoice cannot be posted: " + "; ".join(p.message for p in exc.problems),
            ) from exc
        doc.voucher = voucher
        doc.save(update_fields=["voucher", "updated_at"])
        document.voucher = voucher
        target = set_off_target(doc)
        if target is not None:
            audit.record(
                doc.company,
                actor,
                "posting.set_off_recorded",
                doc,
                after={"credit_note": doc.pk, "invoice": target.pk, "amount": str(doc.total)},
            )
    return voucher


def set_off_target(credit_note: Any) -> Any:
    """The approved, unpaid invoice of the same supplier a credit note credits, to net it against; else None."""
    from fakturaflyt.payables.models import DocumentState, PaymentStatus

    if not credit_note.is_credit_note or credit_note.credits_id is None:
        return None
    invoice = credit_note.credits
    if (
        invoice.supplier_id == credit_note.supplier_id
        and invoice.state == DocumentState.APPROVED
        and invoice.payment_status == PaymentStatus.UNPAID
        and not invoice.is_credit_note
    ):
        return invoice
    return None


__all__ = ["PAYABLE_ACCOUNT", "SERIES", "post_document", "set_off_target", "voucher_lines"]
