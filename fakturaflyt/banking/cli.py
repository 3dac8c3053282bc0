"""``fakturaflyt bank import FILE --company ORGNR [--user EMAIL] [--json]``: import a bank file and reconcile.

Registered on :data:`fakturaflyt.cli_bank.bank_app` (importing this module registers it). With
``--json`` it prints::

    {"file", "format", "entries", "matched_automatically", "for_review",
     "duplicates_skipped", "outgoing", "problems": [{"code", "message", "location", "severity"}]}

``entries`` counts every payment of the file (a batched entry counts its transactions);
``outgoing`` the new debit entries (our own payment runs are booked from them). Importing the
same file again prints ``duplicates_skipped == entries`` and posts nothing.

Exit codes: 0 imported; 1 the file is not a valid bank file (problems listed, nothing imported
but the received file); 2 the file, company or user is missing, or the database is not ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from fakturaflyt.cli_bank import bank_app


@bank_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A camt.053/054 file or a Nets OCR giro file.")],
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    user: Annotated[
        str | None, typer.Option("--user", help="E-mail of the user importing (for the audit log).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Import a bank file: store its entries once, post payments matched with confidence, leave the rest for review."""
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.banking import services
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.core.errors import FakturaflytError

    try:
        data = file.read_bytes()
    except OSError as exc:
        cli.fail(f"Cannot read {file}: {exc.strerror}", 2, as_json=as_json)
    the_company = cli._company(company)
    actor = cli.acting_user(user, the_company, Perm.MANAGE_PAYMENTS, as_json)  # importing also books payments out
    err = Console(stderr=True)
    try:
        if as_json or not err.is_terminal:
            result = services.import_bank_file(the_company, data, actor, filename=file.name)
        else:
            with err.status(f"Importing {file.name}…"):
                result = services.import_bank_file(the_company, data, actor, filename=file.name)
    except FakturaflytError as exc:
        cli.fail(f"{file}: not imported", 1, [p.as_dict() for p in exc.problems], as_json)
    out = result.as_cli()
    if as_json:
        cli.emit_json(out)
        return
    Console().print(
        f"{file.name} ({out['format']}): {out['entries']} entries, {out['matched_automatically']} matched "
        f"automatically, {out['for_review']} left for review, {out['duplicates_skipped']} duplicates skipped, "
        f"{out['outgoing']} outgoing.",
        highlight=False,
    )
    for p in out["problems"]:
        err.print(f"[yellow]{p['severity']}[/yellow] {p['code']}: {p['message']}", highlight=False)
