"""``fakturaflyt cards``: card charges matched to shop orders and split per item (issue 9).

``fakturaflyt cards split --charges FILE --orders FILE [--json]`` reads a card statement CSV
(default layout or a preset, detected from the header) and a shop's order export (Amazon
Business report, consumer ``Retail.OrderHistory.1.csv`` or item list, detected from the
header), matches each charge to its order lines and splits it per item. No database. With
``--json``::

    {"charges": [{"id", "date", "amount", "currency", "status": "matched"|"ambiguous"|"unmatched",
                  "lines": [{"order_id", "title", "net", "vat", "shipping_share", "total",
                             "account", "department", "project", "confidence"}]}]}

``id`` is the statement's reference when it has one (else a stable hash of the row), ``date``
the card date (ISO, Europe/Oslo). Amounts are strings in the charge's currency; a matched
charge's lines sum exactly to its amount. account/department/project are the buyer-entered
GL code / cost center (else Department) / project code, confidence ``"1.00"`` when a GL code
was entered, else ``""`` and ``"0.00"`` (the coding engine comes with the app). Why a charge
is ambiguous, unmatched or flagged (gift card, split payment) goes to stderr.

Exit codes: 0 read; 1 a file is not a valid statement/order export (problems listed, with
line and column); 2 a file is missing or unreadable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from fakturaflyt.core.cards.split import ChargeMatch

cards_app = typer.Typer(
    help="Company-card charges: match to shop orders, split and code per item.", no_args_is_help=True
)
_console = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@cards_app.callback()
def _group() -> None:
    """Company-card charges: match to shop orders, split and code per item."""


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


def charge_json(match: ChargeMatch) -> dict[str, Any]:
    """One charge of the ``cards split --json`` document."""
    from fakturaflyt.core.cards.split import allocate

    charge = match.charge
    lines = []
    if match.status == "matched":
        for s in allocate(charge.amount, match.lines):
            line = s.line
            lines.append(
                {
                    "order_id": line.order_id,
                    "title": line.title,
                    "net": str(s.net),
                    "vat": str(s.vat),
                    "shipping_share": str(s.shipping_share),
                    "total": str(s.total),
                    "account": line.gl_code,
                    "department": line.cost_center or line.department,
                    "project": line.project,
                    "confidence": "1.00" if line.gl_code else "0.00",
                }
            )
    return {
        "id": charge.reference or charge.id,
        "date": charge.booked_at.date().isoformat(),
        "amount": str(charge.amount),
        "currency": charge.currency,
        "status": match.status,
        "lines": lines,
    }


@cards_app.command("split")
def cards_split(
    charges: Annotated[Path, typer.Option("--charges", help="Card statement CSV.")],
    orders: Annotated[Path, typer.Option("--orders", help="Shop order export CSV (e.g. Amazon).")],
    as_json: JsonOpt = False,
) -> None:
    """Match card charges to shop order lines and split each charge per item."""
    from fakturaflyt.core.cards import read_orders
    from fakturaflyt.core.cards.split import match_charges
    from fakturaflyt.core.cards.statement import read_statement
    from fakturaflyt.core.errors import FakturaflytError

    data: dict[str, bytes] = {}
    for name, path in (("charges", charges), ("orders", orders)):
        try:
            data[name] = path.read_bytes()
        except OSError as exc:
            _fail(f"Cannot read {path}: {exc.strerror}", 2, [], as_json)
    try:
        transactions = read_statement(data["charges"])
    except FakturaflytError as exc:
        _fail(f"{charges}: not a readable card statement", 1, [p.as_dict() for p in exc.problems], as_json)
    try:
        lines = read_orders(data["orders"])
    except FakturaflytError as exc:
        _fail(f"{orders}: not a readable order export", 1, [p.as_dict() for p in exc.problems], as_json)
    matches = match_charges(transactions, lines)
    for m in matches:
        if m.reason:
            label = m.charge.reference or m.charge.id
            _console.print(f"[yellow]{m.status}[/yellow] {label}: {m.reason}", highlight=False)
    doc = [charge_json(m) for m in matches]
    if as_json:
        _emit({"charges": doc})
        return
    table = Table(title=f"{len(doc)} charges, {sum(1 for c in doc if c['status'] == 'matched')} matched")
    for column in ("Charge", "Date", "Amount", "Status", "Order", "Item", "Net", "VAT", "Shipping", "Total", "Account"):
        table.add_column(column, overflow="fold")
    for c in doc:
        table.add_row(c["id"], c["date"], f"{c['amount']} {c['currency']}", c["status"], *[""] * 7)
        for line in c["lines"]:
            table.add_row(
                "",
                "",
                "",
                "",
                line["order_id"],
                line["title"][:40],
                line["net"],
                line["vat"],
                line["shipping_share"],
                line["total"],
                line["account"],
            )
    Console().print(table)
