"""``fakturaflyt rates``: Norges Bank's reference exchange rates (issue 9, currency of card charges).

``fakturaflyt rates import FILE [--source norges-bank|demo|manual] [--json]`` stores the rates
of a CSV downloaded from Norges Bank's open data API (e.g.
``https://data.norges-bank.no/api/data/EXR/B.EUR+USD+GBP+SEK.NOK.SP?format=csv&startPeriod=2025-01-01``;
``locale=no`` with decimal comma works too). Re-importing adds nothing twice. With ``--json``::

    {"file", "source", "read", "added", "updated", "kept"}

``read`` rates in the file, ``added`` new (currency, day) rates, ``updated`` rates changed,
``kept`` rates left alone because a more trusted source set them (manual > norges-bank > demo).

``fakturaflyt rates show CURRENCY [--date YYYY-MM-DD] [--max-age DAYS] [--json]`` prints the rate
used for that day: the latest on or before it, at most ``--max-age`` (7) days old::

    {"currency", "date", "rate", "rate_date", "source", "max_age_days"}

``rate`` is NOK per ONE unit (a string, 6 decimals; ``"1"`` for NOK), ``rate_date`` the day
it was quoted, ``source`` where it came from; all three ``null`` when there is no rate.

``fakturaflyt rates fetch [--currency EUR ...] --from YYYY-MM-DD [--to YYYY-MM-DD] [--json]``
downloads the rates from Norges Bank and imports them (needs network access); the JSON is
that of ``import`` with ``url`` instead of ``file``.

Exit codes: 0 done; 1 the file is not a Norges Bank rate CSV (problems listed with line and
column), no rate for the day, or Norges Bank could not be reached; 2 the file cannot be read,
a bad argument, or the database is not migrated.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

rates_app = typer.Typer(help="Reference exchange rates (Norges Bank): import, fetch and look up.", no_args_is_help=True)
_console = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
SOURCES = ("norges-bank", "demo", "manual")


@rates_app.callback()
def _group() -> None:
    """Reference exchange rates (valutakurser) from Norges Bank."""


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


def _setup() -> None:
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()


def _day(text: str | None, name: str, as_json: bool) -> date:
    if not text:
        from django.utils import timezone

        today: date = timezone.localdate()
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{name} {text!r} is not a date (YYYY-MM-DD).", 2, [], as_json)


def _print_counts(result: dict[str, Any], where: str) -> None:
    print(
        f"{where}: {result['read']} rates read, {result['added']} added, {result['updated']} updated"
        + (f", {result['kept']} kept (set by a more trusted source)" if result["kept"] else "")
    )


@rates_app.command("import")
def rates_import(
    file: Annotated[Path, typer.Argument(help="A CSV from Norges Bank's open data API (EXR, format=csv).")],
    source: Annotated[str, typer.Option("--source", help="norges-bank, demo or manual.")] = "norges-bank",
    as_json: JsonOpt = False,
) -> None:
    """Import the exchange rates of a Norges Bank CSV (idempotent)."""
    if source not in SOURCES:
        _fail(f"--source must be one of {', '.join(SOURCES)}.", 2, [], as_json)
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror}", 2, [], as_json)
    _setup()
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.ledger.rates import import_rates

    try:
        counts = import_rates(data, source=source)
    except FakturaflytError as exc:
        _fail(f"{file}: not a Norges Bank exchange-rate CSV", 1, [p.as_dict() for p in exc.problems], as_json)
    result: dict[str, Any] = {"file": str(file), "source": source, **counts}
    if as_json:
        _emit(result)
    else:
        _print_counts(result, str(file))


@rates_app.command("show")
def rates_show(
    currency: Annotated[str, typer.Argument(help="ISO 4217 code, e.g. EUR.")],
    on: Annotated[str | None, typer.Option("--date", help="The day (YYYY-MM-DD); default today.")] = None,
    max_age: Annotated[int, typer.Option("--max-age", min=0, help="Oldest rate to accept, in days.")] = 7,
    as_json: JsonOpt = False,
) -> None:
    """The rate (NOK per one unit) used for CURRENCY on a day: the latest on or before it."""
    code = currency.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        _fail(f"{currency!r} is not a currency code (e.g. EUR).", 2, [], as_json)
    _setup()
    from fakturaflyt.core.exchange_rates import HOME_CURRENCY
    from fakturaflyt.ledger.rates import stored_rate_on

    day = _day(on, "--date", as_json)
    doc: dict[str, Any] = {
        "currency": code,
        "date": day.isoformat(),
        "rate": None,
        "rate_date": None,
        "source": None,
        "max_age_days": max_age,
    }
    if code == HOME_CURRENCY:
        doc.update(rate="1", rate_date=day.isoformat())
    else:
        row = stored_rate_on(code, day, max_age_days=max_age)
        if row is not None:
            doc.update(rate=str(row.rate), rate_date=row.day.isoformat(), source=row.source)
    if as_json:
        _emit(doc)
    elif doc["rate"] is not None:
        from_day = "" if doc["rate_date"] == doc["date"] else f" (rate of {doc['rate_date']})"
        source = f", {doc['source']}" if doc["source"] else ""
        print(f"{code} {doc['date']}: {doc['rate']} NOK{from_day}{source}")
    if doc["rate"] is None:
        if not as_json:
            _console.print(
                f"[red]No {code} rate on {day.isoformat()} or up to {max_age} days before.[/red] "
                "Import Norges Bank's rates with `fakturaflyt rates import` or `fakturaflyt rates fetch`.",
                highlight=False,
            )
        raise typer.Exit(1)


@rates_app.command("fetch")
def rates_fetch(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD); default today.")] = None,
    currency: Annotated[
        list[str] | None, typer.Option("--currency", help="A currency to fetch (repeatable); default the usual ones.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Download Norges Bank's daily rates for a period and import them (needs network access)."""
    _setup()
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.ledger.rates import DEFAULT_CURRENCIES, fetch_from_norges_bank

    first, last = _day(start, "--from", as_json), _day(end, "--to", as_json)
    try:
        result = fetch_from_norges_bank(currency or DEFAULT_CURRENCIES, first, last)
    except FakturaflytError as exc:
        _fail("Norges Bank's rates could not be fetched", 1, [p.as_dict() for p in exc.problems], as_json)
    except ValueError as exc:  # a bad currency code or period
        _fail(str(exc), 2, [], as_json)
    result = {"source": "norges-bank", **result}
    if as_json:
        _emit(result)
    else:
        _print_counts(result, result["url"])
