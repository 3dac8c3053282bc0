"""``fakturaflyt import PATH... --company ORGNR [--json]``: put files into a company's supplier-invoice intake.

Registered in :mod:`fakturaflyt.cli` as ``app.command("import")(import_paths)``.

Takes files and folders (recursively; hidden files skipped): EHF XML, PDF, scans, e-mails
(``.eml``: their invoice attachments) and zip files (their invoice files). Each file is
received through the same door as every other channel (channel ``cli``) and then processed
here, in this process, so the result is known when the command ends (with a Celery broker
configured too). Prints one result per document; ``--json`` prints a list of::

    {"path": "in/faktura.eml", "document": 12, "filename": "f.pdf", "state": "ready_for_coding",
     "format": "pdf", "supplier": "Lev AS", "invoice_number": "1001", "total": "125.00",
     "duplicate_of": null, "problems": [{"code", "message", "field", "severity"}]}

(a file refused outright, empty or too large, gives ``"document": null`` and its problem).
Exit code 0; 1 when any document ended in quarantine or a file was refused; 2 for a usage or
system error (no such company, a path that does not exist, the database not migrated).
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated, Any

import typer


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
        else:
            found.append(path)
    return found


def _row(path: Path, doc: Any) -> dict[str, Any]:
    return {
        "path": str(path),
        "document": doc.pk,
        "filename": doc.receipt.filename,
        "state": doc.state,
        "format": doc.format,
        "supplier": doc.supplier.name if doc.supplier_id else None,
        "invoice_number": doc.invoice_number or None,
        "total": str(doc.total) if doc.total is not None else None,
        "currency": doc.currency or None,
        "duplicate_of": doc.duplicate_of_id,
        "problems": [
            {k: str(p.get(k, "")) for k in ("code", "message", "field", "severity")} for p in doc.problems or []
        ],
    }


def import_paths(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (EHF, PDF, scans, .eml, .zip).")],
    company_orgnr: Annotated[str, typer.Option("--company", help="Org.nr of the receiving company.")],
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Put documents into the company's supplier-invoice intake; exit 1 if any was quarantined."""
    from fakturaflyt.cli import _company, console, django_setup, emit_json, fail, require_migrated

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"No such file or folder: {', '.join(missing)}", 2, as_json=json)
    django_setup()
    require_migrated()
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.payables import intake
    from fakturaflyt.payables.models import Channel, DocumentState, SupplierDocument
    from fakturaflyt.payables.processing import process_document

    company = _company(company_orgnr)
    files = _files(paths)
    rows: list[dict[str, Any]] = []
    sender = f"{getpass.getuser()} (command line)"
    iterable: Any = files
    if not json and len(files) > 3:
        from rich.progress import track

        iterable = track(files, description="Importing", console=console, transient=True)
    for path in iterable:
        try:
            data = path.read_bytes()
        except OSError as exc:
            rows.append(_refused(path, "FF-AP-NO-FILE", f"cannot read {path}: {exc.strerror}"))
            continue
        try:
            documents = intake.receive_all(
                company, data, channel=Channel.CLI, filename=path.name, sender=sender, queue=False
            )
        except FakturaflytError as exc:
            rows.extend(_refused(path, p.code, p.message) for p in exc.problems)
            continue
        for doc in documents:
            process_document(doc.pk)
        fresh = SupplierDocument.objects.select_related("receipt", "supplier").filter(pk__in=[d.pk for d in documents])
        by_pk = {d.pk: d for d in fresh}
        rows.extend(_row(path, by_pk[d.pk]) for d in documents)
    failed = any(r["document"] is None or r["state"] == DocumentState.QUARANTINED for r in rows)
    if json:
        emit_json(rows)
    else:
        _table(rows)
    raise typer.Exit(1 if failed else 0)


def _refused(path: Path, code: str, message: str) -> dict[str, Any]:
    return {
        "path": str(path),
        "document": None,
        "filename": path.name,
        "state": None,
        "format": None,
        "supplier": None,
        "invoice_number": None,
        "total": None,
        "currency": None,
        "duplicate_of": None,
        "problems": [{"code": code, "message": message, "field": "", "severity": "error"}],
    }


def _table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    colours = {"ready_for_coding": "green", "needs_review": "yellow", "quarantined": "red", "duplicate": "magenta"}
    table = Table(show_lines=False)
    for column in ("Doc", "File", "State", "Supplier", "Invoice", "Total", "Problems"):
        table.add_column(column)
    for r in rows:
        state = r["state"] or "refused"
        colour = colours.get(state, "red" if r["document"] is None else "white")
        problems = "; ".join(f"{p['code']}" for p in r["problems"] if p["severity"] in ("error", "warning", "fatal"))
        table.add_row(
            str(r["document"] or "-"),
            r["filename"] or r["path"],
            f"[{colour}]{state}[/{colour}]",
            r["supplier"] or "",
            r["invoice_number"] or "",
            f"{r['total']} {r['currency'] or ''}".strip() if r["total"] else "",
            problems,
        )
    Console().print(table)
