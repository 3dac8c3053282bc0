"""The purchase lines of a received supplier document, as the coding engine sees them.

One line per EHF invoice line (line net amount, item name and description, line note, VAT
rate and category, the buyer's accounting reference, order line reference), else one per
table line the PDF reader found, else one for the whole invoice (net total, or total). Every
line carries the invoice's date, supplier (org.nr, else VAT number), currency, buyer
reference ("Deres ref."), order and project references and invoice-level notes; a credit
note's amounts are negative. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fakturaflyt.core.coding.features import PurchaseLine


def _field(document: Any, name: str) -> str:
    entry = (document.fields or {}).get(name)
    value = entry.get("value") if isinstance(entry, dict) else entry
    return str(value) if value not in (None, "") else ""


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _signed(amount: Decimal | None, credit: bool) -> Decimal | None:
    if amount is None:
        return None
    return -abs(amount) if credit else amount


def _join(*parts: Any) -> str:
    return " ".join(str(p).strip() for p in parts if p not in (None, "") and str(p).strip())


def _base_line(document: Any) -> dict[str, Any]:
    """What every line of the document shares: date, supplier, currency, buyer, references, invoice text."""
    supplier = document.supplier
    ehf = document.ehf if isinstance(document.ehf, dict) else {}
    seller = ehf.get("seller") or {}
    supplier_id = ""
    if supplier is not None:
        supplier_id = supplier.orgnr or supplier.vat_id
    supplier_id = supplier_id or _field(document, "supplier_orgnr") or _field(document, "supplier_vat_id")
    name = supplier.name if supplier is not None else (_field(document, "supplier_name") or seller.get("name", ""))
    buyer = ehf.get("buyer_reference") or _field(document, "buyer_reference") or _field(document, "our_reference")
    return {
        "date": document.issue_date,
        "supplier_id": str(supplier_id),
        "supplier_name": str(name or ""),
        "invoice_text": _join(*(ehf.get("notes") or ()), ehf.get("accounting_cost"), ehf.get("contract_reference"))[
            :500
        ],
        "currency": document.currency or ehf.get("currency", ""),
        "buyer": str(buyer or "")[:100],
        "po_ref": document.order_reference or ehf.get("order_reference", "") or "",
        "project_ref": str(ehf.get("project_reference") or ""),
    }


def _ehf_lines(document: Any, base: Mapping[str, Any]) -> list[PurchaseLine]:
    lines: list[PurchaseLine] = []
    for raw in (document.ehf or {}).get("lines") or ():
        item = raw.get("item") or {}
        extra: list[tuple[str, str]] = []
        if raw.get("accounting_cost"):
            extra.append(("kontostreng", str(raw["accounting_cost"])))
        if item.get("vat_category"):
            extra.append(("mva_kategori", str(item["vat_category"])))
        po_ref = base["po_ref"]
        if raw.get("order_line_ref") and po_ref:
            po_ref = f"{po_ref}/{raw['order_line_ref']}"
        lines.append(
            PurchaseLine(
                **{**base, "po_ref": po_ref},
                description=_join(item.get("name"), item.get("description"), raw.get("note"))[:300],
                amount=_signed(_decimal(raw.get("net_amount")), document.is_credit_note),
                vat_rate=_decimal(item.get("vat_rate")),
                extra=tuple(sorted(extra)),
            )
        )
    return lines


def _pdf_lines(document: Any, base: Mapping[str, Any]) -> list[PurchaseLine]:
    entry = (document.fields or {}).get("lines")
    rows = entry.get("value") if isinstance(entry, dict) else entry
    lines: list[PurchaseLine] = []
    for raw in rows or ():
        if not isinstance(raw, dict):
            continue
        description = str(raw.get("description") or "").strip()
        amount = _decimal(raw.get("amount"))
        if not description and amount is None:
            continue
        lines.append(
            PurchaseLine(
                **base,
                description=description[:300],
                amount=_signed(amount, document.is_credit_note),
                vat_rate=_decimal(raw.get("vat_rate")),
            )
        )
    return lines


def purchase_lines(document: Any) -> list[PurchaseLine]:
    """The purchase lines of a supplier document: its EHF lines, else its PDF table lines, else the whole invoice."""
    base = _base_line(document)
    lines = _ehf_lines(document, base) if document.ehf else []
    if not lines:
        lines = _pdf_lines(document, base)
    if not lines:
        amount = document.net_total if document.net_total is not None else document.total
        text = _join("Faktura", document.invoice_number)
        lines = [PurchaseLine(**base, description=text, amount=_signed(amount, document.is_credit_note))]
    return lines


__all__ = ["purchase_lines"]
