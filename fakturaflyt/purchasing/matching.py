"""A received supplier invoice matched with its purchase order (the rules: :mod:`fakturaflyt.core.matching.purchase`).

* The order is found by the invoice's order reference (EHF ``OrderReference``, or the number the
  PDF reader found), in the same company and from the same supplier; a cancelled order is not used.
* The invoice's lines are its EHF lines, else the PDF table lines, else one line for the whole
  invoice, numbered 1, 2, … exactly as its coding lines are (:mod:`fakturaflyt.coding.documents`).
  A credit note's quantities and amounts count negative.
* Matching is three-way once the order has a goods receipt, else two-way; the tolerances are the
  supplier's where set, else the company's, else :class:`~fakturaflyt.core.matching.purchase.Tolerance`'s defaults.
* Within tolerance, what the invoice took of each order line is counted at once
  (:class:`~.models.InvoicedQuantity`), so the next invoice is checked against what is still open.
  An invoice with deviations is counted when it is approved all the same: :func:`record_invoiced`.
* Matching again (the task run twice, the invoice corrected) first takes back what this invoice
  counted, so it is idempotent.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from fakturaflyt.core.matching.purchase import InvoiceLine, OrderLine, Tolerance, match_invoice
from fakturaflyt.ledger import audit
from fakturaflyt.purchasing.models import (
    GoodsReceipt,
    InvoicedQuantity,
    InvoiceMatch,
    MatchTolerance,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
)

TARGETS = ("account", "vat_code", "department", "project")
_TOLERANCE_FIELDS = ("price_pct", "price_abs", "quantity_pct", "total_pct", "total_abs")


def tolerance_for(company: Any, supplier: Any) -> Tolerance:
    """The supplier's tolerances where set, else the company's default, else the built-in defaults."""
    row = None
    if supplier is not None:
        row = MatchTolerance.objects.filter(company=company, supplier=supplier).first()
    if row is None:
        row = MatchTolerance.objects.filter(company=company, supplier__isnull=True).first()
    if row is None:
        return Tolerance()
    return Tolerance(**{name: getattr(row, name) for name in _TOLERANCE_FIELDS})


def _field(document: Any, name: str) -> str:
    entry = (document.fields or {}).get(name)
    value = entry.get("value") if isinstance(entry, dict) else entry
    return str(value).strip() if value not in (None, "") else ""


def order_reference(document: Any) -> str:
    """The order number the invoice quotes: the EHF OrderReference, else the PDF's order reference field."""
    ehf = document.ehf if isinstance(document.ehf, dict) else {}
    return (document.order_reference or ehf.get("order_reference") or _field(document, "order_reference") or "").strip()


def find_order(document: Any) -> PurchaseOrder | None:
    """The company's order from the invoice's supplier with the quoted number (not cancelled), or None."""
    reference = order_reference(document)
    if not reference or document.supplier_id is None:
        return None
    orders = PurchaseOrder.objects.filter(company_id=document.company_id, supplier_id=document.supplier_id).exclude(
        status=OrderStatus.CANCELLED
    )
    found = orders.filter(number=reference).first() or orders.filter(number__iexact=reference).first()
    if found is None:  # "PO 1001", "Ordre: 1001 / prosjekt 7": try each word
        for token in re.split(r"[\s,;:/]+", reference):
            if token and token != reference:
                found = orders.filter(number__iexact=token).first()
                if found is not None:
                    break
    return found


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def invoice_lines(document: Any) -> list[InvoiceLine]:
    """The invoice's lines for matching, numbered as its coding lines (credit notes negative)."""

    def signed(v: Decimal | None) -> Decimal | None:
        return -abs(v) if v is not None and document.is_credit_note else v

    lines: list[InvoiceLine] = []
    ehf = document.ehf if isinstance(document.ehf, dict) else {}
    for n, raw in enumerate(ehf.get("lines") or (), start=1):
        item = raw.get("item") or {}
        price = raw.get("price") or {}
        base = _decimal(price.get("base_quantity")) or Decimal(1)
        amount = _decimal(price.get("amount"))
        lines.append(
            InvoiceLine(
                index=n,
                item_id=str(item.get("sellers_id") or ""),
                description=str(item.get("name") or ""),
                quantity=signed(_decimal(raw.get("quantity"))),
                unit_price=None if amount is None else amount / base,
                net_amount=signed(_decimal(raw.get("net_amount"))) or Decimal(0),
                buyer_item_id=str(item.get("buyers_id") or ""),
                order_line_ref=str(raw.get("order_line_ref") or ""),
            )
        )
    if lines:
        return lines
    entry = (document.fields or {}).get("lines")
    rows = entry.get("value") if isinstance(entry, dict) else entry
    for raw in rows or ():
        if not isinstance(raw, dict):
            continue
        description = str(raw.get("description") or "").strip()
        amount = _decimal(raw.get("amount"))
        if not description and amount is None:  # skipped by the coding lines too
            continue
        quantity, unit_price = _decimal(raw.get("quantity")), _decimal(raw.get("unit_price"))
        if amount is None:
            amount = quantity * unit_price if quantity is not None and unit_price is not None else Decimal(0)
        lines.append(
            InvoiceLine(len(lines) + 1, "", description, signed(quantity), unit_price, signed(amount) or Decimal(0))
        )
    if lines:
        return lines
    amount = document.net_total if document.net_total is not None else document.total
    text = f"Faktura {document.invoice_number}".strip()
    return [InvoiceLine(1, "", text, None, None, signed(amount) or Decimal(0))]


def _recount(lines: list[PurchaseOrderLine]) -> None:
    """Each line's invoiced quantity as the sum of what the invoices counted on it."""
    sums = dict(
        InvoicedQuantity.objects.filter(order_line__in=lines)
        .values("order_line")
        .annotate(q=Sum("quantity"))
        .values_list("order_line", "q")
    )
    for line in lines:
        quantity = sums.get(line.pk) or Decimal(0)
        if line.quantity_invoiced != quantity:
            line.quantity_invoiced = quantity
            line.save(update_fields=["quantity_invoiced"])


def _count(document: Any, match: InvoiceMatch, lines: dict[int, PurchaseOrderLine]) -> int:
    """Count the quantities of the match's paired lines against the order lines; returns how many lines counted."""
    done = 0
    for entry in match.lines:
        line = lines.get(entry.get("order_line_no") or 0)
        quantity = _decimal(entry.get("quantity"))
        if line is None or quantity is None:
            continue
        InvoicedQuantity.objects.update_or_create(
            order_line=line,
            document=document,
            defaults={"quantity": quantity, "amount": _decimal(entry.get("net_amount")) or Decimal(0)},
        )
        done += 1
    _recount(list(lines.values()))
    return done


def match_document(document: Any) -> InvoiceMatch | None:
    """Match a supplier document with the order it quotes; None when it quotes none we have. Idempotent.

    Sets the document's ``requested_by`` from the order when it has none (the requester may not
    approve it), and counts the invoiced quantities when the match is within tolerance.
    """
    order = find_order(document)
    with transaction.atomic():
        if order is None:
            stale = InvoiceMatch.objects.filter(document_id=document.pk).first()
            if stale is not None:  # the reference changed: forget the old match and what it counted
                _forget(document, stale.order_id)
                stale.delete()
            return None
        order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        rows = {ln.line_no: ln for ln in PurchaseOrderLine.objects.select_for_update().filter(order=order)}
        previous = InvoiceMatch.objects.filter(document_id=document.pk).first()
        if previous is not None and previous.order_id != order.pk:
            _forget(document, previous.order_id)
        InvoicedQuantity.objects.filter(document_id=document.pk, order_line__order=order).delete()
        _recount(list(rows.values()))
        three_way = GoodsReceipt.objects.filter(order=order).exists()
        order_lines = [
            OrderLine(
                ln.line_no,
                ln.item_id,
                ln.description,
                ln.quantity,
                ln.quantity_received,
                ln.quantity_invoiced,
                ln.unit_price,
            )
            for ln in rows.values()
        ]
        net_total = document.net_total
        if net_total is not None and document.is_credit_note:
            net_total = -abs(net_total)
        result = match_invoice(
            invoice_lines(document),
            order_lines,
            tolerance_for(document.company, document.supplier),
            three_way=three_way,
            net_total=net_total,
        )
        data = result.to_json()
        match, _created = InvoiceMatch.objects.update_or_create(
            document_id=document.pk,
            defaults={
                "company_id": document.company_id,
                "order": order,
                "mode": result.mode,
                "outcome": result.outcome,
                "within_tolerance": result.within_tolerance,
                "lines": data["lines"],
                "deviations": data["deviations"],
                "total": data["total"],
                "matched_at": timezone.now(),
            },
        )
        if document.requested_by_id is None and order.requested_by_id is not None:
            document.requested_by_id = order.requested_by_id
            type(document).objects.filter(pk=document.pk).update(requested_by_id=order.requested_by_id)
        if result.within_tolerance:
            _count(document, match, rows)
        audit.record(
            document.company,
            None,
            "purchase_order.matched",
            match,
            after={
                "document": document.pk,
                "order": order.number,
                "mode": result.mode,
                "outcome": result.outcome,
                "within_tolerance": result.within_tolerance,
                "deviations": [d["rule"] for d in data["deviations"]],
            },
        )
        return match


def _forget(document: Any, order_id: int) -> None:
    rows = list(PurchaseOrderLine.objects.select_for_update().filter(order_id=order_id))
    InvoicedQuantity.objects.filter(document_id=document.pk, order_line__order_id=order_id).delete()
    _recount(rows)


def record_invoiced(document: Any, user: Any = None) -> int:
    """Count what a matched invoice took of its order's lines (for one approved with deviations); idempotent.

    Returns how many order lines it counted on (0 when the document has no match).
    """
    with transaction.atomic():
        match = InvoiceMatch.objects.filter(document_id=document.pk).select_related("order").first()
        if match is None:
            return 0
        PurchaseOrder.objects.select_for_update().filter(pk=match.order_id).first()
        rows = {ln.line_no: ln for ln in PurchaseOrderLine.objects.select_for_update().filter(order_id=match.order_id)}
        done = _count(document, match, rows)
        audit.record(
            document.company, user, "purchase_order.invoiced", match, after={"order": match.order.number, "lines": done}
        )
        return done


def po_coding(document: Any) -> list[dict[str, str]]:
    """Per invoice line (position 0 is line 1, as the coding lines are numbered): the coding of its order line.

    ``{"account", "vat_code", "department", "project"}``; an empty dict for a line not paired with
    an order line, and an empty list when the document has no match.
    """
    match = InvoiceMatch.objects.filter(document_id=document.pk).first()
    if match is None:
        return []
    lines = {ln.line_no: ln for ln in PurchaseOrderLine.objects.filter(order_id=match.order_id)}
    out: list[dict[str, str]] = []
    for entry in sorted(match.lines, key=lambda e: int(e.get("invoice_index") or 0)):
        line = lines.get(entry.get("order_line_no") or 0)
        out.append({t: getattr(line, t) for t in TARGETS} if line is not None else {})
    return out


__all__ = [
    "find_order",
    "invoice_lines",
    "match_document",
    "order_reference",
    "po_coding",
    "record_invoiced",
    "tolerance_for",
]
