"""``fakturaflyt export``: the voucher journal to accounting systems (issue 10).

* ``export journal --company ORGNR [--from D] [--to D] [--series S] [--layout standard|excel-no|NAME|FILE.json]
  [--new-only] [--mark --user EMAIL] -o FILE [--json]`` writes the voucher journal CSV (streamed).
  ``--new-only`` leaves out vouchers exported to CSV before; ``--mark`` records the written ones as
  exported (needs ``--user`` with ``post_voucher``). With ``--json`` it prints
  ``{"file", "layout", "rows", "vouchers", "debit", "credit", "marked"}`` (amounts as strings).
* ``export systems --company ORGNR [--json]``: ``{"systems": [{"system", "title", "status":
  "configured"|"not configured", "missing", "fields", "sent", "failed", "pending"}]}``; secret
  fields are shown masked (``fields[].shown``), never in clear.
* ``export push --company ORGNR --system tripletex|fiken|poweroffice --user EMAIL [--dry-run] [--json]``
  sends every voucher not sent yet: ``{"system", "dry_run", "sent": [{"voucher", "status",
  "external_id", "problems"}], "failed": [...], "already_sent"}``; with ``--dry-run`` nothing is sent
  or looked up and ``requests`` lists each request (method, url, headers without secrets, body).

Exit codes: 0 done; 1 refused (not configured ``FF-EXPORT-NOT-CONFIGURED``, keys refused
``FF-EXPORT-AUTH``, a voucher failed, a bad layout ``FF-CSV-LAYOUT``; problems listed; the
user's role forbids it); 2 usage or system error (unknown company, user or system, unreadable
layout file, unwritable output).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

export_app = typer.Typer(
    help="Export posted vouchers to an accounting system (CSV journal, Tripletex, Fiken, PowerOffice GO).",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CompanyOpt = Annotated[str, typer.Option("--company", help="The company's org.nr.")]


@export_app.callback()
def _group() -> None:
    """Export posted vouchers to an accounting system (CSV journal, Tripletex, Fiken, PowerOffice GO)."""


def _layout(company: Any, value: str, as_json: bool) -> Any:
    from fakturaflyt import cli
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.integrations import services

    try:
        if value.endswith(".json"):
            try:
                data = json.loads(Path(value).read_text(encoding="utf-8"))
            except OSError as exc:
                cli.fail(f"Cannot read {value}: {exc.strerror}", 2, as_json=as_json)
            except ValueError as exc:
                cli.fail(f"{value} is not JSON: {exc}", 1, as_json=as_json)
            return services.resolve_layout(company, data)
        return services.resolve_layout(company, value)
    except FakturaflytError as exc:
        cli.fail("The layout is not valid.", 1, [p.as_dict() for p in exc.problems], as_json)


@export_app.command("journal")
def export_journal(
    company: CompanyOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="The CSV file to write.")],
    date_from: Annotated[str | None, typer.Option("--from", help="First voucher date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last voucher date (YYYY-MM-DD).")] = None,
    series: Annotated[str | None, typer.Option("--series", help="Only this voucher series.")] = None,
    layout: Annotated[
        str, typer.Option("--layout", help="standard, excel-no, a stored layout's name, or FILE.json.")
    ] = "standard",
    new_only: Annotated[bool, typer.Option("--new-only", help="Only vouchers not exported to CSV before.")] = False,
    mark: Annotated[bool, typer.Option("--mark", help="Record the written vouchers as exported.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="E-mail of the user (needed with --mark).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the voucher journal (one row per posted line) as CSV."""
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.core.journal_csv import write_journal
    from fakturaflyt.integrations import services

    start, end = cli.option_date(date_from, "--from", as_json), cli.option_date(date_to, "--to", as_json)
    the_company = cli._company(company)
    if mark and not user:
        cli.fail("--mark needs --user (a user who may post vouchers).", 2, as_json=as_json)
    actor = cli.acting_user(user, the_company, Perm.POST_VOUCHER if mark else Perm.VIEW_LEDGER, as_json)
    the_layout = _layout(the_company, layout, as_json)
    f = services.JournalFilter(start, end, series, services.CSV if new_only else None)
    stats = {"rows": 0, "vouchers": set(), "debit": Decimal("0.00"), "credit": Decimal("0.00")}

    def counted(rows: Any) -> Any:
        for r in rows:
            stats["rows"] += 1
            stats["vouchers"].add(r.voucher)
            stats["debit"] += r.debit
            stats["credit"] += r.credit
            yield r

    marked = 0
    if mark:
        ids = list(services.vouchers(the_company, f).values_list("pk", flat=True))
        rows = services._rows_of(the_company, ids)
    else:
        rows = services.journal_rows(the_company, f)
    try:
        with output.open("wb") as out:
            for chunk in write_journal(counted(rows), the_layout):
                out.write(chunk)
    except OSError as exc:
        cli.fail(f"Cannot write {output}: {exc.strerror}", 2, as_json=as_json)
    if mark:
        from django.db import transaction

        from fakturaflyt.ledger import audit

        with transaction.atomic():
            marked = services.mark_exported(the_company, ids, services.CSV, actor)
            audit.record(the_company, actor, "export.journal_csv", None, vouchers=marked, layout=the_layout.name)
    doc = {
        "file": str(output),
        "layout": the_layout.name,
        "rows": stats["rows"],
        "vouchers": len(stats["vouchers"]),
        "debit": str(stats["debit"]),
        "credit": str(stats["credit"]),
        "marked": marked,
    }
    if as_json:
        cli.emit_json(doc)
        return
    Console(soft_wrap=True).print(
        f"{output}: {doc['rows']} lines of {doc['vouchers']} vouchers (debit {doc['debit']}, credit {doc['credit']}), "
        f"layout {doc['layout']}" + (f"; {marked} marked as exported" if mark else ""),
        highlight=False,
    )


@export_app.command("systems")
def export_systems(company: CompanyOpt, as_json: JsonOpt = False) -> None:
    """Tripletex, Fiken and PowerOffice GO: configured or not, and how many vouchers were sent."""
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.integrations import services

    the_company = cli._company(company)
    doc = {"systems": [s.as_dict() for s in services.statuses(the_company)]}
    if as_json:
        cli.emit_json(doc)
        return
    table = Table(title=f"{the_company.name}: accounting systems")
    for column in ("System", "Status", "Missing", "Sent", "Failed", "Not sent"):
        table.add_column(column)
    for s in doc["systems"]:
        table.add_row(
            s["title"], s["status"], ", ".join(s["missing"]), str(s["sent"]), str(s["failed"]), str(s["pending"])
        )
    Console().print(table)


@export_app.command("push")
def export_push(
    company: CompanyOpt,
    system: Annotated[str, typer.Option("--system", help="tripletex, fiken or poweroffice.")],
    user: Annotated[str, typer.Option("--user", help="E-mail of the user sending (needs post_voucher).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the requests; send nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Send every posted voucher not sent yet to the system (a voucher sent before is never sent again)."""
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.core import accounting_systems
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.integrations import services, transport

    if system not in accounting_systems.REGISTRY:
        cli.fail(f"--system {system!r}: one of {', '.join(accounting_systems.REGISTRY)}.", 2, as_json=as_json)
    the_company = cli._company(company)
    actor = cli.acting_user(user, the_company, Perm.POST_VOUCHER, as_json)
    try:
        result = services.push(
            the_company, system, actor, transport=None if dry_run else transport.default(), dry_run=dry_run
        )
    except FakturaflytError as exc:
        cli.fail(str(exc.problems[0].message), 1, [p.as_dict() for p in exc.problems], as_json)
    doc = result.as_dict()
    if as_json:
        cli.emit_json(doc)
    else:
        console = Console(soft_wrap=True)
        if dry_run:
            for r in doc["requests"]:
                console.print(json.dumps(r, ensure_ascii=False, indent=2), highlight=False)
        verb = "would send" if dry_run else "sent"
        console.print(
            f"{len(doc['sent'])} {verb}, {len(doc['failed'])} failed, {doc['already_sent']} sent before.",
            highlight=False,
        )
        for r in doc["failed"]:
            for p in r["problems"]:
                console.print(f"[red]{r['voucher']}[/red] {p['code']}: {p['message']}", highlight=False)
    if doc["failed"]:
        raise typer.Exit(1)
