"""``fakturaflyt bank``: read and import bank files (issue 8 points 1 and 5).

``fakturaflyt bank parse FILE [--json]`` reads a camt.053 / camt.054 / camt.052 or Nets OCR
giro file (detected from its content, no database) and prints its statements and entries. With
``--json``::

    {"format": "camt.053"|"camt.054"|"camt.052"|"ocr",
     "statements": [{"id", "account", "currency", "opening_balance", "closing_balance",
                     "entries": [{"ref", "booking_date", "value_date", "amount",
                                  "direction": "credit"|"debit", "kid", "reference", "text",
                                  "counterparty_name", "counterparty_account"}]}]}

Amounts are strings (entry amounts positive, balances signed), dates ISO, ``null`` where the
file has nothing. An OCR giro file gives one statement per assignment. Warnings (a closing
balance that does not follow from the entries) go to stderr, never into the JSON.

Exit codes: 0 read; 1 the file is not a valid bank file (problems listed, with the element or
line); 2 the file is missing or unreadable.

``fakturaflyt bank import`` is registered on :data:`bank_app` by :mod:`fakturaflyt.banking.cli`
(``bank_app.command("import")``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

bank_app = typer.Typer(
    help="Bank files: camt.053/054 and Nets OCR giro; parse, import and reconcile.", no_args_is_help=True
)
_console = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@bank_app.callback()
def _group() -> None:
    """Bank files: camt.053/054 and Nets OCR giro; parse, import and reconcile."""


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(message: str, code: int, problems: list[dict[str, str]], as_json: bool) -> NoReturn:
    if as_json:
        _emit({"ok": False, "message": message, "problems": problems})
    else:
        _console.print(f"[red]{message}[/red]", highlight=False)
        for p in problems:
            _console.print(
                f"  {p['code']}: {p['message']}" + (f" ({p['location']})" if p.get("location") else ""), highlight=False
            )
    raise typer.Exit(code)


@bank_app.command("parse")
def bank_parse(
    file: Annotated[Path, typer.Argument(help="A camt.053/054/052 XML file or a Nets OCR giro file.")],
    as_json: JsonOpt = False,
) -> None:
    """Read a bank file (camt.053 / camt.054 / Nets OCR giro, detected from content) and list its entries."""
    from fakturaflyt.core.bankfile import as_json as bank_json
    from fakturaflyt.core.bankfile import read_bank_file
    from fakturaflyt.core.errors import FakturaflytError

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror}", 2, [], as_json)
    try:
        bank_file = read_bank_file(data)
    except FakturaflytError as exc:
        _fail(f"{file}: not a valid bank file", 1, [p.as_dict() for p in exc.problems], as_json)
    for w in bank_file.warnings:
        _console.print(f"[yellow]warning[/yellow] {w}", highlight=False)
    if as_json:
        _emit(bank_json(bank_file))
        return
    out = Console()
    for s in bank_file.statements:
        credits = sum(e.amount for e in s.entries if e.direction == "credit")
        debits = sum(e.amount for e in s.entries if e.direction == "debit")
        title = f"{bank_file.format} {s.id}  account {s.account or '-'} {s.currency}"
        caption = (
            f"{len(s.entries)} entries, credits {credits}, debits {debits}; "
            f"opening {s.opening_balance if s.opening_balance is not None else '-'}, "
            f"closing {s.closing_balance if s.closing_balance is not None else '-'}"
        )
        table = Table(title=title, caption=caption)
        for column in ("Ref", "Booked", "Amount", "KID", "Reference / text", "Counterparty"):
            table.add_column(column, justify="right" if column == "Amount" else "left", overflow="fold")
        for e in s.entries:
            amount = f"{'-' if e.direction == 'debit' else ''}{e.amount}"
            batch = f" ({len(e.transactions)} tx)" if len(e.transactions) > 1 else ""
            table.add_row(
                e.ref if len(e.ref) <= 32 else e.ref[:12] + "…" + e.ref[-8:],
                str(e.booking_date or "-"),
                amount + batch,
                e.kid or "",
                " ".join(t for t in (e.reference, e.text) if t)[:60],
                " ".join(t for t in (e.counterparty_name, e.counterparty_account) if t),
            )
        out.print(table)


# ---- ``bank import``: lives in fakturaflyt/banking/cli.py, which decorates its command with
# ``@bank_app.command("import")``; importing it here registers it. That module must import
# Django models inside its function (the parse command runs without Django).
def _register_import() -> None:
    try:
        import fakturaflyt.banking.cli  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != "fakturaflyt.banking.cli":
            raise


_register_import()
