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

With the database (the card app, :mod:`fakturaflyt.cards.services`):

* ``cards import FILE --company ORGNR --user EMAIL [--preset NAME] [--json]``: a card statement
  (CSV, camt.053/054) or a shop order report, stored and matched; prints the import result
  ``{"import_id", "filename", "kind", "format", "shop", "rows", "added", "duplicates",
  "matched", "ambiguous", "unmatched", "problems"}``. Exit 1 refused (problems listed), 2 the
  file, company or user is missing.
* ``cards list --company ORGNR [--status S] [--holder NAME] [--json]``: ``{"charges": [...]}``,
  each charge as the API's ``GET .../cards/charges/{id}`` (lines with coding and confidence).
* ``cards accept ID... --company ORGNR --user EMAIL [--json]``: ``{"accepted": [{"id",
  "voucher"}], "refused": [{"id", "code", "message"}]}``; exit 1 when any was refused.

``--user`` needs the ``manage_payables`` permission in the company (exit 1 otherwise).
"""

from __future__ import annotations

import dataclasses
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


# ---------------------------------------------------------------------------------------------------------------
# The card app in the database: ``cards import``, ``cards list``, ``cards accept`` (see docs/cli.md for the JSON).

_STATUSES = ("open", "unmatched", "ambiguous", "matched", "posted", "ignored")


@cards_app.command("import")
def cards_import(
    file: Annotated[Path, typer.Argument(help="Card statement (CSV, camt.053/054) or shop order report (CSV).")],
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    user: Annotated[str, typer.Option("--user", help="E-mail of the user importing (needs manage_payables).")],
    preset: Annotated[
        str | None, typer.Option("--preset", help="Statement layout: default, no-bank-semicolon, no-card-semicolon.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a card statement or an order report; the open charges are matched and split again.

    Exit 0 imported (the same file again adds nothing); 1 the file was refused (problems
    listed; the received file is kept); 2 the file, company or user is missing.
    """
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.cards import services
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.core.cards.statement import PRESETS
    from fakturaflyt.core.errors import FakturaflytError

    if preset is not None and preset not in PRESETS:
        cli.fail(f"--preset {preset!r} is not a statement layout; presets: {', '.join(PRESETS)}.", 2, as_json=as_json)
    try:
        data = file.read_bytes()
    except OSError as exc:
        cli.fail(f"Cannot read {file}: {exc.strerror}", 2, as_json=as_json)
    the_company = cli._company(company)
    actor = cli.acting_user(user, the_company, Perm.MANAGE_PAYABLES, as_json)
    try:
        result = services.import_card_file(the_company, data, actor, filename=file.name, mapping=preset)
    except FakturaflytError as exc:
        cli.fail(f"{file}: not imported", 1, [p.as_dict() for p in exc.problems], as_json)
    out = dataclasses.asdict(result)
    if as_json:
        cli.emit_json(out)
        return
    what = f"{out['shop'].capitalize()} order report" if out["kind"] == "orders" else "card statement"
    Console(soft_wrap=True).print(
        f"{file.name} ({what}, {out['format']}): {out['rows']} rows, {out['added']} added, "
        f"{out['duplicates']} already there. Open charges: {out['matched']} matched, "
        f"{out['ambiguous']} ambiguous, {out['unmatched']} unmatched.",
        highlight=False,
    )
    for p in out["problems"]:
        _console.print(
            f"[yellow]{p.get('severity', 'warning')}[/yellow] {p['code']}: {p['message']}"
            + (f" ({p['location']})" if p.get("location") else ""),
            highlight=False,
        )


@cards_app.command("list")
def cards_list(
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    status: Annotated[
        str | None, typer.Option("--status", help="open, unmatched, ambiguous, matched, posted or ignored.")
    ] = None,
    holder: Annotated[str | None, typer.Option("--holder", help="Only this card holder's charges.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The company's card charges, newest first, with their split lines and coding."""
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    if status is not None and status not in _STATUSES:
        cli.fail(f"--status {status!r} is not one of {', '.join(_STATUSES)}.", 2, as_json=as_json)
    from fakturaflyt.cards import services
    from fakturaflyt.cards.api import charge_data

    the_company = cli._company(company)
    qs = services.inbox(the_company, status=status, card_holder=holder).select_related("voucher__series")
    charges = [_plain(charge_data(c)) for c in qs]
    if as_json:
        cli.emit_json({"charges": charges})
        return
    table = Table(title=f"{the_company.name}: {len(charges)} card charges")
    for column in ("Id", "Date", "Charge / item", "Amount", "Status / account", "VAT", "Dept", "Proj", "Conf."):
        table.add_column(
            column,
            overflow="fold",
            no_wrap=column in ("Date", "Amount"),
            justify="right" if column in ("Id", "Amount") else "left",
        )
    for c in charges:
        method = f" ({c['match_method']})" if c["match_method"] else ""
        table.add_row(
            str(c["id"]),
            c["date"],
            f"{c['merchant']} · {c['card_holder']}" if c["card_holder"] else c["merchant"],
            f"{c['amount']} {c['currency']}",
            c["status"] + method,
            *[""] * 4,
        )
        for line in c["lines"]:
            conf = line["confidence"]
            table.add_row(
                "",
                "",
                f"  {line['title'][:48]}",
                line["total"],
                line["account"],
                line["vat_code"],
                line["department"],
                line["project"],
                "" if conf is None else f"{conf:.2f}",
            )
    Console().print(table)


@cards_app.command("accept")
def cards_accept(
    ids: Annotated[list[int], typer.Argument(help="Charge ids (as `cards list` shows them).")],
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    user: Annotated[str, typer.Option("--user", help="E-mail of the user accepting (needs manage_payables).")],
    as_json: JsonOpt = False,
) -> None:
    """Accept charges as split and coded: each line confirmed (and learnt), the voucher posted in series CARD.

    Exit 0 all accepted; 1 any was refused (not matched, a line not coded, another company's id);
    2 the company or user is missing.
    """
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    from fakturaflyt.cards import services
    from fakturaflyt.cards.error_codes import CardCode
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.core.errors import FakturaflytError

    the_company = cli._company(company)
    actor = cli.acting_user(user, the_company, Perm.MANAGE_PAYABLES, as_json)
    accepted: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    for charge_id in dict.fromkeys(ids):
        charge = CardCharge.objects.filter(company=the_company, pk=charge_id).first()
        if charge is None:
            refused.append(
                {"id": charge_id, "code": str(CardCode.WRONG_COMPANY), "message": f"No card charge {charge_id} here."}
            )
            continue
        try:
            done = services.accept(charge, actor)
        except FakturaflytError as exc:
            refused.append(
                {"id": charge_id, "code": exc.code, "message": exc.problems[0].message if exc.problems else str(exc)}
            )
            continue
        voucher = done.voucher
        accepted.append({"id": charge_id, "voucher": voucher.label if voucher is not None else None})
    if as_json:
        cli.emit_json({"accepted": accepted, "refused": refused})
    else:
        for a in accepted:
            Console().print(f"charge {a['id']}: posted as {a['voucher']}", highlight=False)
        for r in refused:
            _console.print(f"[red]charge {r['id']}[/red] {r['code']}: {r['message']}", highlight=False)
    if refused:
        raise typer.Exit(1)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Dates and times of :func:`fakturaflyt.cards.api.charge_data` as ISO strings."""
    out = dict(data)
    for key in ("date", "booked_at", "decided_at"):
        if out.get(key) is not None:
            out[key] = out[key].isoformat()
    out["candidates"] = [
        {
            **c,
            "lines": [
                {**line, "charge_date": line["charge_date"].isoformat() if line["charge_date"] else None}
                for line in c["lines"]
            ],
        }
        for c in out["candidates"]
    ]
    return out
