"""``fakturaflyt billing``: the billing run on demand (issue 7 point 7).

``billing run --company ORGNR --date DATE [--json] [--dry-run] [--no-send] [--user EMAIL]``
makes (issues and sends) every customer invoice due on DATE from orders, time entries,
contracts and subscriptions that is not made yet. It is idempotent: a second run on the same
date makes nothing. With ``--json``::

    {"date": "2026-03-01",
     "created": [{"number", "document_type", "customer", "source", "source_key", "total", "kid"}],
     "skipped": 3,            # invoices already made for what is due by DATE
     "problems": [{"code", "message", "source"}]}

``--dry-run`` makes nothing and prints the same shape, with ``created`` listing what would be
made (``number`` and ``kid`` null) and ``"dry_run": true``.

Exit codes: 0 done (also with problems in some sources: they are listed); 1 nothing could be
made because every due source had a problem; 2 usage or system error (bad date, unknown
company or user).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

billing_app = typer.Typer(
    help="Billing: invoices due from orders, time, contracts and subscriptions.", no_args_is_help=True
)

CompanyOpt = Annotated[str, typer.Option("--company", help="The company's org.nr.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@billing_app.callback()
def _group() -> None:
    """Billing (fakturering): the billing run of orders, time, contracts and subscriptions."""


def _setup() -> Any:
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    return cli


@billing_app.command("run")
def run(
    company: CompanyOpt,
    on: Annotated[str, typer.Option("--date", help="The run date (YYYY-MM-DD): bill what is due by then.")],
    as_json: JsonOpt = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be made; make nothing.")] = False,
    send: Annotated[bool, typer.Option("--send/--no-send", help="Send the invoices in their channels.")] = True,
    user: Annotated[
        str | None, typer.Option("--user", help="E-mail of the user the run is made by (default: the system).")
    ] = None,
) -> None:
    """Make the invoices due on --date, once (a second run makes nothing new)."""
    cli = _setup()
    from fakturaflyt.companies.roles import Perm

    day = cli.run_date(on, as_json)
    the_company = cli._company(company)
    actor = cli.acting_user(user, the_company, Perm.MANAGE_RECEIVABLES, as_json)

    from fakturaflyt.billing import services

    if dry_run:
        planning = services.plan(the_company, day)
        data: dict[str, Any] = {
            "date": day.isoformat(),
            "dry_run": True,
            "created": [
                {
                    "number": None,
                    "document_type": "credit_note" if p.is_credit_note else "invoice",
                    "customer": p.customer.name,
                    "source": p.source,
                    "source_key": p.source_key,
                    "total": str(p.total),
                    "kid": None,
                }
                for p in planning.invoices
            ],
            "skipped": planning.skipped,
            "problems": [pr.as_dict() for pr in planning.problems],
        }
    else:
        data = services.run(the_company, day, actor, send=send).as_dict()
    failed = bool(data["problems"]) and not data["created"] and not data["skipped"]
    if as_json:
        cli.emit_json(data)
    else:
        _print(data)
    if failed:
        raise typer.Exit(1)


def _print(data: dict[str, Any]) -> None:
    console = Console()
    title = f"Billing run {data['date']}" + (" (dry run)" if data.get("dry_run") else "")
    table = Table(title=title)
    for col in ("Number", "Customer", "Source", "Key", "Total", "KID"):
        table.add_column(col, justify="right" if col in ("Number", "Total") else "left")
    for c in data["created"]:
        table.add_row(str(c["number"] or ""), c["customer"], c["source"], c["source_key"], c["total"], c["kid"] or "")
    console.print(table)
    console.print(f"{len(data['created'])} made, {data['skipped']} already made before.")
    for p in data["problems"]:
        console.print(f"[red]{p['code']}[/red] {p['source']}: {p['message']}")
