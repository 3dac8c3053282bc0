"""``fakturaflyt reports``: the monthly report as PDF (issue 10, dashboards).

``fakturaflyt reports monthly --company ORGNR --month YYYY-MM -o FILE [--language nb|en] [--json]``
writes the month's report (månedsrapport): the key figures of purchases, sales and cards, and
12-month charts and tables, as an A4 PDF (the same as ``/dashboards/report/YYYY-MM.pdf`` for an
administrator). ``-o`` is the file to write, or an existing directory: the file then gets the
name ``manedsrapport-<orgnr>-<YYYY-MM>.pdf`` there. With ``--json``::

    {"ok": true, "path", "company", "month", "bytes", "sha256",
     "figures": [{"section": "ap", "key": "touchless", "label": "...", "value": "40.0", "unit": "pct",
                  "now": false}, ...]}

Values are strings (``null`` where a figure is undefined, e.g. a rate with nothing to count); ``unit``
is ``nok``, ``count``, ``days`` or ``pct``; ``now`` marks figures that describe the day the report was
made rather than the month. Definitions: ``docs/dashboards.md``.

Exit codes: 0 written; 2 a bad month (not YYYY-MM, or in the future), an unknown company, an
unwritable output, or the database is not migrated.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

reports_app = typer.Typer(help="Reports: the monthly report as PDF.", no_args_is_help=True)


@reports_app.callback()
def _group() -> None:
    """Reports made from the dashboards' figures."""


@reports_app.command("monthly")
def monthly(
    company: Annotated[str, typer.Option("--company", help="The company's org.nr.")],
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File to write, or a directory for the standard name.")
    ],
    language: Annotated[str, typer.Option("--language", help="Language of the texts: nb or en.")] = "nb",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Write the monthly report of a company as an A4 PDF."""
    report_monthly(company, month, output, language=language, as_json=as_json)


def report_monthly(company: str, month: str, output: Path, *, language: str = "nb", as_json: bool = False) -> Path:
    """The CLI's work: check the arguments, make the PDF, write it, report. Returns the path written."""
    from fakturaflyt import cli

    if language not in ("nb", "en"):
        cli.fail(f"--language {language!r}: use nb or en.", 2, as_json=as_json)
    from fakturaflyt.dashboards.periods import parse_month

    try:
        first = parse_month(month)
    except ValueError:
        cli.fail(f"--month {month!r} is not a month (YYYY-MM).", 2, as_json=as_json)
    cli.django_setup()
    cli.require_migrated()
    from django.utils import timezone, translation

    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.dashboards import report
    from fakturaflyt.dashboards.periods import OSLO
    from fakturaflyt.dashboards.serialize import jsonable

    today = timezone.now().astimezone(OSLO).date()
    if first > today:
        cli.fail(f"--month {month} has not begun yet.", 2, as_json=as_json)
    the_company = cli._company(company)
    target = output / report.filename(the_company, first) if output.is_dir() else output
    perms = {Perm.VIEW_PAYABLES, Perm.VIEW_RECEIVABLES, Perm.VIEW_REPORTS}
    with translation.override(language):
        ctx = report.context(the_company, first, perms, today=today)
        pdf = report.render_pdf(the_company, first, perms, ctx=ctx)
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        cli.fail(f"Cannot write {target}: {exc}", 2, as_json=as_json)
    if as_json:
        cli.emit_json(
            {
                "ok": True,
                "path": str(target),
                "company": the_company.orgnr,
                "month": f"{first:%Y-%m}",
                "bytes": len(pdf),
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "figures": [
                    {**jsonable(f), "value": None if f.value is None else str(f.value)} for f in ctx["figures"]
                ],
            }
        )
    else:
        cli.console.print(f"Wrote {target} ({len(pdf)} bytes): monthly report {first:%Y-%m} of {the_company.name}.")
    return target
