"""The customer invoice as PDF: an HTML template in the company's look, rendered by WeasyPrint.

:func:`render_pdf` is what the e-mail channel attaches, what the print queue batches, what the
EHF may embed and what the pages and the CLI download. :func:`invoice_context` is the same
facts for the invoice page in the web UI, so page and paper never disagree.

The content follows bokføringsforskriften § 5-1-1: number and date, seller name, address and
org.nr followed by "MVA" (and "Foretaksregisteret" for AS/ASA, foretaksregisterloven § 10-2),
buyer name, address and org.nr, what was supplied with quantity, delivery date or period,
price, VAT per rate (in NOK also for currency invoices, § 5-1-1 nr. 6), due date, and
"Omvendt avgiftsplikt" when the buyer accounts for the VAT (mval. § 11-1). A credit note
names the invoice it corrects (§ 5-2-6). At the bottom a giro-style payment block: KID,
amount, account, due date.

The document's language is the customer's (``Customer.language``), not the user's, so the
labels are an explicit table here rather than the interface translations; the legal terms
(Foretaksregisteret, MVA, Omvendt avgiftsplikt) are printed exactly as the law names them.

Rendering never touches the network: the template's CSS is inline and the URL fetcher only
accepts ``data:`` URIs, so nothing a customer name or footer contains can fetch anything.
Every text goes through Django's autoescaping.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from django.template.loader import render_to_string

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import format_kontonr, format_orgnr
from fakturaflyt.core.money import format_nok, ore
from fakturaflyt.receivables.models import SalesInvoice

REVERSE_CHARGE_CODES = frozenset({"51"})
DEFAULT_ACCENT = "#1f4e79"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# The invoice's own words, per document language. Kept here (not in the .po files) because the
# customer's language decides them, and the legal terms must read exactly like this.
LABELS: dict[str, dict[str, str]] = {
    "nb": {
        "invoice": "Faktura",
        "credit_note": "Kreditnota",
        "draft": "UTKAST – ikke gyldig som faktura",
        "draft_mark": "UTKAST",
        "number": "Fakturanr.",
        "credit_number": "Kreditnotanr.",
        "invoice_date": "Fakturadato",
        "delivery_date": "Leveringsdato",
        "period": "Periode",
        "due_date": "Forfallsdato",
        "customer_no": "Kundenr.",
        "their_ref": "Deres ref.",
        "our_ref": "Vår ref.",
        "order_ref": "Ordre",
        "contract_ref": "Kontrakt",
        "buyer": "Faktureres til",
        "orgnr": "Org.nr",
        "description": "Beskrivelse",
        "quantity": "Antall",
        "unit_price": "Enhetspris",
        "discount": "Rabatt",
        "vat": "MVA",
        "amount": "Beløp",
        "vat_rate": "MVA-sats",
        "basis": "Grunnlag",
        "vat_amount": "MVA",
        "net_total": "Sum eks. MVA",
        "vat_total": "Sum MVA",
        "rounding": "Øreavrunding",
        "total": "Å betale",
        "total_credit": "Til gode",
        "vat_in_nok": "MVA i NOK",
        "exchange_rate": "Kurs",
        "reverse_charge": "Omvendt avgiftsplikt",
        "reverse_charge_text": "Kjøper skal beregne merverdiavgift (merverdiavgiftsloven § 11-1).",
        "credits": "Krediterer faktura {number} av {date}",
        "reason": "Årsak",
        "payment": "Betalingsinformasjon",
        "kid": "KID",
        "account": "Kontonr.",
        "iban": "IBAN",
        "bic": "BIC",
        "pay_to": "Betales til",
        "no_payment": "Beløpet godskrives eller tilbakebetales; ingen betaling.",
        "page": "Side",
        "of": "av",
        "phone": "Tlf.",
        "email": "E-post",
        "unit_C62": "stk",
        "unit_EA": "stk",
        "unit_HUR": "timer",
        "unit_MON": "mnd",
        "unit_DAY": "dager",
        "unit_KGM": "kg",
        "unit_LTR": "liter",
        "unit_MTR": "m",
        "unit_ANN": "år",
        "unit_KMT": "km",
        "unit_MTK": "m²",
    },
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "draft": "DRAFT – not valid as an invoice",
        "draft_mark": "DRAFT",
        "number": "Invoice no.",
        "credit_number": "Credit note no.",
        "invoice_date": "Invoice date",
        "delivery_date": "Delivery date",
        "period": "Period",
        "due_date": "Due date",
        "customer_no": "Customer no.",
        "their_ref": "Your ref.",
        "our_ref": "Our ref.",
        "order_ref": "Order",
        "contract_ref": "Contract",
        "buyer": "Bill to",
        "orgnr": "Org. no.",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "discount": "Discount",
        "vat": "VAT",
        "amount": "Amount",
        "vat_rate": "VAT rate",
        "basis": "Basis",
        "vat_amount": "VAT",
        "net_total": "Total excl. VAT",
        "vat_total": "Total VAT",
        "rounding": "Rounding",
        "total": "Amount due",
        "total_credit": "Credited",
        "vat_in_nok": "VAT in NOK",
        "exchange_rate": "Rate",
        "reverse_charge": "Omvendt avgiftsplikt (reverse charge)",
        "reverse_charge_text": "The buyer accounts for the VAT (Norwegian VAT Act § 11-1).",
        "credits": "Credits invoice {number} of {date}",
        "reason": "Reason",
        "payment": "Payment information",
        "kid": "KID (payment reference)",
        "account": "Account no.",
        "iban": "IBAN",
        "bic": "BIC",
        "pay_to": "Pay to",
        "no_payment": "The amount is credited or refunded; nothing to pay.",
        "page": "Page",
        "of": "of",
        "phone": "Phone",
        "email": "E-mail",
        "unit_C62": "pcs",
        "unit_EA": "pcs",
        "unit_HUR": "hours",
        "unit_MON": "months",
        "unit_DAY": "days",
        "unit_KGM": "kg",
        "unit_LTR": "litres",
        "unit_MTR": "m",
        "unit_ANN": "years",
        "unit_KMT": "km",
        "unit_MTK": "m²",
    },
}


def money(amount: Decimal | None, language: str = "nb") -> str:
    """``Decimal('1234.5')`` as ``1 234,50`` (nb, babel nb_NO style) or ``1,234.50`` (en)."""
    if amount is None:
        return ""
    if language == "en":
        return format_decimal(ore(amount), format="#,##0.00", locale="en_GB")
    return format_nok(amount)


def number(value: Decimal | None, language: str = "nb") -> str:
    """A quantity, rate or percentage without trailing zeros: ``3.500`` as ``3,5`` (nb)."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if language == "en" else text.replace(".", ",")


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def kontonr(value: str) -> str:
    """``15064123456`` as ``1506.41.23456``; anything else as it is."""
    try:
        return format_kontonr(value) if value else ""
    except FakturaflytError:
        return value


def orgnr(value: str) -> str:
    try:
        return format_orgnr(value) if value else ""
    except FakturaflytError:
        return value


@dataclass(frozen=True, slots=True)
class VatRow:
    """One VAT rate on the invoice: its basis and VAT, in the invoice currency and in NOK."""

    label: str
    rate: Decimal
    basis: Decimal
    vat: Decimal
    vat_nok: Decimal | None
    reverse_charge: bool


def vat_rows(invoice: SalesInvoice, lines: list[Any]) -> list[VatRow]:
    """VAT per rate: from the EHF model when the receivables EHF builder exists (so paper and EHF agree
    to the øre), else by grouping the stored lines by (VAT code, rate) and rounding each group once."""
    rate_nok = invoice.exchange_rate if invoice.currency != "NOK" and invoice.exchange_rate else None
    model = _ehf_model(invoice)
    rows: list[VatRow] = []
    if model is not None:
        from fakturaflyt.core.invoicing import vat_in_nok

        nok = [amount for _category, _rate, amount in vat_in_nok(model, rate_nok)] if rate_nok else None
        for i, b in enumerate(model.vat_breakdown):
            rate = b.rate or Decimal("0")
            rows.append(
                VatRow(
                    label=f"{number(rate)} %",
                    rate=rate,
                    basis=b.taxable_amount,
                    vat=b.tax_amount,
                    vat_nok=nok[i] if nok else None,
                    reverse_charge=b.category == "AE",
                )
            )
        return rows
    groups: OrderedDict[tuple[str, Decimal], Decimal] = OrderedDict()
    for line in sorted(lines, key=lambda ln: (-ln.vat_rate, ln.vat_code)):
        key = (line.vat_code, line.vat_rate)
        groups[key] = groups.get(key, Decimal("0.00")) + line.net_amount
    for (code, rate), basis in groups.items():
        vat = ore(basis * rate / Decimal(100))
        rows.append(
            VatRow(
                label=f"{number(rate)} %",
                rate=rate,
                basis=basis,
                vat=vat,
                vat_nok=ore(vat * rate_nok) if rate_nok else None,
                reverse_charge=code in REVERSE_CHARGE_CODES,
            )
        )
    return rows


def _ehf_model(invoice: SalesInvoice) -> Any:
    """The EHF model (its VAT breakdown BG-23 and NOK VAT BT-111), so paper and EHF agree; None for a draft."""
    if invoice.is_draft:
        return None
    from fakturaflyt.receivables.ehf import build_model  # ehf embeds this module's PDF: import at call time

    return build_model(invoice)


def accent(invoice_settings: Any) -> str:
    """The company's accent colour if it is a plain ``#rrggbb`` (it goes into CSS), else the default."""
    colour = getattr(invoice_settings, "accent_color", "") or ""
    return colour if _HEX_COLOUR.match(colour) else DEFAULT_ACCENT


def invoice_context(invoice: SalesInvoice) -> dict[str, Any]:
    """Everything the invoice shows, read from the stored invoice (never recomputed totals)."""
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import InvoiceSettings

    company = invoice.company
    customer = invoice.customer
    language = "en" if customer.language == "en" else "nb"
    t = LABELS[language]
    settings = InvoiceSettings.objects.filter(company=company).first()
    bank = (
        CompanyBankAccount.objects.filter(company=company).order_by("-is_default", "pk").first() if company.pk else None
    )
    lines = list(invoice.lines.all())
    rows = vat_rows(invoice, lines)
    address = invoice.buyer_address or {}
    if invoice.is_draft or not invoice.buyer_name:
        buyer = {
            "name": customer.name,
            "orgnr": customer.orgnr,
            "address_line": customer.address_line,
            "postal_code": customer.postal_code,
            "city": customer.city,
            "country": customer.country,
        }
    else:
        buyer = {
            "name": invoice.buyer_name,
            "orgnr": invoice.buyer_orgnr,
            "address_line": address.get("address_line") or address.get("street", ""),
            "postal_code": address.get("postal_code", ""),
            "city": address.get("city", ""),
            "country": address.get("country", customer.country),
        }
    credited = invoice.credits
    nok_vat = None
    if invoice.currency != "NOK":
        nok_vat = invoice.vat_total_nok or (
            ore(invoice.vat_total * invoice.exchange_rate) if invoice.exchange_rate else None
        )
    return {
        "invoice": invoice,
        "company": company,
        "customer": customer,
        "buyer": buyer,
        "buyer_orgnr": orgnr(buyer["orgnr"]),
        "language": language,
        "t": t,
        "title": t["credit_note"] if invoice.is_credit_note else t["invoice"],
        "number_label": t["credit_number"] if invoice.is_credit_note else t["number"],
        "draft": invoice.is_draft,
        "seller_orgnr": company.orgnr_display,
        "foretaksregisteret": company.in_foretaksregisteret,
        "accent": accent(settings),
        "footer": settings.footer if settings else "",
        "bank": bank,
        "account": kontonr(bank.account_number) if bank else "",
        "lines": [
            {
                "line": line,
                "quantity": number(line.quantity, language),
                "unit": t.get(f"unit_{line.unit_code}", line.unit_code),
                "unit_price": money(line.unit_price, language)
                if line.unit_price == ore(line.unit_price)
                else number(line.unit_price, language),
                "discount": number(line.discount_percent, language) if line.discount_percent else "",
                "vat_rate": number(line.vat_rate, language),
                "amount": money(line.net_amount, language),
                "period": _period(line.period_start, line.period_end),
                "reverse_charge": line.vat_code in REVERSE_CHARGE_CODES,
            }
            for line in lines
        ],
        "vat_rows": [
            {
                "label": r.label,
                "basis": money(r.basis, language),
                "vat": money(r.vat, language),
                "vat_nok": money(r.vat_nok, language) if r.vat_nok is not None else "",
                "reverse_charge": r.reverse_charge,
            }
            for r in rows
        ],
        "reverse_charge": any(r.reverse_charge for r in rows)
        or any(line.vat_code in REVERSE_CHARGE_CODES for line in lines),
        "net_total": money(invoice.net_total, language),
        "vat_total": money(invoice.vat_total, language),
        "rounding": money(invoice.rounding, language) if invoice.rounding else "",
        "total": money(invoice.total, language),
        "total_is_payable": not invoice.is_credit_note and invoice.total > 0,
        "is_currency": invoice.currency != "NOK",
        "vat_total_nok": money(nok_vat, language) if nok_vat is not None else "",
        "exchange_rate": number(invoice.exchange_rate, language) if invoice.exchange_rate else "",
        "issue_date": day(invoice.issue_date),
        "due_date": day(invoice.due_date),
        "delivery_date": day(invoice.delivery_date),
        "period": _period(invoice.period_start, invoice.period_end),
        "credits_text": t["credits"].format(number=credited.number, date=day(credited.issue_date))
        if credited is not None
        else "",
    }


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{day(start)}–{day(end)}"
    return day(start or end)


def render_html(invoice: SalesInvoice) -> str:
    """The invoice as a standalone HTML document (what WeasyPrint renders; also useful in tests)."""
    return render_to_string("receivables/invoice_pdf.html", invoice_context(invoice))


def offline_fetcher() -> Any:
    """A URL fetcher that only reads ``data:`` URIs: no http(s), no files, no network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def html_to_pdf(html: str) -> bytes:
    """HTML rendered to PDF by WeasyPrint, offline: only ``data:`` URIs are fetched (no http(s),
    no files, no network), so content in the HTML cannot make the server read or call anything.
    Used by invoices, reminder letters and the monthly report."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url="data:,", url_fetcher=offline_fetcher()).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_pdf(invoice: SalesInvoice) -> bytes:
    """The invoice or credit note as an A4 PDF (drafts carry an "UTKAST" mark and no number)."""
    return html_to_pdf(render_html(invoice))


def filename(invoice: SalesInvoice, extension: str = "pdf") -> str:
    """``faktura-10001.pdf``, ``kreditnota-10002.pdf``, ``utkast-17.pdf`` (drafts by id)."""
    if invoice.is_draft or invoice.number is None:
        return f"utkast-{invoice.pk}.{extension}"
    kind = "kreditnota" if invoice.is_credit_note else "faktura"
    return f"{kind}-{invoice.number}.{extension}"
