"""The checks of a received supplier document that need the database, and the state they lead to.

:func:`run_checks` finds or registers the supplier (:mod:`.suppliers`), raises the confidence of
PDF fields that agree with the supplier register, compares the bank account with the supplier's
known one (a different account blocks payment: ``FF-AP-BANK-CHANGED``; the first account seen is
learnt), looks for duplicates (the same bytes; the same supplier and invoice number; the same
supplier, amount and date within ``FAKTURAFLYT_DUPLICATE_WINDOW_DAYS``), links a credit note to
the invoice it credits, flags fields read with confidence below
``FAKTURAFLYT_CONFIDENCE_THRESHOLD``, and decides the state: ``duplicate``, ``needs_review`` (an
error or an uncertain field) or ``ready_for_coding``; a document ready for coding has its coding
lines made and suggested once the transaction commits (task ``coding.code_document``). The
checks that need nothing but the document are pure functions in :mod:`.checks`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import normalise_iban, normalise_kontonr
from fakturaflyt.ledger import audit
from fakturaflyt.payables import checks, suppliers
from fakturaflyt.payables.error_codes import IntakeCode, problem
from fakturaflyt.payables.fields import confidence_of, facts_of, field_value, raise_confidence
from fakturaflyt.payables.models import DocumentFormat, DocumentState, Supplier, SupplierDocument

PENDING = (DocumentState.RECEIVED, DocumentState.INTERPRETED)

NOT_ORIGINALS = (DocumentState.REJECTED, DocumentState.QUARANTINED, DocumentState.DUPLICATE)


def confidence_threshold() -> float:
    return float(getattr(settings, "FAKTURAFLYT_CONFIDENCE_THRESHOLD", 0.8))


def duplicate_window_days() -> int:
    return int(getattr(settings, "FAKTURAFLYT_DUPLICATE_WINDOW_DAYS", 3))


def run_checks(doc: SupplierDocument, actor: Any) -> None:
    """Every check on an interpreted (or corrected) document; sets supplier, problems, flags and state.

    The caller holds the company's and the document's row locks and saves nothing else.
    """
    read_problems = [p for p in (doc.problems or []) if p.get("stage") == "read"]
    facts = facts_of(doc)
    found: list[dict[str, str]] = checks.run(facts)
    supplier, supplier_problems, known_before = _supplier(doc, facts, actor)
    doc.supplier = supplier
    found += supplier_problems
    if doc.format in (DocumentFormat.PDF, DocumentFormat.IMAGE):
        _cross_check(doc, supplier if known_before else None, facts)
    found += _bank(doc, supplier, actor)
    original, duplicate_problems = _duplicate(doc)
    found += duplicate_problems
    found += _credit(doc)
    values = {name: field_value(doc, name) for name in checks.FIELD_NAMES}
    confidences = {name: confidence_of(doc, name) for name in checks.FIELD_NAMES if (doc.fields or {}).get(name)}
    found += checks.low_confidence(confidences, values, confidence_threshold())
    doc.problems = read_problems + found
    doc.duplicate_of = original
    if original is not None:
        doc.state = DocumentState.DUPLICATE
    elif checks.needs_review(doc.problems):
        doc.state = DocumentState.NEEDS_REVIEW
    else:
        doc.state = DocumentState.READY_FOR_CODING
    doc.processed_at = timezone.now()
    doc.save()
    if not doc.is_credit_note and doc.invoice_number and doc.supplier_id and original is None:
        _link_waiting_credit_notes(doc)
    if doc.state == DocumentState.READY_FOR_CODING:
        _queue_coding(doc.pk)


def _queue_coding(pk: int) -> None:
    """Code the document's lines once this transaction commits (a failure there is logged, never raised here)."""
    from fakturaflyt.coding.tasks import queue_document

    transaction.on_commit(lambda: queue_document(pk), robust=True)


def _supplier(
    doc: SupplierDocument, facts: checks.Facts, actor: Any
) -> tuple[Supplier | None, list[dict[str, str]], bool]:
    """(supplier, problems, whether it was known before this check)."""
    company = doc.company
    found_problems: list[dict[str, str]] = []
    orgnr_raw = facts.supplier_orgnr
    orgnr = suppliers.valid_orgnr(orgnr_raw)
    if orgnr_raw and not orgnr:
        found_problems.append(
            problem(
                IntakeCode.ORGNR_INVALID,
                f"The supplier's org.nr {orgnr_raw} has a wrong check digit. Check it against the document "
                "or the Brønnøysund register.",
                "supplier_orgnr",
                "warning",
            )
        )
    is_ehf = doc.format == DocumentFormat.EHF
    found = suppliers.find(
        company, orgnr=orgnr, vat_id=facts.supplier_vat_id, name=facts.supplier_name if is_ehf else ""
    )
    sender = doc.receipt.supplier
    if sender is not None:
        issuer_differs = (found is not None and found.pk != sender.pk) or (
            found is None and orgnr and sender.orgnr and orgnr != sender.orgnr
        )
        if issuer_differs:
            issuer = found.name if found is not None else f"org.nr {orgnr}"
            found_problems.append(
                problem(
                    IntakeCode.SUPPLIER_MISMATCH,
                    f"The document was sent by supplier {sender.name} but is issued by {issuer}. "
                    "Check who the invoice is really from before it is paid.",
                    "supplier_orgnr",
                )
            )
        return sender, found_problems, True
    if found is not None:
        return found, found_problems, True
    threshold = confidence_threshold()
    trusted_orgnr = bool(orgnr) and (is_ehf or confidence_of(doc, "supplier_orgnr") >= threshold)
    trusted_vat = bool(facts.supplier_vat_id) and (is_ehf or confidence_of(doc, "supplier_vat_id") >= threshold)
    if trusted_orgnr or trusted_vat or (is_ehf and facts.supplier_name):
        address = _ehf_address(doc) if is_ehf else {}
        created = suppliers.create(
            company,
            actor,
            name=facts.supplier_name,
            orgnr=orgnr if trusted_orgnr else "",
            vat_id=facts.supplier_vat_id if trusted_vat else "",
            address=address,
            source=f"document {doc.pk}",
        )
        ident = (
            f"org.nr {orgnr}"
            if trusted_orgnr
            else (f"VAT number {facts.supplier_vat_id}" if trusted_vat else "its name")
        )
        found_problems.append(
            problem(
                IntakeCode.SUPPLIER_CREATED,
                f"New supplier {created.number} {created.name} was registered from this document ({ident}).",
                "supplier_name",
                "info",
            )
        )
        return created, found_problems, False
    found_problems.append(
        problem(
            IntakeCode.SUPPLIER_UNKNOWN,
            "The supplier could not be identified: no valid org.nr or VAT number was read. "
            "Fill in the supplier's org.nr.",
            "supplier_orgnr",
        )
    )
    return None, found_problems, False


def _ehf_address(doc: SupplierDocument) -> dict[str, str]:
    seller = (doc.ehf or {}).get("seller") or {}
    address = seller.get("address") or {}
    return {
        "address_line": ", ".join(
            str(address[k]) for k in ("street", "additional_street", "address_line") if address.get(k)
        ),
        "postal_code": str(address.get("postal_zone") or ""),
        "city": str(address.get("city") or ""),
        "country": str(address.get("country_code") or ""),
    }


def _cross_check(doc: SupplierDocument, supplier: Supplier | None, facts: checks.Facts) -> None:
    """Raise the confidence of PDF fields that agree with each other or with the supplier register."""
    if facts.net_total is not None and facts.vat_total is not None and facts.total is not None:
        if facts.net_total + facts.vat_total == facts.total:
            for name in ("net_total", "vat_total", "total"):
                if confidence_of(doc, name) >= 0.5:
                    raise_confidence(doc, name, 0.9, "net + VAT = total")
    if supplier is None:
        return
    if supplier.orgnr and suppliers.valid_orgnr(facts.supplier_orgnr) == supplier.orgnr:
        raise_confidence(doc, "supplier_orgnr", 0.98, "known supplier")
        name_entry = (doc.fields or {}).get("supplier_name")
        if (
            not isinstance(name_entry, dict)
            or name_entry.get("value") in (None, "")
            or confidence_of(doc, "supplier_name") < confidence_threshold()
        ):
            if not (isinstance(name_entry, dict) and name_entry.get("source") == "user"):
                doc.fields["supplier_name"] = {"value": supplier.name, "confidence": 0.95, "source": "supplier"}
        else:
            raise_confidence(doc, "supplier_name", 0.95, "known supplier")
    known = checks.account_key(supplier.bank_account, supplier.iban)
    if known and checks.account_key(facts.bank_account, facts.iban) == known:
        raise_confidence(doc, "bank_account", 0.98, "the supplier's known account")
        raise_confidence(doc, "iban", 0.98, "the supplier's known account")


def _bank(doc: SupplierDocument, supplier: Supplier | None, actor: Any) -> list[dict[str, str]]:
    """Compare the document's account with the supplier's; learn the first one; block payment on a change."""
    doc.payment_blocked = False
    doc_key = checks.account_key(doc.bank_account, doc.iban)
    if not doc_key or supplier is None:
        return []
    known = checks.account_key(supplier.bank_account, supplier.iban)
    shown = doc.bank_account or doc.iban
    if not known:
        conf = max(
            confidence_of(doc, "bank_account") if doc.bank_account else 0, confidence_of(doc, "iban") if doc.iban else 0
        )
        if conf < confidence_threshold():
            return []
        before = {"bank_account": supplier.bank_account, "iban": supplier.iban}
        try:
            supplier.bank_account = normalise_kontonr(doc.bank_account) if doc.bank_account else ""
        except FakturaflytError:
            supplier.bank_account = ""
        if doc.iban:
            try:
                supplier.iban = normalise_iban(doc.iban)
            except FakturaflytError:
                pass
        if not checks.account_key(supplier.bank_account, supplier.iban):
            return []
        supplier.save(update_fields=["bank_account", "iban"])
        audit.record(
            doc.company,
            actor,
            "supplier.bank_account_learned",
            supplier,
            before=before,
            after={"bank_account": supplier.bank_account, "iban": supplier.iban},
            document=doc.pk,
        )
        return [
            problem(
                IntakeCode.BANK_LEARNED,
                f"Bank account {shown} was registered for supplier {supplier.name}: it is the first account seen "
                "from this supplier.",
                "bank_account",
                "info",
            )
        ]
    if known != doc_key:
        doc.payment_blocked = True
        registered = supplier.bank_account or supplier.iban
        return [
            problem(
                IntakeCode.BANK_CHANGED,
                f"The bank account on this invoice ({shown}) differs from the account registered for supplier "
                f"{supplier.name} ({registered}). A changed account is a common sign of invoice fraud, so payment "
                "is blocked. Confirm the account with the supplier on a phone number you already know (not one "
                "from the invoice) before you change the supplier's account and retry.",
                "bank_account",
            )
        ]
    return []


CHANNEL_WORDS = {
    "upload": "upload",
    "portal": "the supplier portal",
    "api": "the API",
    "email": "e-mail",
    "folder": "the watched folder",
    "peppol": "Peppol",
    "cli": "the command line",
}


def _describe(other: SupplierDocument) -> str:
    when = timezone.localtime(other.receipt.received_at).strftime("%d.%m.%Y") if other.receipt.received_at else ""
    name = other.receipt.filename or other.invoice_number or f"#{other.pk}"
    return f"document {other.pk} ({name}, received {when} by {CHANNEL_WORDS.get(other.receipt.channel, other.receipt.channel)})"


def _duplicate(doc: SupplierDocument) -> tuple[SupplierDocument | None, list[dict[str, str]]]:
    """The earlier document this one repeats (same bytes / supplier + number / supplier + amount + date)."""
    processed = (
        SupplierDocument.objects.filter(company_id=doc.company_id)
        .exclude(pk=doc.pk)
        .exclude(state__in=PENDING)
        .select_related("receipt", "duplicate_of")
        .order_by("pk")
    )
    same_file = processed.filter(file_id=doc.file_id).first()
    if same_file is not None:
        original = same_file.duplicate_of or same_file
        return original, [
            problem(
                IntakeCode.DUPLICATE_FILE,
                f"The same file was received before: {_describe(original)}. This copy will not be paid.",
                "",
            )
        ]
    if doc.supplier_id is None:
        return None, []
    candidates = processed.filter(supplier_id=doc.supplier_id, is_credit_note=doc.is_credit_note).exclude(
        state__in=NOT_ORIGINALS
    )
    if doc.invoice_number:
        same_number = candidates.filter(invoice_number__iexact=doc.invoice_number.strip()).first()
        if same_number is not None:
            kind = "Credit note" if doc.is_credit_note else "Invoice"
            return same_number, [
                problem(
                    IntakeCode.DUPLICATE_NUMBER,
                    f"{kind} {doc.invoice_number} from {doc.supplier.name} was received before: "
                    f"{_describe(same_number)}. This copy will not be paid.",
                    "invoice_number",
                )
            ]
    if doc.total is not None and doc.issue_date is not None and not doc.duplicate_dismissed:
        window = duplicate_window_days()
        near = candidates.filter(
            total=doc.total,
            issue_date__range=(doc.issue_date - timedelta(days=window), doc.issue_date + timedelta(days=window)),
        ).first()
        if near is not None:
            return near, [
                problem(
                    IntakeCode.DUPLICATE_AMOUNT,
                    f"{doc.supplier.name} sent an invoice of the same amount ({doc.total} {doc.currency}) dated within "
                    f"{window} days of this one: {_describe(near)}, invoice number {near.invoice_number or 'unknown'}. "
                    "It is held as a duplicate; if it is a separate invoice, mark it as not a duplicate.",
                    "total",
                )
            ]
    return None, []


def _credit(doc: SupplierDocument) -> list[dict[str, str]]:
    """Link a credit note (or a corrective invoice) to the invoice it credits (BG-3 BillingReference)."""
    doc.credits = None
    number = doc.credited_invoice_number.strip()
    if not number:
        if doc.is_credit_note:
            return [
                problem(
                    IntakeCode.CREDIT_NO_REFERENCE,
                    "The credit note does not say which invoice it credits. Find the invoice and note it before coding.",
                    "",
                    "warning",
                )
            ]
        return []
    if doc.supplier_id is None:
        return []
    credited = (
        SupplierDocument.objects.filter(
            company_id=doc.company_id, supplier_id=doc.supplier_id, is_credit_note=False, invoice_number__iexact=number
        )
        .exclude(pk=doc.pk)
        .exclude(state__in=(DocumentState.REJECTED, DocumentState.DUPLICATE))
        .order_by("pk")
        .first()
    )
    if credited is not None:
        doc.credits = credited
        verb = "Credits" if doc.is_credit_note else "Refers to"
        return [
            problem(
                IntakeCode.CREDIT_LINKED,
                f"{verb} invoice {number} ({_describe(credited)}).",
                "",
                "info",
            )
        ]
    if doc.is_credit_note:
        message, severity = (
            f"It credits invoice {number}, which has not been received from {doc.supplier.name}.",
            "warning",
        )
    else:
        message, severity = (
            f"It refers to invoice {number}, which has not been received from {doc.supplier.name}.",
            "info",
        )
    return [problem(IntakeCode.CREDIT_UNMATCHED, message, "", severity)]


def _link_waiting_credit_notes(invoice: SupplierDocument) -> None:
    """A credit note that came before the invoice it credits is linked when the invoice arrives."""
    waiting = (
        SupplierDocument.objects.filter(
            company_id=invoice.company_id,
            supplier_id=invoice.supplier_id,
            credits__isnull=True,
            credited_invoice_number__iexact=invoice.invoice_number,
        )
        .exclude(pk=invoice.pk)
        .exclude(state__in=(DocumentState.REJECTED, DocumentState.DUPLICATE, *PENDING))
    )
    for note in waiting:
        note.credits = invoice
        note.problems = [p for p in note.problems if p.get("code") != IntakeCode.CREDIT_UNMATCHED] + [
            problem(
                IntakeCode.CREDIT_LINKED,
                f"Credits invoice {invoice.invoice_number} ({_describe(invoice)}).",
                "",
                "info",
            )
        ]
        note.save(update_fields=["credits", "problems", "updated_at"])


__all__ = ["PENDING", "confidence_threshold", "duplicate_window_days", "run_checks"]
