"""The ``fakturaflyt`` command (Typer). See docs/cli.md and DESIGN.md section 5.

Exit codes: 0 success, 1 the input is invalid (problems listed), 2 usage or system error.
Every command that reports data takes ``--json``; JSON amounts are strings. The database
is chosen by ``DATABASE_URL`` for every command. Commands that only read files do not
set up Django.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    name="fakturaflyt",
    help="Fakturaflyt: invoices, ledger and payments for Norwegian businesses.",
    no_args_is_help=True,
    add_completion=False,
)
companies_app = typer.Typer(help="Companies in the database.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
kid_app = typer.Typer(help="KID numbers (MOD10 / MOD11).", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
ehf_app = typer.Typer(help="EHF / Peppol BIS Billing 3.0 invoices and credit notes.", no_args_is_help=True)
app.add_typer(companies_app, name="companies")
app.add_typer(audit_app, name="audit")
app.add_typer(kid_app, name="kid")
app.add_typer(token_app, name="token")
app.add_typer(ehf_app, name="ehf")

console = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def django_setup() -> None:
    """Configure Django for commands that use the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")
    import django

    django.setup()


def require_migrated() -> None:
    """Exit 2 with a clear message when the database lacks tables or migrations."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        fail(f"Cannot open the database ({exc}). Check DATABASE_URL.", 2)
    if pending:
        fail(f"The database {connection.settings_dict['NAME']} is not up to date: run `fakturaflyt migrate` first.", 2)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 1, problems: list[dict[str, str]] | None = None, as_json: bool = False) -> NoReturn:
    if as_json:
        emit_json({"ok": False, "message": message, "problems": problems or []})
    else:
        console.print(f"[red]{message}[/red]")
        for p in problems or []:
            console.print(f"  {p['code']}: {p['message']}" + (f" ({p['location']})" if p.get("location") else ""))
    raise typer.Exit(code)


def _company(orgnr: str) -> Any:
    from fakturaflyt.companies.models import Company
    from fakturaflyt.core.errors import FormatError
    from fakturaflyt.core.identifiers import normalise_orgnr

    try:
        company = Company.objects.filter(orgnr=normalise_orgnr(orgnr)).first()
    except FormatError as exc:
        fail(str(exc), 2)
    if company is None:
        fail(f"No company with org.nr {orgnr} in this database.", 2)
    return company


def run_date(value: str, as_json: bool = False) -> Any:
    """``--date`` of a scheduled run as a date; exit 2 when it is not YYYY-MM-DD."""
    return option_date(value, "--date", as_json)


def option_date(value: str | None, option: str, as_json: bool = False) -> Any:
    """A date option (``--from``, ``--to``...) as a date, None when not given; exit 2 when not YYYY-MM-DD."""
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date (YYYY-MM-DD).", 2, as_json=as_json)


def acting_user(username: str | None, company: Any, perm: Any, as_json: bool = False) -> Any:
    """The user named by ``--user``, who must hold ``perm`` in ``company``; None (the system) when not given.

    Exit 2 for an unknown user, 1 when the user may not do this in the company.
    """
    if not username:
        return None
    from django.contrib.auth import get_user_model

    from fakturaflyt.companies.permissions import NotAllowed, require

    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        fail(f"No user {username}.", 2, as_json=as_json)
    try:
        require(actor, company, perm)
    except NotAllowed as exc:
        fail(str(exc), 1, [{"code": exc.code, "message": str(exc), "location": "--user"}], as_json)
    return actor


@app.command()
def migrate() -> None:
    """Create or update the database schema."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    console.print("Database is up to date.")


@app.command()
def demo(as_json: JsonOpt = False) -> None:
    """Load the demo company (idempotent) and print its org.nr and the demo users."""
    django_setup()
    from django.core.management import call_command

    from fakturaflyt.companies.demo import DEMO_USERS, load_demo

    call_command("migrate", interactive=False, verbosity=0)

    company = load_demo()
    users = [{"email": u.email, "password": u.password, "role": str(u.role)} for u in DEMO_USERS]
    if as_json:
        emit_json({"orgnr": company.orgnr, "name": company.name, "users": users})
        return
    table = Table(title=f"Demo: {company.name} (org.nr {company.orgnr})")
    for col in ("user (e-mail)", "password", "role"):
        table.add_column(col)
    for u in users:
        table.add_row(u["email"], u["password"], u["role"])
    Console().print(table)


@app.command()
def run(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Gunicorn worker processes (default: one per core).")] = 0,
    load_demo_data: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Load the demo company if the database is empty.")
    ] = True,
) -> None:
    """Migrate, load the demo company if the database is empty, collect static files and serve with gunicorn."""
    django_setup()
    from django.core.management import call_command

    from fakturaflyt.companies.models import Company

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if load_demo_data and not Company.objects.exists():
        demo(as_json=False)
    elif load_demo_data:
        from fakturaflyt.companies.demo import DEMO_USERS

        console.print("Demo users: " + ", ".join(f"{u.email} / {u.password}" for u in DEMO_USERS))
    n = workers or (os.cpu_count() or 1)
    console.print(f"Fakturaflyt on http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)  workers: {n}")
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
    if gunicorn is None:
        fail("gunicorn is not installed; run `make run` or `pip install -e .`", 2)
    # Replace this process with the server, so signals reach gunicorn directly.
    os.execv(  # noqa: S606
        gunicorn,
        [
            gunicorn,
            # Timeouts, metrics directory; no gunicorn access log (the request middleware logs each request).
            "--config",
            "python:fakturaflyt.monitoring.gunicorn_conf",
            "fakturaflyt.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(n),
        ],
    )


@companies_app.command("list")
def companies_list(as_json: JsonOpt = False) -> None:
    """Companies in the database: org.nr and name."""
    django_setup()
    require_migrated()
    from fakturaflyt.companies.models import Company

    rows = [{"orgnr": c.orgnr, "name": c.name} for c in Company.objects.order_by("name")]
    if as_json:
        emit_json(rows)
        return
    table = Table("org.nr", "name")
    for r in rows:
        table.add_row(r["orgnr"], r["name"])
    Console().print(table)


@companies_app.command("create")
def companies_create(
    orgnr: Annotated[str, typer.Option("--orgnr", help="The company's org.nr (9 digits, check digit).")],
    name: Annotated[str, typer.Option("--name", help="Its registered name, e.g. 'Nordlys Regnskap AS'.")],
    admin: Annotated[str, typer.Option("--admin", help="E-mail of its first administrator (created if new).")],
    as_json: JsonOpt = False,
) -> None:
    """Register a company with its books (chart of accounts, VAT codes, number series) and its first
    administrator. A new administrator's password is read from FAKTURAFLYT_ADMIN_PASSWORD, else asked
    for on a terminal, else generated and printed once."""
    django_setup()
    require_migrated()
    import secrets

    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from fakturaflyt.companies.models import Company
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member, create_company
    from fakturaflyt.core.errors import FormatError
    from fakturaflyt.core.identifiers import normalise_orgnr

    try:
        normalised = normalise_orgnr(orgnr)
    except FormatError as exc:
        fail(str(exc), 2, as_json=as_json)
    if Company.objects.filter(orgnr=normalised).exists():
        fail(f"A company with org.nr {normalised} exists already.", 1, as_json=as_json)
    users = get_user_model()
    user = users.objects.filter(username__iexact=admin).first()
    password, generated = None, False
    if user is None:
        password = os.environ.get("FAKTURAFLYT_ADMIN_PASSWORD") or None
        if password is None and sys.stdin.isatty() and not as_json:
            password = typer.prompt(f"Password for {admin}", hide_input=True, confirmation_prompt=True)
        if password is None:
            password, generated = secrets.token_urlsafe(15), True
    try:
        with transaction.atomic():
            if user is None:
                user = users.objects.create_user(admin, admin, password)
            company = create_company(None, orgnr=normalised, name=name)
            add_member(None, company, user, Role.ADMIN)
    except ValidationError as exc:
        fail("; ".join(exc.messages), 2, as_json=as_json)
    shown = password if generated else None
    result = {"ok": True, "orgnr": company.orgnr, "name": company.name, "admin": admin, "password": shown}
    if as_json:
        emit_json(result)
        return
    Console().print(f"Created {company.name} ({company.orgnr}) with administrator {admin}.")
    if shown:
        Console().print(f"Password (shown once; change it at the first login): {shown}")


@audit_app.command("verify")
def audit_verify(
    company: Annotated[str | None, typer.Option("--company", help="Org.nr; default: every company.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the hash chain; exit 1 and name every edited or deleted event."""
    django_setup()
    require_migrated()
    from fakturaflyt.companies.models import Company
    from fakturaflyt.ledger.audit import verify

    companies = [_company(company)] if company else list(Company.objects.order_by("name"))
    report = []
    for c in companies:
        problems = verify(c)
        report.append(
            {
                "orgnr": c.orgnr,
                "name": c.name,
                "events": c.audit_events.count(),
                "ok": not problems,
                "problems": [p.as_dict() for p in problems],
            }
        )
    ok = all(r["ok"] for r in report)
    if as_json:
        emit_json({"ok": ok, "companies": report})
    else:
        for r in report:
            mark = "[green]OK[/green]" if r["ok"] else "[red]TAMPERED[/red]"
            Console().print(f"{r['orgnr']} {r['name']}: {r['events']} events, {mark}")
            for p in r["problems"]:
                Console().print(f"  {p['code']} {p['location']}: {p['message']}")
    raise typer.Exit(0 if ok else 1)


@kid_app.command("make")
def kid_make(
    base: str,
    method: Annotated[str, typer.Option(help="mod10 or mod11")] = "mod10",
    length: Annotated[int | None, typer.Option(help="Total KID length (zero-padded).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add the check digit to a KID base number."""
    from fakturaflyt.core.errors import FormatError
    from fakturaflyt.core.identifiers import make_kid

    if method not in ("mod10", "mod11"):
        fail("--method must be mod10 or mod11", 2, as_json=as_json)
    try:
        kid = make_kid(base, method, length=length)  # type: ignore[arg-type]
    except FormatError as exc:
        fail(str(exc), 1, [p.as_dict() for p in exc.problems], as_json)
    if as_json:
        emit_json({"kid": kid, "method": method})
    else:
        print(kid)


@kid_app.command("check")
def kid_check(kid: str, as_json: JsonOpt = False) -> None:
    """Check a KID's check digit; prints the method it satisfies."""
    from fakturaflyt.core.errors import FormatError
    from fakturaflyt.core.identifiers import kid_method, validate_kid

    try:
        validate_kid(kid)
    except FormatError as exc:
        fail(str(exc), 1, [p.as_dict() for p in exc.problems], as_json)
    method = kid_method(kid)
    if as_json:
        emit_json({"kid": kid, "valid": True, "method": method})
    else:
        print(f"{kid}: valid ({method})")


def _user(username: str, as_json: bool) -> Any:
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.filter(username__iexact=username).first()
    if owner is None:
        fail(f"No user {username}.", 2, as_json=as_json)
    return owner


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="Username (e-mail) of the token's owner.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    as_json: JsonOpt = False,
) -> None:
    """Create a personal API token and print it once (only its hash is stored; audit-logged)."""
    django_setup()
    require_migrated()
    from fakturaflyt.security import tokens

    _, key = tokens.create(_user(user, as_json), name)
    if as_json:
        emit_json({"user": user, "name": name, "token": key})
    else:
        print(key)


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """API tokens: id, owner, name, first characters, revoked or active, last use."""
    django_setup()
    require_migrated()
    from fakturaflyt.companies.models import ApiToken

    qs = ApiToken.objects.select_related("user").order_by("pk")
    if user:
        qs = qs.filter(user=_user(user, as_json))
    rows = [
        {
            "id": t.pk,
            "user": t.user.get_username(),
            "name": t.name,
            "prefix": t.prefix,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        }
        for t in qs
    ]
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "user", "name", "token", "state", "last used")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["user"],
            r["name"],
            f"{r['prefix']}…",
            f"revoked {r['revoked_at'][:16]}" if r["revoked_at"] else "active",
            (r["last_used_at"] or "never")[:16],
        )
    Console().print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (from `fakturaflyt token list`).")],
    as_json: JsonOpt = False,
) -> None:
    """Revoke a token at once (an operator's action; audit-logged in the owner's companies)."""
    django_setup()
    require_migrated()
    from django.db import transaction
    from django.utils import timezone

    from fakturaflyt.companies.models import ApiToken
    from fakturaflyt.security import events

    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None:
        fail(f"No token {token_id}.", 2, as_json=as_json)
    if token.revoked_at is None:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
            events.record_for_user(token.user, None, events.TOKEN_REVOKED, token, name=token.name, prefix=token.prefix)
    if as_json:
        emit_json({"ok": True, "id": token.pk, "name": token.name})
    else:
        Console().print(f"Revoked token {token.pk} ({token.name}) of {token.user.get_username()}.")


def _read_file(path: Path, as_json: bool) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror}", 2, as_json=as_json)


@ehf_app.command("parse")
def ehf_parse(file: Path, as_json: JsonOpt = False) -> None:
    """Read a UBL Invoice or CreditNote into the invoice model (JSON with --json)."""
    from fakturaflyt.core.ehf.jsonio import to_dict
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.errors import FakturaflytError

    data = _read_file(file, as_json)
    try:
        invoice = read_invoice(data)
    except FakturaflytError as exc:
        fail(f"{file}: cannot be read as EHF", 1, [p.as_dict() for p in exc.problems], as_json)
    if as_json:
        emit_json(to_dict(invoice))
        return
    t = invoice.totals
    table = Table(title=f"{invoice.kind} {invoice.id} ({invoice.type_code}) of {invoice.issue_date}", show_header=False)
    table.add_row("Seller", f"{invoice.seller.registration_name}  {invoice.seller.vat_id or ''}")
    table.add_row("Buyer", invoice.buyer.registration_name)
    table.add_row("Due", str(invoice.due_date or "-"))
    table.add_row("Currency", invoice.currency + (f" (VAT in {invoice.tax_currency})" if invoice.tax_currency else ""))
    table.add_row("Lines", str(len(invoice.lines)))
    table.add_row("Net (excl. VAT)", str(t.tax_exclusive))
    table.add_row("VAT", str(invoice.tax_total if invoice.tax_total is not None else "-"))
    table.add_row("Payable", str(t.payable))
    table.add_row("KID", invoice.kid or "-")
    Console().print(table)


@ehf_app.command("write")
def ehf_write(
    model: Path,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the UBL XML.")],
) -> None:
    """Write the invoice model (JSON, as `ehf parse --json` prints it) as EHF XML."""
    from fakturaflyt.core.ehf.jsonio import invoice_from_dict
    from fakturaflyt.core.ehf.write import write_invoice
    from fakturaflyt.core.errors import FakturaflytError

    try:
        data = json.loads(_read_file(model, False))
    except json.JSONDecodeError as exc:
        fail(f"{model} is not JSON: {exc}", 1)
    try:
        xml = write_invoice(invoice_from_dict(data))
    except FakturaflytError as exc:
        fail(f"{model}: cannot be written as EHF", 1, [p.as_dict() for p in exc.problems])
    output.write_bytes(xml)
    console.print(f"Wrote {output} ({len(xml):,} bytes).")


@ehf_app.command("validate")
def ehf_validate(
    files: Annotated[list[Path], typer.Argument(help="EHF XML files.")],
    official: Annotated[
        bool, typer.Option("--official", help="Also run the official CEN and Peppol schematron.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """UBL XSD and business rules; exit 1 if any file is invalid."""
    from rich.progress import track

    from fakturaflyt.core.ehf.validate import validate

    reports = []
    iterable = (
        track(files, description="Validating", console=console, transient=True)
        if not as_json and len(files) > 3
        else files
    )
    for path in iterable:
        report = validate(_read_file(path, as_json), official=official, filename=str(path))
        reports.append(
            {
                "file": str(path),
                "valid": report.valid,
                "document_type": report.document_type,
                "customization_id": report.customization_id,
                "problems": [
                    {"rule": p.code, "severity": p.severity, "message": p.message, "location": p.location}
                    for p in report.problems
                ],
            }
        )
    if as_json:
        emit_json(reports)
    else:
        out = Console()
        for r in reports:
            mark = "[green]valid[/green]" if r["valid"] else "[red]INVALID[/red]"
            out.print(f"{r['file']}: {mark} ({r['document_type'] or '?'})")
            for p in r["problems"]:
                colour = "red" if p["severity"] == "fatal" else "yellow"
                out.print(
                    f"  [{colour}]{p['rule']}[/{colour}] {p['message']}"
                    + (f"  [dim]{p['location']}[/dim]" if p["location"] else "")
                )
    raise typer.Exit(0 if all(r["valid"] for r in reports) else 1)


def _register_apps() -> None:
    """Commands that live beside their app: ``import`` (payables intake), ``pdf`` (the PDF reader), ``coding``."""
    from fakturaflyt.payables.cli import import_paths

    app.command("import")(import_paths)
    try:
        from fakturaflyt.cli_pdf import pdf_app
    except ImportError:  # the PDF reader's command is not installed in this build
        return
    app.add_typer(pdf_app, name="pdf")


def _register_coding() -> None:
    from fakturaflyt.cli_coding import coding_app

    app.add_typer(coding_app, name="coding")


def _register_payments() -> None:
    from fakturaflyt.cli_payments import payments_app

    app.add_typer(payments_app, name="payments")


def _register_receivables() -> None:
    from fakturaflyt.cli_billing import billing_app
    from fakturaflyt.cli_invoices import invoices_app

    app.add_typer(invoices_app, name="invoices")
    app.add_typer(billing_app, name="billing")


def _register_bank_and_dunning() -> None:
    from fakturaflyt.cli_bank import bank_app
    from fakturaflyt.cli_dunning import dunning_app

    app.add_typer(bank_app, name="bank")
    app.add_typer(dunning_app, name="dunning")


def _register_cards() -> None:
    from fakturaflyt.cli_cards import cards_app

    app.add_typer(cards_app, name="cards")


def _register_rates() -> None:
    from fakturaflyt.cli_rates import rates_app

    app.add_typer(rates_app, name="rates")


def _register_books_out() -> None:
    from fakturaflyt.cli_exports import export_app
    from fakturaflyt.cli_reports import reports_app
    from fakturaflyt.cli_saft import saft_app

    app.add_typer(saft_app, name="saft")
    app.add_typer(export_app, name="export")
    app.add_typer(reports_app, name="reports")


def _register_privacy() -> None:
    from fakturaflyt.cli_privacy import privacy_app

    app.add_typer(privacy_app, name="privacy")


_register_apps()
_register_coding()
_register_payments()
_register_receivables()
_register_bank_and_dunning()
_register_cards()
_register_rates()
_register_books_out()
_register_privacy()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(2)


if __name__ == "__main__":
    main()
