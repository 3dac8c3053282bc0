"""``fakturaflyt dunning``: the reminder run on demand (issue 8 point 5).

``dunning run --company ORGNR --date DATE [--dry-run] [--json] [--user EMAIL]`` sends every
reminder, courtesy notice and inkassovarsel due on DATE that was not sent before (idempotent:
a second run on the same date sends nothing). With ``--json``::

    {"date": "2026-03-15", "dry_run": false,
     "notices": [{"invoice": 10001, "customer": "Kunde AS", "step": "reminder_fee",
                  "fee": "37.50", "interest": "23.01", "deadline": "2026-03-29",
                  "channel": "email", "email": "faktura@kunde.no", "reason": "14 days overdue ..."}],
     "skipped": [{"invoice": 10002, "reason": "disputed by the customer", "code": "FF-DUN-DISPUTED"}],
     "ready_for_collection": [...same shape as notices, step "handover"...]}

``--dry-run`` sends and posts nothing and prints what would be sent. Exit codes: 0 done;
2 usage or system error (bad date, unknown company or user).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

dunning_app = typer.Typer(help="Reminders, collection notices and handover to collection.", no_args_is_help=True)


@dunning_app.callback()
def _group() -> None:
    """Reminders (purring), inkassovarsel and handover to collection."""


@dunning_app.command("run")
def run(
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    on: Annotated[str, typer.Option("--date", help="The run date (YYYY-MM-DD).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="E-mail of the user the run is made by (default: the system).")
    ] = None,
) -> None:
    """Send the reminders due on --date, once (a second run sends nothing new)."""
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.companies.roles import Perm

    day = cli.run_date(on, as_json)
    the_company = cli._company(company)
    actor = cli.acting_user(user, the_company, Perm.MANAGE_RECEIVABLES, as_json)

    from fakturaflyt.dunning import services

    data = services.run(the_company, day, actor, dry_run=dry_run).as_dict()
    if as_json:
        cli.emit_json(data)
    else:
        _print(data)


def _print(data: dict[str, Any]) -> None:
    console = Console()
    title = f"Dunning run {data['date']}" + (" (dry run)" if data["dry_run"] else "")
    table = Table(title=title)
    for col in ("Invoice", "Customer", "Step", "Fee", "Interest", "Deadline", "Channel", "E-mail"):
        table.add_column(col, justify="right" if col in ("Invoice", "Fee", "Interest") else "left")
    for n in data["notices"]:
        table.add_row(
            str(n["invoice"]),
            n["customer"],
            n["step"],
            n["fee"],
            n["interest"],
            n["deadline"] or "",
            n["channel"],
            n["email"],
        )
    console.print(table)
    verb = "would be sent" if data["dry_run"] else "sent"
    console.print(f"{len(data['notices'])} {verb}, {len(data['skipped'])} skipped.")
    for s in data["skipped"]:
        console.print(f"  invoice {s['invoice']}: {s['reason']}")
    for r in data["ready_for_collection"]:
        console.print(f"  invoice {r['invoice']} ({r['customer']}) is ready for collection: {r['reason']}")
