"""Customer invoices: make a draft, issue it (number, KID, due date, voucher), credit it.

One function per business action, each in one transaction with an audit event. These are the
contract the billing run, the distribution, the UI, the API and the CLI all call.

- :func:`create_draft`, :func:`update_draft`, :func:`delete_draft`: a draft may be changed freely;
  every line is checked (VAT code a sales code of the company, revenue account in the chart,
  dimensions known) and its net amount computed exactly as the EHF states it.
- :func:`issue`: in one transaction, the next number of the company's gapless series
  (bokføringsforskriften § 5-1-1 nr. 1, :mod:`.numbering`), the KID, the due date from the
  customer's terms, the buyer as he is that day, the totals from the completed EHF model
  (:mod:`.ehf`), the legal content check (§ 5-1-1, :func:`fakturaflyt.core.invoicing.legal_problems`)
  and the posted voucher (:mod:`.posting`). Any refusal rolls everything back, the number too.
- :func:`credit`: a credit note referring to the invoice (§ 5-2-6: corrections by credit note
  only), numbered from the same series, posted as the mirror; never more than the invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError, Problem, RuleViolation
from fakturaflyt.core.invoicing import due_date, legal_problems, line_net, vat_totals, vat_treatment
from fakturaflyt.core.money import D, ore
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.models import Account, Department, Project, VatCode
from fakturaflyt.receivables import numbering, posting
from fakturaflyt.receivables.error_codes import InvoiceCode, InvoiceError
from fakturaflyt.receivables.models import (
    Customer,
    DocumentType,
    InvoiceStatus,
    Product,
    SalesInvoice,
    SalesInvoiceLine,
    Settlement,
    Source,
)

__all__ = ["DraftLine", "create_draft", "credit", "delete_draft", "issue", "update_draft"]

SALES_DIRECTIONS = ("output", "none")
#: The invoice fields :func:`update_draft` may change.
DRAFT_FIELDS = frozenset(
    {
        "customer",
        "issue_date",
        "delivery_date",
        "period_start",
        "period_end",
        "currency",
        "exchange_rate",
        "buyer_reference",
        "seller_reference",
        "order_reference",
        "contract_reference",
        "note",
    }
)


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One line of a draft. ``None`` for vat_code/revenue_account/unit_code takes the product's (else 3/3000/C62)."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    product: Product | None = None
    vat_code: str | None = None
    revenue_account: str | None = None
    unit_code: str | None = None
    discount_percent: Decimal = Decimal("0")
    department: str = ""
    project: str = ""
    period_start: date | None = None
    period_end: date | None = None
    note: str = ""
    source_key: str = ""


# --------------------------------------------------------------------------- checking a draft


def _amount(value: Any, what: str, where: str, problems: list[Problem]) -> Decimal | None:
    try:
        return D(value)
    except FakturaflytError:
        problems.append(Problem(InvoiceCode.LINE, f"The {what} {value!r} is not a number.", where))
        return None


def _line_rows(company: Company, lines: Sequence[DraftLine]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The lines as stored (net amounts computed), and every problem with them."""
    problems: list[Problem] = []
    vat_codes = {v.code: v for v in VatCode.objects.filter(company=company)}
    wanted = {ln.revenue_account or (ln.product.revenue_account if ln.product else "") or "3000" for ln in lines}
    accounts = {a.number: a for a in Account.objects.filter(company=company, number__in=wanted)}
    departments = set(
        Department.objects.filter(
            company=company, is_active=True, code__in={ln.department for ln in lines if ln.department}
        ).values_list("code", flat=True)
    )
    projects = set(
        Project.objects.filter(
            company=company, is_active=True, code__in={ln.project for ln in lines if ln.project}
        ).values_list("code", flat=True)
    )
    rows: list[dict[str, Any]] = []
    for no, ln in enumerate(lines, start=1):
        where = f"line {no}"
        product = ln.product
        if product is not None and product.company_id != company.pk:
            problems.append(Problem(InvoiceCode.PRODUCT, f"Product {product.code} belongs to another company.", where))
            product = None
        description = (ln.description or (product.name if product else "")).strip()
        if not description:
            problems.append(Problem(InvoiceCode.LINE, "Say what was supplied: the line has no description.", where))
        quantity = _amount(ln.quantity, "quantity", where, problems)
        price = _amount(ln.unit_price, "unit price", where, problems)
        discount = _amount(ln.discount_percent or 0, "discount", where, problems)
        if quantity is not None and quantity == 0:
            problems.append(Problem(InvoiceCode.LINE, "The quantity cannot be 0.", where))
        if discount is not None and not 0 <= discount <= 100:
            problems.append(Problem(InvoiceCode.LINE, f"A discount of {discount} % is not between 0 and 100.", where))
        code = ln.vat_code or (product.vat_code if product else "") or "3"
        account = ln.revenue_account or (product.revenue_account if product else "") or "3000"
        unit = ln.unit_code or (product.unit_code if product else "") or "C62"
        vat = vat_codes.get(code)
        if vat is None or not vat.is_active:
            problems.append(Problem(InvoiceCode.VAT_CODE, f"VAT code {code} does not exist or is inactive.", where))
        elif vat.direction not in SALES_DIRECTIONS:
            problems.append(
                Problem(InvoiceCode.VAT_CODE, f"VAT code {code} ({vat.name}) is not a code for sales.", where)
            )
        else:
            try:
                vat_treatment(vat.standard_tax_code, vat.rate, seller_vat_registered=company.vat_registered)
            except FakturaflytError as exc:
                problems.extend(Problem(p.code, p.message, where) for p in exc.problems)
        acc = accounts.get(account)
        if acc is None or not acc.is_active:
            problems.append(
                Problem(InvoiceCode.ACCOUNT, f"Revenue account {account} is not in the chart of accounts.", where)
            )
        if ln.department and ln.department not in departments:
            problems.append(Problem(InvoiceCode.DIMENSION, f"Department {ln.department} does not exist.", where))
        if ln.project and ln.project not in projects:
            problems.append(Problem(InvoiceCode.DIMENSION, f"Project {ln.project} does not exist.", where))
        if ln.period_start and ln.period_end and ln.period_end < ln.period_start:
            problems.append(Problem(InvoiceCode.PERIOD, "The line's period ends before it starts.", where))
        net = Decimal("0.00")
        if quantity is not None and price is not None and discount is not None:
            if discount and quantity * price < 0:
                problems.append(
                    Problem(InvoiceCode.LINE, "A discount applies to positive amounts only; lower the price.", where)
                )
            else:
                # as the EHF states it: a negative price goes to the quantity (BR-27)
                net = line_net(-quantity, -price, discount) if price < 0 else line_net(quantity, price, discount)
        rows.append(
            {
                "line_no": no,
                "product": product,
                "description": description[:300],
                "quantity": quantity or Decimal(0),
                "unit_code": unit,
                "unit_price": price or Decimal(0),
                "discount_percent": discount or Decimal(0),
                "net_amount": net,
                "vat_code": code,
                "vat_rate": vat.rate if vat is not None else Decimal(0),
                "revenue_account": account,
                "department": ln.department,
                "project": ln.project,
                "period_start": ln.period_start,
                "period_end": ln.period_end,
                "note": ln.note[:300],
                "source_key": ln.source_key,
            }
        )
    return rows, problems


def _header_problems(
    company: Company, customer: Customer, fields: dict[str, Any], rows: list[dict[str, Any]]
) -> list[Problem]:
    problems: list[Problem] = []
    if customer.company_id != company.pk:
        problems.append(
            Problem(InvoiceCode.CUSTOMER, f"Customer {customer} is not a customer of {company.name}.", "customer")
        )
    if not rows:
        problems.append(Problem(InvoiceCode.NO_LINES, "An invoice needs at least one line.", "lines"))
    currency = fields["currency"]
    if len(currency) != 3 or not currency.isalpha():
        problems.append(Problem(InvoiceCode.EXCHANGE_RATE, f"{currency!r} is not a currency code.", "currency"))
    elif currency != "NOK":
        rate = fields.get("exchange_rate")
        if rate is None or D(rate) <= 0:
            problems.append(
                Problem(
                    InvoiceCode.EXCHANGE_RATE,
                    f"The invoice is in {currency}: give the exchange rate (NOK per {currency}) so the VAT can be "
                    "stated and posted in NOK.",
                    "exchange_rate",
                )
            )
    start, end = fields.get("period_start"), fields.get("period_end")
    if start and end and end < start:
        problems.append(Problem(InvoiceCode.PERIOD, "The invoice period ends before it starts.", "period_end"))
    for row in rows:
        if (start and row["period_start"] and row["period_start"] < start) or (
            end and row["period_end"] and row["period_end"] > end
        ):
            problems.append(
                Problem(
                    InvoiceCode.PERIOD, "The line's period lies outside the invoice period.", f"line {row['line_no']}"
                )
            )
    return problems


def _totals(company: Company, rows: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    codes = dict(VatCode.objects.filter(company=company).values_list("code", "standard_tax_code"))
    pairs = [
        (
            vat_treatment(
                codes.get(r["vat_code"], r["vat_code"]), r["vat_rate"], seller_vat_registered=company.vat_registered
            ),
            r["net_amount"],
        )
        for r in rows
    ]
    return vat_totals(pairs)


def _store_lines(invoice: SalesInvoice, rows: list[dict[str, Any]]) -> None:
    SalesInvoiceLine.objects.bulk_create([SalesInvoiceLine(invoice=invoice, **row) for row in rows])
    net, vat = _totals(invoice.company, rows)
    invoice.net_total, invoice.vat_total, invoice.total = net, vat, net + vat


def _create(
    company: Company,
    customer: Customer,
    lines: Sequence[DraftLine],
    actor: Any,
    fields: dict[str, Any],
) -> SalesInvoice:
    """Check and store a draft (invoice or credit note); the caller holds the transaction."""
    fields = {**fields, "currency": (fields.get("currency") or customer.currency or "NOK").upper()}
    if fields["currency"] == "NOK":
        fields["exchange_rate"] = None
    rows, problems = _line_rows(company, lines)
    problems += _header_problems(company, customer, fields, rows)
    if problems:
        raise RuleViolation(problems)
    source, key = fields.get("source", Source.MANUAL), fields.get("source_key", "")
    if key and SalesInvoice.objects.filter(company=company, source=source, source_key=key).exists():
        raise _duplicate(source, key)
    invoice = SalesInvoice(
        company=company,
        customer=customer,
        channel=customer.channel,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    try:
        with transaction.atomic():  # a savepoint: the constraint catches the race the pre-check missed
            invoice.save(force_insert=True)
    except IntegrityError:
        if key and SalesInvoice.objects.filter(company=company, source=source, source_key=key).exists():
            raise _duplicate(source, key) from None
        raise
    _store_lines(invoice, rows)
    invoice.save(update_fields=["net_total", "vat_total", "total"])
    return invoice


def _duplicate(source: str, key: str) -> InvoiceError:
    return InvoiceError(
        InvoiceCode.DUPLICATE_SOURCE,
        f"An invoice from {source} {key!r} already exists; it is not made twice.",
        "source_key",
    )


def _snapshot(invoice: SalesInvoice) -> dict[str, Any]:
    return {
        "customer": invoice.customer_id,
        "currency": invoice.currency,
        "net_total": str(invoice.net_total),
        "vat_total": str(invoice.vat_total),
        "total": str(invoice.total),
        "lines": invoice.lines.count(),
    }


# --------------------------------------------------------------------------- drafts


def create_draft(
    company: Company,
    customer: Customer,
    lines: Sequence[DraftLine],
    *,
    actor: Any,
    source: str = Source.MANUAL,
    source_key: str = "",
    issue_date: date | None = None,
    delivery_date: date | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    buyer_reference: str = "",
    order_reference: str = "",
    contract_reference: str = "",
    note: str = "",
) -> SalesInvoice:
    """Store a draft invoice with its lines (net amounts computed); nothing is numbered or posted.

    Refuses with :class:`RuleViolation` listing every problem (``FF-INV-*``); a second draft
    from the same ``source``/``source_key`` raises ``FF-INV-DUPLICATE-SOURCE`` and stores nothing.
    """
    fields = {
        "source": source,
        "source_key": source_key,
        "issue_date": issue_date,
        "delivery_date": delivery_date,
        "period_start": period_start,
        "period_end": period_end,
        "currency": currency,
        "exchange_rate": exchange_rate,
        "buyer_reference": buyer_reference,
        "order_reference": order_reference,
        "contract_reference": contract_reference,
        "note": note,
    }
    with transaction.atomic():
        invoice = _create(company, customer, lines, actor, fields)
        audit.record(company, actor, "invoice.draft_created", invoice, after=_snapshot(invoice), source=source)
    return invoice


def _locked_draft(invoice: SalesInvoice) -> SalesInvoice:
    locked = SalesInvoice.objects.select_for_update().get(pk=invoice.pk)
    if not locked.is_draft:
        raise InvoiceError(
            InvoiceCode.NOT_DRAFT,
            f"{locked} is issued and can no longer be changed or deleted; correct it with a credit note.",
        )
    return locked


def update_draft(invoice: SalesInvoice, lines: Sequence[DraftLine] | None, actor: Any, **fields: Any) -> SalesInvoice:
    """Change a draft: its fields (``customer``, dates, currency, references, note) and, unless None, all its lines."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"update_draft cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        draft = _locked_draft(invoice)
        before = _snapshot(draft)
        for name, value in fields.items():
            setattr(draft, name, value)
        draft.currency = (draft.currency or "NOK").upper()
        if draft.currency == "NOK":
            draft.exchange_rate = None
        if lines is None:
            lines = [line_as_draft(ln) for ln in draft.lines.select_related("product").order_by("line_no")]
        rows, problems = _line_rows(draft.company, lines)
        header = {f: getattr(draft, f) for f in ("currency", "exchange_rate", "period_start", "period_end")}
        problems += _header_problems(draft.company, draft.customer, header, rows)
        if problems:
            raise RuleViolation(problems)
        if "customer" in fields:
            draft.channel = draft.customer.channel
        draft.lines.all().delete()
        _store_lines(draft, rows)
        draft.save()
        audit.record(draft.company, actor, "invoice.draft_updated", draft, before=before, after=_snapshot(draft))
    return draft


def delete_draft(invoice: SalesInvoice, actor: Any) -> None:
    """Delete a draft (an issued invoice is never deleted: ``FF-INV-NOT-DRAFT``)."""
    with transaction.atomic():
        draft = _locked_draft(invoice)
        audit.record(draft.company, actor, "invoice.draft_deleted", draft, before=_snapshot(draft))
        draft.lines.all().delete()
        draft.delete()


def line_as_draft(ln: SalesInvoiceLine, quantity: Decimal | None = None) -> DraftLine:
    """A stored line as a draft line (for a credit note: the same line, all of it or ``quantity`` of it)."""
    return DraftLine(
        description=ln.description,
        quantity=ln.quantity if quantity is None else quantity,
        unit_price=ln.unit_price,
        product=ln.product,
        vat_code=ln.vat_code,
        revenue_account=ln.revenue_account,
        unit_code=ln.unit_code,
        discount_percent=ln.discount_percent,
        department=ln.department,
        project=ln.project,
        period_start=ln.period_start,
        period_end=ln.period_end,
        note=ln.note,
        source_key=ln.source_key,
    )


# --------------------------------------------------------------------------- issue and credit


def _issue_locked(invoice: SalesInvoice, actor: Any, issue_date: date | None) -> SalesInvoice:
    """Issue a draft whose row the caller has locked, inside the caller's transaction."""
    from fakturaflyt.receivables.ehf import build_model, buyer_snapshot

    company = invoice.company
    customer = invoice.customer
    if not invoice.lines.exists():
        raise InvoiceError(InvoiceCode.NO_LINES, "An invoice needs at least one line.", "lines")
    settings = numbering.invoice_settings(company)
    when = issue_date or invoice.issue_date or timezone.localdate()
    invoice.number = numbering.next_number(company, settings)  # locked until this transaction ends
    invoice.issue_date = when
    if invoice.is_credit_note:
        invoice.due_date = None
        invoice.kid = ""
    else:
        terms = customer.payment_terms_days or settings.default_terms_days
        invoice.due_date = due_date(when, terms)
        invoice.kid = numbering.kid(settings, customer.number, invoice.number)
    has_period = (invoice.period_start and invoice.period_end) or not invoice.lines.filter(
        period_start=None, period_end=None
    ).exists()
    if invoice.delivery_date is None and not has_period:
        invoice.delivery_date = when  # delivered when invoiced, unless the draft says otherwise (§ 5-1-1 nr. 4)
    invoice.buyer_name = customer.name
    invoice.buyer_orgnr = customer.orgnr
    invoice.buyer_address = buyer_snapshot(customer)
    invoice.buyer_reference = invoice.buyer_reference or customer.reference
    invoice.channel = invoice.channel or customer.channel
    invoice.status = InvoiceStatus.ISSUED  # build_model reads the snapshot of an issued invoice
    model = build_model(invoice)
    problems = legal_problems(
        model, seller_is_as=company.in_foretaksregisteret, seller_vat_registered=company.vat_registered
    )
    if problems:
        raise RuleViolation(problems)
    if model.totals.payable == 0:
        raise InvoiceError(InvoiceCode.ZERO, "The invoice totals 0,00; there is nothing to charge.", "lines")
    if model.totals.payable < 0:
        raise InvoiceError(
            InvoiceCode.NEGATIVE,
            "The invoice totals less than 0; give the customer a credit note instead.",
            "lines",
        )
    invoice.net_total = model.totals.tax_exclusive
    invoice.vat_total = model.tax_total or Decimal("0.00")
    invoice.rounding = model.totals.rounding or Decimal("0.00")
    invoice.total = model.totals.payable
    if invoice.currency != "NOK":
        assert invoice.exchange_rate is not None
        invoice.vat_total_nok = model.tax_total_in_tax_currency or Decimal("0.00")
        invoice.total_nok = ore(invoice.total * invoice.exchange_rate)
    else:
        invoice.vat_total_nok, invoice.total_nok = invoice.vat_total, invoice.total
    invoice.voucher = posting.post(invoice, model, actor)
    invoice.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.issued_at = timezone.now()
    invoice.save()
    audit.record(
        company,
        actor,
        "invoice.issued",
        invoice,
        number=invoice.number,
        document_type=invoice.document_type,
        kid=invoice.kid,
        total=str(invoice.total),
        currency=invoice.currency,
        voucher=invoice.voucher.label,
    )
    return invoice


def issue(invoice: SalesInvoice, actor: Any, *, issue_date: date | None = None) -> SalesInvoice:
    """Number, KID, due date, buyer snapshot, totals and the posted voucher, in one transaction.

    Refuses ``FF-INV-NOT-DRAFT`` for an invoice already issued, a :class:`RuleViolation` with
    the legal problems (§ 5-1-1) or the posting problems; nothing is kept then, not even the number.
    """
    with transaction.atomic():
        draft = _locked_draft(invoice)
        return _issue_locked(draft, actor, issue_date)


def credit_lines(invoice: SalesInvoice, wanted: Sequence[tuple[int, Decimal | None]]) -> list[DraftLine]:
    """The lines of a partial credit note: ``(line number, quantity or None for all of it)`` per line to credit.

    Refuses with every problem at once (``FF-AR-CREDIT-LINE``): a line the invoice does not have,
    or a quantity that is not above 0 and at most the line's own quantity.
    """
    by_no = {ln.line_no: ln for ln in invoice.lines.select_related("product")}
    lines: list[DraftLine] = []
    problems: list[Problem] = []
    for i, (line_no, quantity) in enumerate(wanted):
        line = by_no.get(line_no)
        if line is None:
            problems.append(Problem("FF-AR-CREDIT-LINE", f"The invoice has no line {line_no}.", f"lines[{i}]"))
            continue
        qty = line.quantity if quantity is None else quantity
        if not qty.is_finite() or qty <= 0 or qty > line.quantity:
            problems.append(
                Problem(
                    "FF-AR-CREDIT-LINE",
                    f"Line {line_no}: credit between 0 and {line.quantity.normalize()}.",
                    f"lines[{i}].quantity",
                )
            )
            continue
        lines.append(line_as_draft(line, qty))
    if problems:
        raise RuleViolation(problems)
    return lines


def credit(
    invoice: SalesInvoice,
    actor: Any,
    *,
    reason: str,
    lines: Sequence[DraftLine] | None = None,
    issue_date: date | None = None,
) -> SalesInvoice:
    """An issued credit note referring to ``invoice`` (all of it when ``lines`` is None).

    Lines are given with positive quantities, as on the invoice. The credit note gets its own
    number from the same series and no KID, and posts the mirror voucher. When the credit notes
    of the invoice reach its total, the invoice is settled as *credited*. Refuses
    ``FF-INV-NOT-ISSUED``, ``FF-INV-CREDIT-OF-CREDIT``, ``FF-INV-CREDIT-REASON`` and
    ``FF-INV-OVERCREDIT`` (crediting more than is left).
    """
    with transaction.atomic():
        original = SalesInvoice.objects.select_for_update().get(pk=invoice.pk)
        if original.is_draft:
            raise InvoiceError(InvoiceCode.NOT_ISSUED, "A draft is not credited; change or delete it instead.")
        if original.is_credit_note:
            raise InvoiceError(InvoiceCode.CREDIT_OF_CREDIT, f"{original} is a credit note; it cannot be credited.")
        if not reason.strip():
            raise InvoiceError(InvoiceCode.CREDIT_REASON, "Say why the invoice is credited.", "reason")
        if lines is None:
            lines = [line_as_draft(ln) for ln in original.lines.select_related("product").order_by("line_no")]
        fields = {
            "document_type": DocumentType.CREDIT_NOTE,
            "credits": original,
            "credit_reason": reason.strip()[:300],
            "source": Source.CREDIT,
            "currency": original.currency,
            "exchange_rate": original.exchange_rate,
            "buyer_reference": original.buyer_reference,
            "order_reference": original.order_reference,
            "contract_reference": original.contract_reference,
            "delivery_date": original.delivery_date,
            "period_start": original.period_start,
            "period_end": original.period_end,
        }
        note = _create(original.company, original.customer, lines, actor, fields)
        note = _issue_locked(note, actor, issue_date)
        credited = sum(
            SalesInvoice.objects.filter(credits=original)
            .exclude(status=InvoiceStatus.DRAFT)
            .values_list("total", flat=True),
            Decimal("0.00"),
        )
        if credited > original.total:
            left = original.total - (credited - note.total)
            raise InvoiceError(
                InvoiceCode.OVERCREDIT,
                f"Credit notes would total {credited} {original.currency}, more than invoice {original.number} "
                f"({original.total}); at most {left} is left to credit.",
                "lines",
            )
        if credited == original.total:
            original.settlement = Settlement.CREDITED
            original.save(update_fields=["settlement"])
        audit.record(
            original.company,
            actor,
            "invoice.credited",
            original,
            credit_note=note.number,
            amount=str(note.total),
            reason=note.credit_reason,
            fully=credited == original.total,
        )
    return note
