"""``fakturaflyt invoices``: customer invoices (issue 7 point 7): list, one as EHF XML, one as PDF.

``invoices list --company ORGNR [--json]`` lists the company's invoices and credit notes, issued
ones by number, then the drafts. With ``--json`` a JSON array, one object per document::

    {"number": 10001 | null, "document_type": "invoice" | "credit_note", "customer": "Kunde AS",
     "issue_date": "2026-03-02" | null, "due_date": "2026-03-12" | null, "total": "18676.11",
     "currency": "NOK", "kid": "0004200100016", "status": "sent", "channel": "ehf"}

``number`` is null for a draft; amounts are strings in the invoice currency; ``status`` is what the
accountant sees (draft, issued, sent, delivered, send_failed, paid, overdue, credited) on
today's date in Oslo; ``kid`` is "" when the document has none (drafts, credit notes).

``invoices ehf NUMBER --company ORGNR -o FILE`` writes the EHF (Peppol BIS Billing 3.0) of an
issued invoice or credit note: the archived copy when it was sent, else built now.
``invoices pdf NUMBER --company ORGNR -o FILE`` writes its PDF.

Exit codes (DESIGN.md section 5): 0 done; 1 no such invoice, or it cannot be made (problems
listed); 2 usage or system error (unknown company, unwritable file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

invoices_app = typer.Typer(help="Customer invoices: list, EHF, PDF.", no_args_is_help=True)

CompanyOpt = Annotated[str, typer.Option("--company", help="The company's org.nr.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
OutOpt = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


@invoices_app.callback()
def _group() -> None:
    """Customer invoices (utgående fakturaer): list, EHF, PDF."""


def _setup() -> Any:
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    return cli


def invoice_json(invoice: Any, today: Any) -> dict[str, Any]:
    """One invoice as ``invoices list --json`` prints it."""
    return {
        "number": invoice.number,
        "document_type": invoice.document_type,
        "customer": invoice.buyer_name or invoice.customer.name,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "total": str(invoice.total),
        "currency": invoice.currency,
        "kid": invoice.kid,
        "status": invoice.display_status(today),
        "channel": invoice.channel,
    }


@invoices_app.command("list")
def list_invoices(company: CompanyOpt, as_json: JsonOpt = False) -> None:
    """The company's invoices and credit notes (issued by number, then drafts)."""
    cli = _setup()
    from django.db.models import F
    from django.utils import timezone

    from fakturaflyt.receivables.models import SalesInvoice

    the_company = cli._company(company)
    today = timezone.localdate()
    invoices = (
        SalesInvoice.objects.filter(company=the_company)
        .select_related("customer")
        .order_by(F("number").asc(nulls_last=True), "pk")
    )
    rows = [invoice_json(inv, today) for inv in invoices]
    if as_json:
        cli.emit_json(rows)
        return
    table = Table(title=f"Invoices of {the_company.name}")
    for column in ("Number", "Type", "Customer", "Date", "Due", "Total", "KID", "Status", "Channel"):
        table.add_column(
            column, justify="right" if column in ("Number", "Total") else "left", no_wrap=column in ("Number", "KID")
        )
    for r in rows:
        table.add_row(
            str(r["number"] or "-"),
            "credit note" if r["document_type"] == "credit_note" else "invoice",
            r["customer"],
            r["issue_date"] or "",
            r["due_date"] or "",
            f"{r['total']} {r['currency']}",
            r["kid"],
            r["status"],
            r["channel"],
        )
    Console().print(table)


def _invoice(cli: Any, company: str, number: int) -> Any:
    from fakturaflyt.receivables.error_codes import InvoiceCode
    from fakturaflyt.receivables.models import SalesInvoice

    the_company = cli._company(company)
    invoice = (
        SalesInvoice.objects.filter(company=the_company, number=number).select_related("company", "customer").first()
    )
    if invoice is None:
        message = f"{the_company.name} has no invoice or credit note number {number}."
        cli.fail(message, 1, [{"code": InvoiceCode.NOT_FOUND, "message": message, "location": "NUMBER"}])
    return invoice


def _write(cli: Any, path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        cli.fail(f"Cannot write {path}: {exc.strerror or exc}", 2)
    Console(stderr=True).print(f"Wrote {path} ({len(data):,} bytes).")


@invoices_app.command("ehf")
def ehf(number: int, company: CompanyOpt, output: OutOpt) -> None:
    """Write invoice NUMBER as EHF XML (the archived copy when it was sent)."""
    cli = _setup()
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.payables import storage
    from fakturaflyt.receivables import ehf as ehf_module

    invoice = _invoice(cli, company, number)
    try:
        data = storage.read(invoice.ehf_file) if invoice.ehf_file_id else ehf_module.ehf_bytes(invoice)
    except FakturaflytError as exc:
        cli.fail(f"Invoice {number} cannot be written as EHF.", 1, [p.as_dict() for p in exc.problems])
    except OSError as exc:
        cli.fail(f"The archived EHF of invoice {number} cannot be read: {exc}", 2)
    _write(cli, output, data)


@invoices_app.command("pdf")
def pdf(number: int, company: CompanyOpt, output: OutOpt) -> None:
    """Write invoice NUMBER as PDF."""
    cli = _setup()
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.receivables import pdf as pdf_module

    invoice = _invoice(cli, company, number)
    try:
        data = pdf_module.render_pdf(invoice)
    except FakturaflytError as exc:
        cli.fail(f"Invoice {number} cannot be rendered as PDF.", 1, [p.as_dict() for p in exc.problems])
    _write(cli, output, data)
