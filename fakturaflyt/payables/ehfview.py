"""An EHF invoice laid out as the paper invoice it replaces: seller, buyer, lines, VAT, totals, payment.

The model is the document's ``ehf`` JSON (:mod:`fakturaflyt.core.ehf.jsonio`), which the intake
stores without the bytes of embedded files; when it is missing the received XML is read again
with the hardened reader. Codes (VAT categories, units) become words an accountant reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fakturaflyt.payables.extracted import format_iban
from fakturaflyt.payables.models import SupplierDocument

Text = str | Promise

VAT_CATEGORIES: dict[str, Text] = {
    "S": _("Standard rate"),
    "Z": _("Zero rated"),
    "E": _("Exempt from VAT"),
    "AE": _("Reverse charge"),
    "K": _("Intra-community supply"),
    "G": _("Export outside the EEA"),
    "O": _("Outside the scope of VAT"),
    "L": _("Canary Islands tax"),
    "M": _("Ceuta and Melilla tax"),
}
UNITS: dict[str, Text] = {
    "C62": _("pcs"),
    "NAR": _("pcs"),
    "PCE": _("pcs"),
    "NPR": _("pairs"),
    "LS": _("lump sum"),
    "MTQ": "m³",
    "TNE": "t",
    "EA": _("pcs"),
    "H87": _("pcs"),
    "HUR": _("hours"),
    "DAY": _("days"),
    "MON": _("months"),
    "ANN": _("years"),
    "KGM": "kg",
    "MTR": "m",
    "MTK": "m²",
    "LTR": "l",
    "KMT": "km",
    "KWH": "kWh",
    "MIN": _("min"),
    "WEE": _("weeks"),
    "SET": _("sets"),
    "PR": _("pairs"),
    "ZZ": "",
}


def _account(value: str | None) -> str:
    from fakturaflyt.web.templatetags.fakturaflyt import kontonr

    if not value:
        return ""
    compact = value.replace(" ", "").replace(".", "")
    if compact.isdecimal() and len(compact) == 11:
        return kontonr(compact)
    return format_iban(value) if compact[:2].isalpha() else value


def _orgnr_of(party: Any) -> str:
    """The Norwegian org.nr of a party (legal id or endpoint with scheme 0192), formatted."""
    from fakturaflyt.web.templatetags.fakturaflyt import orgnr

    for ident in (getattr(party, "legal_id", None), getattr(party, "endpoint", None)):
        if ident is not None and (ident.scheme in (None, "0192")) and ident.value.isdecimal() and len(ident.value) == 9:
            return orgnr(ident.value)
    return ""


def invoice_model(document: SupplierDocument, data: bytes | None = None) -> Any | None:
    """The EHF invoice model of the document: from its ``ehf`` JSON, else read again from ``data``."""
    from fakturaflyt.core.ehf.jsonio import invoice_from_dict
    from fakturaflyt.core.errors import FakturaflytError

    if isinstance(document.ehf, dict) and document.ehf:
        try:
            return invoice_from_dict(document.ehf)
        except (FakturaflytError, TypeError, ValueError, KeyError):
            pass
    return read_ehf(data) if data is not None else None


def read_ehf(data: bytes) -> Any | None:
    """The invoice model read from the received XML (with embedded files decoded), or None."""
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.errors import FakturaflytError

    try:
        return read_invoice(data)
    except (FakturaflytError, ValueError):
        return None


@dataclass(frozen=True)
class AttachmentRow:
    index: int
    filename: str
    description: str
    uri: str


def attachment_rows(attachments: Iterable[Any]) -> list[AttachmentRow]:
    """The EHF's additional documents (BG-24): embedded files and links, numbered as in the document."""
    return [
        AttachmentRow(i, att.filename or att.id, att.description or "", _web_link(att.uri))
        for i, att in enumerate(attachments)
    ]


def _web_link(uri: str | None) -> str:
    """An http(s) link from the document, or '' (never ``javascript:`` or ``data:`` from a stranger's file).

    >>> _web_link("https://example.no/timer.html"), _web_link("javascript:alert(1)")
    ('https://example.no/timer.html', '')
    """
    text = (uri or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


@dataclass
class EhfView:
    """An EHF invoice arranged the way a paper invoice reads."""

    invoice: Any
    title: Text
    seller_orgnr: str
    buyer_orgnr: str
    lines: list[dict[str, Any]]
    vat: list[dict[str, Any]]
    payments: list[dict[str, str]]
    kid: str
    attachments: list[AttachmentRow]
    references: list[tuple[Text, str]]


def ehf_view(invoice: Any) -> EhfView:
    lines = [
        {
            "line": line,
            "unit": UNITS.get(line.unit_code, line.unit_code),
            "vat_label": VAT_CATEGORIES.get(line.item.vat_category, line.item.vat_category),
        }
        for line in invoice.lines
    ]
    vat = [{"row": row, "label": VAT_CATEGORIES.get(row.category, row.category)} for row in invoice.vat_breakdown]
    payments = [
        {
            "account": _account(pm.account_id),
            "bic": pm.bic or "",
            "kid": pm.payment_id or "",
            "name": pm.account_name or "",
        }
        for pm in invoice.payment_means
        if pm.account_id or pm.payment_id
    ]
    refs: list[tuple[Text, str]] = [
        (label, value)
        for label, value in (
            (_("Buyer reference"), invoice.buyer_reference),
            (_("Order reference"), invoice.order_reference),
            (_("Contract"), invoice.contract_reference),
            (_("Project"), invoice.project_reference),
            (_("Cost reference"), invoice.accounting_cost),
        )
        if value
    ]
    refs += [(_("Credits invoice"), p.id) for p in invoice.preceding_invoices]
    return EhfView(
        invoice=invoice,
        title=_("Credit note") if invoice.is_credit_note else _("Invoice"),
        seller_orgnr=_orgnr_of(invoice.seller),
        buyer_orgnr=_orgnr_of(invoice.buyer),
        lines=lines,
        vat=vat,
        payments=payments,
        kid=invoice.kid or "",
        attachments=attachment_rows(invoice.attachments),
        references=refs,
    )
