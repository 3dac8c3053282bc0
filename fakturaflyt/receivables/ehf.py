"""A customer invoice as EHF Billing 3.0 (Peppol BIS Billing 3.0): the model, the XML, the archived copy.

:func:`build_model` maps a :class:`~fakturaflyt.receivables.models.SalesInvoice` to the EN 16931
model of the core (:mod:`fakturaflyt.core.ehf.model`) and completes it with
:func:`fakturaflyt.core.ehf.calc.complete`, so the totals, the VAT per rate (BG-23) and BT-111
are computed exactly once, by the same code, for the EHF, the stored totals, the voucher and
the PDF. The mapping (Peppol BIS 3 / EN 16931 terms):

- Invoice (type 380) or CreditNote (381) with BillingReference (BG-3) to the invoice it credits;
- seller (BG-4) from the company: org.nr as ``0192`` endpoint and legal id, ``NO<orgnr>MVA`` when
  VAT-registered, "Foretaksregisteret" for AS/ASA (NO-R-001, NO-R-002, bokføringsforskriften
  § 5-1-1 nr. 2); contact from "our reference", the company's phone and e-mail;
- buyer (BG-7) from the snapshot taken when the invoice was issued (the customer as he is, for a
  draft): endpoint from the customer's Peppol id, else ``0192:<orgnr>`` for a Norwegian
  business; a consumer or a foreign buyer without Peppol id has no endpoint (PEPPOL-EN16931-R010
  then refuses the document: such customers get PDF, not EHF);
- BuyerReference (BT-10): "their reference", else the customer number, because Peppol needs a
  buyer reference or an order reference (PEPPOL-EN16931-R003);
- payment means (BG-16) code 30 (credit transfer) to the company's default bank account with
  the KID as BT-83; IBAN and BIC for a currency invoice or a buyer abroad, else the kontonr.
  Credit notes carry none (they are not paid by KID);
- due date (BT-9), payment terms text (BT-20), delivery date (BT-72), invoice period (BG-14,
  widened to the line periods when the invoice gives none) and line periods (BG-26);
- a line discount as a line allowance with percentage and base (BG-27, PEPPOL-EN16931-R041);
  a negative price becomes a negative quantity (BR-27: the price is never negative);
- a currency invoice states TaxCurrencyCode NOK and BT-111 from ``exchange_rate``, and its one
  note (PEPPOL-EN16931-R002) gives the rate and the VAT per rate in NOK (§ 5-1-1 nr. 6);
- "Omvendt avgiftsplikt" in the note and as the exemption reason when a line is reverse charge.

:func:`ehf_bytes` writes the XML, embedding the invoice PDF (BG-24) when the company wants it;
:func:`archive` stores the bytes of an issued invoice once (content-addressed) on ``ehf_file``.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fakturaflyt.core.ehf.calc import TO_COMPUTE, complete, invoice_line, norwegian_party
from fakturaflyt.core.ehf.model import (
    Address,
    Attachment,
    Contact,
    Delivery,
    Identifier,
    Invoice,
    Item,
    Line,
    Party,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Price,
    VatBreakdown,
)
from fakturaflyt.core.ehf.write import write_invoice
from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.core.invoicing import REVERSE_CHARGE_TEXT, VatTreatment, line_allowance, vat_in_nok, vat_treatment
from fakturaflyt.core.money import format_nok
from fakturaflyt.receivables.models import SalesInvoice

__all__ = ["archive", "build_model", "buyer_snapshot", "ehf_bytes", "filename", "standard_codes", "treatment_of"]


def filename(invoice: SalesInvoice, extension: str = "xml") -> str:
    """``faktura-10001.xml`` / ``kreditnota-10002.xml``."""
    kind = "kreditnota" if invoice.is_credit_note else "faktura"
    return f"{kind}-{invoice.number or 'utkast'}.{extension}"


def buyer_snapshot(customer: Any) -> dict[str, Any]:
    """What an issued invoice keeps of its buyer in ``buyer_address`` (besides name and org.nr)."""
    return {
        "address_line": customer.address_line,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country or "NO",
        "vat_id": customer.vat_id,
        "peppol_id": customer.peppol_id,
        "email": customer.email,
        "customer_number": customer.number,
        "is_consumer": customer.is_consumer,
    }


def _buyer(invoice: SalesInvoice) -> Party:
    customer = invoice.customer
    if invoice.is_draft or not invoice.buyer_name:
        name, orgnr, snap = customer.name, customer.orgnr, buyer_snapshot(customer)
    else:
        name, orgnr, snap = (
            invoice.buyer_name,
            invoice.buyer_orgnr,
            {**buyer_snapshot(customer), **invoice.buyer_address},
        )
    country = (snap.get("country") or "NO").upper()
    address = Address(
        country,
        street=snap.get("address_line") or None,
        city=snap.get("city") or None,
        postal_zone=snap.get("postal_code") or None,
    )
    contact = Contact(email=snap["email"]) if snap.get("email") else None
    endpoint: Identifier | None = None
    peppol = (snap.get("peppol_id") or "").strip()
    if ":" in peppol:
        scheme, _, value = peppol.partition(":")
        endpoint = Identifier(value.strip(), scheme.strip())
    vat_id = (snap.get("vat_id") or "").strip().replace(" ", "") or None
    if orgnr:
        org = normalise_orgnr(orgnr)
        party = norwegian_party(org, name, address, vat_registered=False, foretaksregisteret=False, contact=contact)
        return Party(
            registration_name=party.registration_name,
            address=address,
            endpoint=endpoint or party.endpoint,
            legal_id=party.legal_id,
            vat_id=vat_id,
            contact=contact,
        )
    return Party(registration_name=name, address=address, endpoint=endpoint, vat_id=vat_id, contact=contact)


def _seller(invoice: SalesInvoice) -> Party:
    company = invoice.company
    address = Address(
        company.country or "NO",
        street=company.address_line or None,
        city=company.city or None,
        postal_zone=company.postal_code or None,
    )
    contact = None
    if invoice.seller_reference or company.phone or company.email:
        contact = Contact(invoice.seller_reference or None, company.phone or None, company.email or None)
    return norwegian_party(
        company.orgnr,
        company.name,
        address,
        contact=contact,
        vat_registered=company.vat_registered,
        foretaksregisteret=company.in_foretaksregisteret,
    )


def _payment_means(invoice: SalesInvoice, buyer: Party) -> tuple[PaymentMeans, ...]:
    if invoice.is_credit_note:
        return ()
    from fakturaflyt.companies.models import CompanyBankAccount

    account = CompanyBankAccount.objects.filter(company=invoice.company).order_by("-is_default", "pk").first()
    if account is None:
        return ()
    abroad = invoice.currency != "NOK" or buyer.address.country_code != "NO"
    if abroad and account.iban:
        return (
            PaymentMeans(
                "30", "Credit transfer", invoice.kid or None, account.iban, invoice.company.name, account.bic or None
            ),
        )
    return (PaymentMeans("30", "Credit transfer", invoice.kid or None, account.account_number, invoice.company.name),)


def standard_codes(company: Any) -> dict[str, str]:
    """The company's VAT codes mapped to their SAF-T standard tax codes (what :func:`vat_treatment` reads)."""
    from fakturaflyt.ledger.models import VatCode

    return dict(VatCode.objects.filter(company=company).values_list("code", "standard_tax_code"))


def treatment_of(line: Any, codes: dict[str, str], seller_vat_registered: bool) -> VatTreatment:
    """The EN 16931 VAT category of a stored line."""
    return vat_treatment(
        codes.get(line.vat_code, line.vat_code), line.vat_rate, seller_vat_registered=seller_vat_registered
    )


def _lines(invoice: SalesInvoice, codes: dict[str, str], seller_vat_registered: bool) -> tuple[Line, ...]:
    out = []
    for ln in invoice.lines.select_related("product").order_by("line_no"):
        treatment = treatment_of(ln, codes, seller_vat_registered)
        quantity, price = ln.quantity, ln.unit_price
        if price < 0:  # BR-27: the item net price is never negative; the sign goes to the quantity
            quantity, price = -quantity, -price
        ac = line_allowance(quantity, price, ln.discount_percent)
        period = Period(ln.period_start, ln.period_end) if ln.period_start or ln.period_end else None
        out.append(
            invoice_line(
                str(ln.line_no),
                Item(
                    ln.description,
                    treatment.category,
                    treatment.rate,
                    sellers_id=ln.product.code if ln.product else None,
                ),
                quantity,
                Price(price),
                unit_code=ln.unit_code or "C62",
                allowances_charges=(ac,) if ac else (),
                note=ln.note or None,
                period=period,
            )
        )
    return tuple(out)


def _period(invoice: SalesInvoice, lines: tuple[Line, ...]) -> Period | None:
    if invoice.period_start or invoice.period_end:
        return Period(invoice.period_start, invoice.period_end)
    starts = [ln.period.start for ln in lines if ln.period and ln.period.start]
    ends = [ln.period.end for ln in lines if ln.period and ln.period.end]
    if not starts and not ends:
        return None
    return Period(min(starts) if starts else None, max(ends) if ends else None)


def _exemptions(invoice: SalesInvoice, codes: dict[str, str], seller_vat_registered: bool) -> tuple[VatBreakdown, ...]:
    """The exemption reasons (BT-120/121) of our VAT codes, for :func:`complete` to put on BG-23."""
    seen: dict[tuple[str, Decimal | None], VatBreakdown] = {}
    for ln in invoice.lines.all():
        t = treatment_of(ln, codes, seller_vat_registered)
        if t.exemption_code or t.exemption_reason:
            seen.setdefault(
                (t.category, t.rate),
                VatBreakdown(t.category, t.rate, Decimal(0), Decimal(0), t.exemption_reason, t.exemption_code),
            )
    return tuple(seen.values())


def _terms(invoice: SalesInvoice) -> str | None:
    if invoice.is_credit_note or invoice.due_date is None or invoice.issue_date is None:
        return None
    days = (invoice.due_date - invoice.issue_date).days
    return f"{days} dager netto, forfall {invoice.due_date.strftime('%d.%m.%Y')}"


def _note(invoice: SalesInvoice, inv: Invoice) -> str | None:
    parts = []
    if invoice.is_credit_note and invoice.credits_id:
        parts.append(f"Kreditnota for faktura {invoice.credits.number}: {invoice.credit_reason}".strip(": "))
    if invoice.note:
        parts.append(invoice.note)
    if any(ln.item.vat_category == "AE" for ln in inv.lines):
        parts.append(f"{REVERSE_CHARGE_TEXT}: kjøper skal beregne og betale merverdiavgiften.")
    if inv.currency != "NOK" and invoice.exchange_rate:
        per_rate = "; ".join(
            f"{rate.normalize() if rate is not None else 0:f} %: NOK {format_nok(nok)}"
            for _cat, rate, nok in vat_in_nok(inv, invoice.exchange_rate)
        )
        parts.append(
            f"Kurs {invoice.exchange_rate.normalize():f} NOK/{inv.currency}. MVA i NOK: "
            f"{format_nok(inv.tax_total_in_tax_currency or Decimal(0))} ({per_rate})."
        )
    return "\n".join(parts) or None


def build_model(invoice: SalesInvoice, *, attachments: tuple[Attachment, ...] = ()) -> Invoice:
    """The completed EN 16931 model of ``invoice`` (totals, VAT breakdown and BT-111 computed)."""
    company = invoice.company
    seller = _seller(invoice)
    buyer = _buyer(invoice)
    codes = standard_codes(company)
    lines = _lines(invoice, codes, company.vat_registered)
    foreign = invoice.currency != "NOK"
    customer_number = str(invoice.customer.number)
    preceding: tuple[PrecedingInvoice, ...] = ()
    if invoice.is_credit_note and invoice.credits_id:
        preceding = (PrecedingInvoice(str(invoice.credits.number or ""), invoice.credits.issue_date),)
    draft = Invoice(
        kind="CreditNote" if invoice.is_credit_note else "Invoice",
        id=str(invoice.number or ""),
        issue_date=invoice.issue_date or timezone.localdate(),  # a draft's preview
        type_code="381" if invoice.is_credit_note else "380",
        currency=invoice.currency,
        seller=seller,
        buyer=buyer,
        totals=TO_COMPUTE,
        lines=lines,
        due_date=None if invoice.is_credit_note else invoice.due_date,
        tax_currency="NOK" if foreign else None,
        buyer_reference=invoice.buyer_reference or (None if invoice.order_reference else customer_number),
        period=_period(invoice, lines),
        order_reference=invoice.order_reference or None,
        contract_reference=invoice.contract_reference or None,
        preceding_invoices=preceding,
        attachments=attachments,
        delivery=Delivery(date=invoice.delivery_date) if invoice.delivery_date else None,
        payment_means=_payment_means(invoice, buyer),
        payment_terms=_terms(invoice),
        vat_breakdown=_exemptions(invoice, codes, company.vat_registered),
    )
    if foreign and not invoice.exchange_rate:
        from fakturaflyt.receivables.error_codes import InvoiceCode, InvoiceError

        raise InvoiceError(InvoiceCode.EXCHANGE_RATE, f"The invoice is in {invoice.currency}: give the exchange rate.")
    inv = complete(draft, exchange_rate=invoice.exchange_rate if foreign else None)
    note = _note(invoice, inv)
    if note:
        inv = dataclasses.replace(inv, notes=(note,))
    return inv


def _pdf_attachment(invoice: SalesInvoice) -> Attachment:
    from fakturaflyt.receivables import pdf  # written beside this module; imported late (WeasyPrint is heavy)

    data = pdf.render_pdf(invoice)
    name = filename(invoice, "pdf")
    label = "Kreditnota" if invoice.is_credit_note else "Faktura"
    return Attachment(
        name, f"{label} {invoice.number} som PDF", content=data, mime_code="application/pdf", filename=name
    )


def ehf_bytes(invoice: SalesInvoice, *, attach_pdf: bool | None = None) -> bytes:
    """The EHF XML of ``invoice``; with the PDF embedded when ``attach_pdf`` (default: the company's setting)."""
    if attach_pdf is None:
        from fakturaflyt.receivables.numbering import invoice_settings

        attach_pdf = invoice_settings(invoice.company).attach_pdf_to_ehf
    attachments = (_pdf_attachment(invoice),) if attach_pdf else ()
    return write_invoice(build_model(invoice, attachments=attachments))


def archive(invoice: SalesInvoice) -> Any:
    """Store the EHF of an issued invoice once and keep it on ``ehf_file``; later calls return that file.

    What was archived is what is sent: the distribution reads ``ehf_file`` rather than building
    the XML again (bokføringsloven § 13: the document as issued is kept).
    """
    from fakturaflyt.payables import storage
    from fakturaflyt.receivables.error_codes import InvoiceCode, InvoiceError

    if invoice.is_draft:
        raise InvoiceError(InvoiceCode.NOT_ISSUED, "A draft has no EHF to archive; issue it first.")
    current = SalesInvoice.objects.filter(pk=invoice.pk).values_list("ehf_file", flat=True).first()
    if current:
        invoice.refresh_from_db(fields=["ehf_file"])
        return invoice.ehf_file
    data = ehf_bytes(invoice)
    stored = storage.store(data, filename=filename(invoice), content_type="application/xml")
    SalesInvoice.objects.filter(pk=invoice.pk, ehf_file__isnull=True).update(ehf_file=stored)
    invoice.refresh_from_db(fields=["ehf_file"])
    return invoice.ehf_file
