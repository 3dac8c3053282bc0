"""``fakturaflyt payments``: payment proposals, their pain.001 files and the bank's answers (issue 6 point 7).

``payments propose --company ORGNR --until DATE [--approve --user EMAIL] [--json]`` creates a
proposal of the approved, unpaid supplier invoices due on or before DATE. With ``--json``::

    {"id", "number", "status", "count", "total",
     "payments": [{"document", "supplier", "invoice_number", "amount", "currency", "due_date",
                   "requested_date", "kid", "message", "creditor_account"}],
     "held": [{"document", "supplier", "invoice_number", "amount", "currency", "due_date", "code", "reason"}]}

``--approve`` approves the run in the same step, for a scheduled (automated) run: ``--user``
names a user with payment rights, who proposes and approves it. This is the one exception to
"the proposer may not approve": the unattended run has no second person, and the user's
payment rights are checked all the same.

``payments export RUN --company ORGNR -o FILE [--format pain.001.001.09|pain.001.001.03]``
writes the file of an approved run (RUN is the run's number in the company).
``payments import FILE --company ORGNR [--json]`` reads a pain.002 or camt.054/053 file.

Exit codes: 0 done (also "nothing due": ``count`` 0 and ``id`` null); 1 refused (a run not
approved, a file that is not a bank status file, ...) with the problem; 2 usage or system error.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

payments_app = typer.Typer(help="Payments out: proposals, pain.001 files, bank status.", no_args_is_help=True)

CompanyOpt = Annotated[str, typer.Option("--company", help="The company's org.nr.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@payments_app.callback()
def _group() -> None:
    """Payments out (betalinger): proposals, pain.001 files, bank status."""


def _setup() -> Any:
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    return cli


def _user(cli: Any, email: str | None, as_json: bool) -> Any:
    if not email:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        cli.fail(f"No user {email}.", 2, as_json=as_json)
    return user


def run_json(run: Any) -> dict[str, Any]:
    """The run as ``payments propose --json`` prints it (and the API returns it)."""
    payments = list(run.payments.select_related("supplier", "document").order_by("requested_date", "pk"))
    live = [p for p in payments if p.status != "cancelled"]
    return {
        "id": run.pk,
        "number": run.number,
        "status": run.status,
        "until": run.until.isoformat(),
        "count": len(live),
        "total": str(sum((p.amount for p in live), Decimal("0.00"))),
        "payments": [
            {
                "document": p.document_id,
                "supplier": p.supplier.name,
                "invoice_number": p.document.invoice_number,
                "amount": str(p.amount),
                "currency": p.currency,
                "due_date": p.due_date.isoformat(),
                "requested_date": p.requested_date.isoformat(),
                "kid": p.kid,
                "message": p.message,
                "creditor_account": p.creditor_account or p.creditor_iban,
                "status": p.status,
                "end_to_end_id": p.end_to_end_id,
                "warning": p.warning,
            }
            for p in payments
        ],
        "held": run.held,
    }


def _problems(exc: Any) -> list[dict[str, str]]:
    return [p.as_dict() for p in exc.problems]


@payments_app.command("propose")
def propose(
    company: CompanyOpt,
    until: Annotated[str, typer.Option("--until", help="Pay invoices due on or before this date (YYYY-MM-DD).")],
    approve: Annotated[
        bool, typer.Option("--approve", help="Approve the run at once (automated run; needs --user).")
    ] = False,
    user: Annotated[str | None, typer.Option("--user", help="E-mail of the user who proposes (and approves).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose a payment run of the approved, unpaid supplier invoices due on or before --until."""
    cli = _setup()
    from fakturaflyt.companies.permissions import NotAllowed
    from fakturaflyt.payments import services
    from fakturaflyt.payments.error_codes import PaymentCode, PaymentError

    try:
        horizon = date.fromisoformat(until)
    except ValueError:
        cli.fail(f"--until {until!r} is not a date (YYYY-MM-DD).", 2, as_json=as_json)
    if approve and not user:
        cli.fail("--approve needs --user: the user with payment rights who approves the run.", 2, as_json=as_json)
    the_company = cli._company(company)
    actor = _user(cli, user, as_json)
    if actor is not None:
        from fakturaflyt.companies.permissions import require
        from fakturaflyt.companies.roles import Perm

        try:
            require(actor, the_company, Perm.MANAGE_PAYMENTS)
        except NotAllowed as exc:
            cli.fail(str(exc), 1, [{"code": exc.code, "message": str(exc), "location": "--user"}], as_json)
    try:
        run = services.propose(the_company, horizon, actor)
        if approve:
            run = services.approve_run(run, actor, automated=True)
    except PaymentError as exc:
        if exc.code == PaymentCode.NOTHING_DUE:
            if as_json:
                cli.emit_json({"id": None, "count": 0, "total": "0.00", "payments": [], "held": []})
            else:
                Console(stderr=True).print(exc.message)
            return
        cli.fail(exc.message, 1, _problems(exc), as_json)
    data = run_json(run)
    if as_json:
        cli.emit_json(data)
        return
    table = Table(
        title=f"Payment run {run.number} ({run.get_status_display()}): {data['count']} payments, {data['total']}"
    )
    for col in ("due", "pay on", "supplier", "invoice", "amount", "KID / message", "account"):
        table.add_column(col)
    for p in data["payments"]:
        table.add_row(
            p["due_date"],
            p["requested_date"],
            p["supplier"],
            p["invoice_number"],
            f"{p['amount']} {p['currency']}",
            p["kid"] or p["message"],
            p["creditor_account"],
        )
    Console().print(table)
    for h in data["held"]:
        Console().print(f"[yellow]held[/yellow] {h['supplier']} {h['invoice_number']}: {h['reason']}")


@payments_app.command("export")
def export(
    run: Annotated[int, typer.Argument(help="The run's number in the company.")],
    company: CompanyOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the pain.001 XML.")],
    fmt: Annotated[
        str, typer.Option("--format", help="pain.001.001.09 (default) or pain.001.001.03.")
    ] = "pain.001.001.09",
) -> None:
    """Write the pain.001 file of an approved payment run."""
    cli = _setup()
    from fakturaflyt.payments import services
    from fakturaflyt.payments.error_codes import PaymentError
    from fakturaflyt.payments.models import PaymentFormat, PaymentRun

    if fmt not in PaymentFormat.values:
        cli.fail(f"--format must be one of {', '.join(PaymentFormat.values)}.", 2)
    the_company = cli._company(company)
    the_run = PaymentRun.objects.filter(company=the_company, number=run).first()
    if the_run is None:
        cli.fail(f"No payment run {run} in {the_company.name}.", 1)
    try:
        data = services.export_run(the_run, fmt)
    except PaymentError as exc:
        cli.fail(exc.message, 1, _problems(exc))
    try:
        output.write_bytes(data)
    except OSError as exc:
        cli.fail(f"Cannot write {output}: {exc.strerror}", 2)
    count = the_run.payments.exclude(status="cancelled").count()
    Console(stderr=True).print(f"Wrote {output} ({fmt}, {count} payments, {len(data):,} bytes).")


@payments_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A pain.002 status report or a camt.054/camt.053 file.")],
    company: CompanyOpt,
    user: Annotated[
        str | None, typer.Option("--user", help="E-mail of the user importing (for the audit log).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Read the bank's pain.002 or camt.054/053: payments accepted, rejected or booked."""
    cli = _setup()
    from fakturaflyt.payments import services
    from fakturaflyt.payments.error_codes import PaymentError

    try:
        data = file.read_bytes()
    except OSError as exc:
        cli.fail(f"Cannot read {file}: {exc.strerror}", 2, as_json=as_json)
    the_company = cli._company(company)
    actor = _user(cli, user, as_json)
    try:
        summary = services.import_bank_file(the_company, data, actor, filename=file.name)
    except PaymentError as exc:
        cli.fail(exc.message, 1, _problems(exc), as_json)
    if as_json:
        cli.emit_json(summary)
        return
    Console().print(
        f"{file.name} ({summary['kind']}): {summary['accepted']} accepted, {summary['rejected']} rejected, "
        f"{summary['booked']} booked, {summary['unchanged']} unchanged, {summary['unknown']} not ours."
    )
    for row in summary["payments"]:
        if row["changed"] and row["reason"]:
            Console().print(f"  {row['invoice_number']}: {row['status']} ({row['reason']})")
