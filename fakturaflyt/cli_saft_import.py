"""``fakturaflyt saft import``: take over the chart of accounts and opening balances from a SAF-T file (issue 10).

``fakturaflyt saft import FILE --company ORGNR --user EMAIL [--use opening|closing]
[--date YYYY-MM-DD] [--difference-account ACCOUNT] [--force-orgnr] [--dry-run] [--json]``

reads another system's SAF-T Financial file (1.30, or 1.10/1.20) and, unless ``--dry-run``,
creates the accounts, customers and suppliers the company lacks and posts ONE opening-balance
voucher (series IB, else GL) dated the file's first day (``--use opening``), the day after its
last day (``--use closing``) or ``--date``. See :mod:`fakturaflyt.ledger.saft_import`. The file
is stored before it is read, also when refused; importing the same balances twice never posts
twice. With ``--json`` the report::

    {"ok": true, "import_id", "filename", "sha256", "status": "previewed"|"posted", "dry_run", "posted",
     "use", "version", "software", "file_company": {"orgnr", "name"}, "period": {"start", "end"},
     "voucher_date", "series", "voucher" (e.g. "GL 2026-1", null in a dry run), "transactions",
     "counts": {"accounts_created", "accounts_kept", "accounts_named_differently", "accounts_skipped",
                "customers_created", "customers_found", "suppliers_created", "suppliers_found",
                "tax_codes_mapped", "tax_codes_unmapped", "lines"},
     "accounts": [{"number", "name", "action": "create"|"created"|"kept"|"skipped", "existing_name",
                   "name_differs", "standard_account", "grouping_category", "grouping_code", "balance"}],
     "partners": [{"kind": "customer"|"supplier", "file_id", "name", "orgnr",
                   "action": "create"|"created"|"found", "number", "balance"}],
     "tax_codes": [{"code", "description", "standard_tax_code", "percentage", "vat_code"}],
     "lines": [{"account", "account_name", "partner": {"kind", "name", "number"}|null, "description",
                "debit", "credit"}],
     "totals": {"debit", "credit"},
     "problems": [{"code", "message", "location", "severity": "fatal"|"warning"}]}

A refusal prints ``{"ok": false, "message", "problems", "report"}`` (``report`` as above, with
what could be read). Amounts are strings with two decimals, balances signed (debit positive).

Exit codes: 0 imported or previewed; 1 refused (``FF-SAFT-*``/``FF-XML-*`` problems listed: not
SAF-T Financial, unsupported version, another org.nr without ``--force-orgnr``, balances that
do not sum to zero without ``--difference-account``, already imported for that date), or the
user may not post vouchers; 2 the file cannot be read, unknown company or user, a bad option,
or the database is not migrated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

_console = Console(stderr=True)


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _print_report(report: dict[str, Any]) -> None:
    out = Console()
    counts = report["counts"]
    company = report["file_company"]
    out.print(
        f"{report['filename']}: SAF-T {report['version']} for {company['name']} ({company['orgnr']}), "
        f"period {report['period']['start']} – {report['period']['end']}",
        highlight=False,
    )
    out.print(
        f"Accounts: {counts['accounts_created']} new, {counts['accounts_kept']} kept "
        f"({counts['accounts_named_differently']} named differently), {counts['accounts_skipped']} left out. "
        f"Customers: {counts['customers_created']} new, {counts['customers_found']} found. "
        f"Suppliers: {counts['suppliers_created']} new, {counts['suppliers_found']} found. "
        f"Tax codes: {counts['tax_codes_mapped']} mapped, {counts['tax_codes_unmapped']} without a VAT code here.",
        highlight=False,
    )
    if report["lines"]:
        table = Table(title=f"Opening balances {report['voucher_date']} ({report['voucher'] or 'preview'})")
        for column in ("Account", "Name", "Partner", "Debit", "Credit"):
            table.add_column(column, justify="right" if column in ("Debit", "Credit") else "left")
        for ln in report["lines"]:
            partner = ln["partner"]["name"] if ln["partner"] else ""
            debit = ln["debit"] if ln["debit"] != "0.00" else ""
            credit = ln["credit"] if ln["credit"] != "0.00" else ""
            table.add_row(ln["account"], ln["account_name"], partner, debit, credit)
        table.add_row("", "Total", "", report["totals"]["debit"], report["totals"]["credit"])
        out.print(table)
    for p in report["problems"]:
        _console.print(f"[yellow]{p['code']}[/yellow]: {p['message']}", highlight=False)
    if report["dry_run"]:
        out.print("Dry run: nothing was created or posted.")
    elif report["voucher"]:
        out.print(f"Posted as voucher {report['voucher']}.")


def saft_import(
    file: Annotated[Path, typer.Argument(help="The SAF-T Financial XML file of the old accounting system.")],
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    user: Annotated[str, typer.Option("--user", help="E-mail of the user importing (needs post_voucher).")],
    use: Annotated[
        str, typer.Option("--use", help="opening: the file's opening balances; closing: its closing balances.")
    ] = "opening",
    on: Annotated[
        str | None,
        typer.Option("--date", help="Date of the opening-balance voucher (default: from the file's period)."),
    ] = None,
    difference_account: Annotated[
        str | None,
        typer.Option("--difference-account", help="Account that takes the difference when the file does not balance."),
    ] = None,
    force_orgnr: Annotated[
        bool, typer.Option("--force-orgnr", help="Import even when the file is for another org.nr.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and report only; create and post nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a SAF-T Financial file as the chart of accounts and opening balances (see docs/cli.md)."""
    from fakturaflyt import cli

    if use not in ("opening", "closing"):
        cli.fail("--use must be opening or closing.", 2, as_json=as_json)
    try:
        data = file.read_bytes()
    except OSError as exc:
        cli.fail(f"Cannot read {file}: {exc.strerror}", 2, as_json=as_json)
    as_of = cli.run_date(on, as_json) if on else None
    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.ledger import saft_import as service

    target = cli._company(company)
    actor = cli.acting_user(user, target, Perm.POST_VOUCHER, as_json)
    if actor is None:
        cli.fail("--user is required.", 2, as_json=as_json)
    try:
        report = service.import_opening_balances(
            target,
            data,
            filename=file.name,
            actor=actor,
            as_of=as_of,
            use="closing" if use == "closing" else "opening",
            dry_run=dry_run,
            difference_account=difference_account,
            force_orgnr=force_orgnr,
        )
    except service.SaftImportError as exc:
        problems = [p.as_dict() for p in exc.problems]
        if as_json:
            _emit({"ok": False, "message": f"{file}: refused", "problems": problems, "report": exc.report.as_dict()})
            raise typer.Exit(1) from None
        cli.fail(f"{file}: refused; nothing was created or posted (the file is kept).", 1, problems)
    result = report.as_dict()
    if as_json:
        _emit({"ok": True, **result})
    else:
        _print_report(result)
