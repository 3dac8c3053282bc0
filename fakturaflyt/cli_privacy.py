"""``fakturaflyt privacy``: personal data (GDPR art. 15/17) and retention (bokføringsloven § 13).

``privacy export --company ORGNR (--email X | --customer N) -o FILE [--json]``
    everything held about a person in the company, as JSON (plus a readable summary next to it,
    ``FILE`` with ``.txt``); exit 1 when nobody matches.
``privacy erase --company ORGNR (--user NAME | --customer N | --contact EMAIL) [--json]``
    pseudonymise a user, a private customer or a contact e-mail; exit 1 with ``FF-RETENTION-ACTIVE``
    and the date it becomes possible when documents naming the customer are still retained.
``privacy retention-report --company ORGNR [--date D] [--json]``
    what MAY be deleted (retention period over); nothing is deleted.
``privacy audit-report --company ORGNR [--from D] [--to D] [--user NAME] [--object TYPE:ID] [--csv FILE] [--json]``
    who saw and changed what.
``privacy prune-access-log [--days N] [--json]``
    delete access-log rows older than the retention period of the access log.

Exit codes: 0 done; 1 refused or nobody matched (problems listed); 2 usage or system error.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

privacy_app = typer.Typer(help="Personal data and retention: export, erase, audit report.", no_args_is_help=True)

CompanyOpt = Annotated[str, typer.Option("--company", help="The company's org.nr.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _setup(orgnr: str | None) -> Any:
    from fakturaflyt import cli

    cli.django_setup()
    cli.require_migrated()
    return cli._company(orgnr) if orgnr else None


def _refused(exc: Any, as_json: bool) -> None:
    from fakturaflyt import cli

    cli.fail(exc.problems[0].message, 1, [p.as_dict() for p in exc.problems], as_json=as_json)


@privacy_app.command("export")
def export_cmd(
    company: CompanyOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON file to write.")],
    email: Annotated[str, typer.Option("--email", help="The person's e-mail address.")] = "",
    customer: Annotated[int | None, typer.Option("--customer", help="Customer number.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export everything held about a person in the company (GDPR art. 15/20)."""
    from fakturaflyt import cli

    if not email and customer is None:
        cli.fail("Give --email or --customer.", 2, as_json=as_json)
    the_company = _setup(company)
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.privacy import export

    subject = export.find_subject([the_company.pk], email=email, customer_number=customer)
    try:
        data = export.export(subject)
    except FakturaflytError as exc:
        _refused(exc, as_json)
    summary_path = output.with_suffix(".txt")
    try:
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        summary_path.write_text(export.summary(data), encoding="utf-8")
    except OSError as exc:
        cli.fail(f"Cannot write {output}: {exc}", 2, as_json=as_json)
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list) and k not in ("companies",)}
    if as_json:
        cli.emit_json({"ok": True, "path": str(output), "summary": str(summary_path), "counts": counts})
    else:
        cli.console.print(f"Wrote {output} and {summary_path}.")


@privacy_app.command("erase")
def erase_cmd(
    company: CompanyOpt,
    user: Annotated[str, typer.Option("--user", help="User name of a user to erase.")] = "",
    customer: Annotated[int | None, typer.Option("--customer", help="Number of a private customer.")] = None,
    contact: Annotated[str, typer.Option("--contact", help="A contact e-mail on customers/suppliers.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Erase (pseudonymise) a person where the law allows (GDPR art. 17)."""
    from fakturaflyt import cli

    if sum(bool(x) for x in (user, customer is not None, contact)) != 1:
        cli.fail("Give exactly one of --user, --customer, --contact.", 2, as_json=as_json)
    the_company = _setup(company)
    from django.contrib.auth import get_user_model

    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.privacy import erasure
    from fakturaflyt.receivables.models import Customer

    try:
        if user:
            target = get_user_model().objects.filter(username=user, memberships__company=the_company).first()
            if target is None:
                cli.fail(f"No user {user} in {the_company.orgnr}.", 1, as_json=as_json)
            record = erasure.erase_user(None, target)
        elif customer is not None:
            found = Customer.objects.filter(company=the_company, number=customer).first()
            if found is None:
                cli.fail(f"No customer {customer} in {the_company.orgnr}.", 1, as_json=as_json)
            record = erasure.erase_customer(None, found)
        else:
            record = erasure.erase_contact(None, the_company, contact)
    except FakturaflytError as exc:
        if as_json and getattr(exc, "until", None):
            cli.emit_json(
                {
                    "ok": False,
                    "message": exc.problems[0].message,
                    "problems": [p.as_dict() for p in exc.problems],
                    "possible_from": str(exc.until + timedelta(days=1)),
                }
            )
            raise typer.Exit(1) from None
        _refused(exc, as_json)
    result = {"ok": True, "pseudonym": record.pseudonym, "erased": record.erased, "kept": record.kept}
    if as_json:
        cli.emit_json(result)
    else:
        cli.console.print(f"Erased: now {record.pseudonym}. Kept: {'; '.join(record.kept)}")


@privacy_app.command("retention-report")
def retention_report_cmd(
    company: CompanyOpt,
    on: Annotated[str | None, typer.Option("--date", help="Report day (default today), YYYY-MM-DD.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the documents whose 5-year retention is over and that MAY be deleted (nothing is deleted)."""
    from fakturaflyt import cli

    today = cli.option_date(on, "--date", as_json)
    the_company = _setup(company)
    from fakturaflyt.privacy.retention import retention_report

    rows = [r.as_dict() for r in retention_report(the_company, today=today)]
    if as_json:
        cli.emit_json({"ok": True, "company": the_company.orgnr, "may_delete": rows})
        return
    if not rows:
        cli.console.print("Nothing is past its retention period.")
        return
    from rich.table import Table

    table = Table("type", "id", "document", "dated", "kept until")
    for r in rows:
        table.add_row(r["object_type"], r["object_id"], r["label"], r["document_date"], r["retained_until"])
    cli.console.print(table)
    cli.console.print(f"{len(rows)} may be deleted; deleting is an operator's decision (docs/privacy.md).")


@privacy_app.command("audit-report")
def audit_report_cmd(
    company: CompanyOpt,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    user: Annotated[str, typer.Option("--user", help="Only this user (user name).")] = "",
    obj: Annotated[str, typer.Option("--object", help="Only this object: TYPE:ID, TYPE or ID.")] = "",
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the rows as CSV here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who saw and who changed what in the company (audit log + access log)."""
    from fakturaflyt import cli

    start, end = cli.option_date(date_from, "--from", as_json), cli.option_date(date_to, "--to", as_json)
    the_company = _setup(company)
    from django.contrib.auth import get_user_model

    from fakturaflyt.privacy.report import audit_rows, write_csv

    who = None
    if user:
        who = get_user_model().objects.filter(username=user).first()
        if who is None:
            cli.fail(f"No user {user}.", 2, as_json=as_json)
    rows = audit_rows(the_company, date_from=start, date_to=end, user=who, obj=obj)
    if csv_out is not None:
        with csv_out.open("w", newline="", encoding="utf-8") as out:
            write_csv(rows, out)
    if as_json:
        cli.emit_json({"ok": True, "company": the_company.orgnr, "rows": [r.as_dict() for r in rows]})
        return
    from rich.table import Table

    table = Table("at", "kind", "actor", "action", "object")
    for r in rows:
        d = r.as_dict()
        table.add_row(d["at"], d["kind"], d["actor"], d["action"], f"{d['object_type']} {d['object_id']}")
    cli.console.print(table)


@privacy_app.command("prune-access-log")
def prune_cmd(
    days: Annotated[int | None, typer.Option("--days", help="Keep this many days (default: the setting).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete access-log rows older than the access log's retention period."""
    from fakturaflyt import cli

    _setup(None)
    from django.conf import settings

    from fakturaflyt.privacy.report import prune_access_log

    keep = days if days is not None else settings.FAKTURAFLYT_ACCESS_LOG_RETENTION_DAYS
    deleted = prune_access_log(older_than_days=keep)
    if as_json:
        cli.emit_json({"ok": True, "deleted": deleted, "kept_days": keep})
    else:
        cli.console.print(f"Deleted {deleted} access-log rows older than {keep} days.")
