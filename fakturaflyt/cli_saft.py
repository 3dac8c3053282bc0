"""``fakturaflyt saft``: SAF-T Financial 1.30 export and import (issue 10).

``fakturaflyt saft export --company ORGNR --year YYYY [--from-period M] [--to-period M] -o FILE [--json]``
writes the company's SAF-T Financial file (Norwegian schema 1.30) for months ``M``-``M``
(default 1-12) of the year. ``-o`` is the file to write, or an existing directory: the file
then gets Skatteetaten's name ``SAF-T Financial_<orgnr>_<yyyymmddhhmmss>.xml`` there. The file
is written next to its target under a temporary name and renamed when complete, so a failed
export leaves nothing half-written behind. With ``--json``::

    {"ok": true, "path", "file_name", "year", "from_period", "to_period", "date_from", "date_to",
     "transactions", "lines", "total_debit", "total_credit", "accounts", "customers", "suppliers",
     "bytes", "sha256", "unmapped_accounts"}

Amounts are strings; ``unmapped_accounts`` lists accounts without a SAF-T grouping of their own
that were grouped by account class (review their mapping).

Exit codes: 0 written; 1 the books cannot be exported (a voucher or the totals do not balance,
a bad period), problems listed with their code (``FF-SAFT-...``); 2 a bad argument, an unknown
company, an unwritable output, or the database is not migrated.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

saft_app = typer.Typer(
    help="SAF-T Financial (Norwegian 1.30): export the books, import opening balances.", no_args_is_help=True
)


@saft_app.callback()
def _group() -> None:
    """SAF-T Financial (Norwegian schema 1.30)."""


@saft_app.command("export")
def saft_export(
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    year: Annotated[int, typer.Option("--year", help="Accounting year, e.g. 2026.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File to write, or a directory for the standard name.")
    ],
    from_period: Annotated[int, typer.Option("--from-period", help="First month (1-12).")] = 1,
    to_period: Annotated[int, typer.Option("--to-period", help="Last month (1-12).")] = 12,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Write the company's SAF-T Financial 1.30 file for a year or some of its months."""
    from fakturaflyt import cli

    if not (1 <= from_period <= to_period <= 12):
        cli.fail("--from-period and --to-period must be months 1-12, the first not after the last.", 2, as_json=as_json)
    cli.django_setup()
    cli.require_migrated()
    from django.utils import timezone

    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.ledger.saft_export import export_file_name, export_saft

    target_company = cli._company(company)
    now = timezone.now()
    target = output / export_file_name(target_company, now) if output.is_dir() else output
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".saft-", suffix=".part", dir=target.parent)
    except OSError as exc:
        cli.fail(f"Cannot write to {target.parent}: {exc.strerror}", 2, as_json=as_json)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            summary = export_saft(target_company, out, year=year, from_period=from_period, to_period=to_period, now=now)
        os.replace(tmp, target)
    except FakturaflytError as exc:
        tmp.unlink(missing_ok=True)
        cli.fail(
            f"The books of {target_company.orgnr} cannot be exported as SAF-T.",
            1,
            [p.as_dict() for p in exc.problems],
            as_json,
        )
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        cli.fail(f"Cannot write {target}: {exc.strerror}", 2, as_json=as_json)
    if as_json:
        cli.emit_json({"ok": True, "path": str(target), **summary.as_dict()})
        return
    cli.console.print(
        f"Wrote {target} ({summary.size:,} bytes): {summary.transactions} vouchers, {summary.lines} lines, "
        f"debit = credit = {summary.total_debit} NOK, {summary.accounts} accounts, "
        f"periods {summary.from_period}-{summary.to_period} {summary.year}.",
        highlight=False,
    )
    if summary.unmapped_accounts:
        cli.console.print(
            "[yellow]Grouped by account class (no SAF-T grouping of their own): "
            f"{', '.join(summary.unmapped_accounts)}[/yellow]",
            highlight=False,
        )


def _register_import() -> None:
    from fakturaflyt.cli_saft_import import saft_import

    saft_app.command("import")(saft_import)


_register_import()
