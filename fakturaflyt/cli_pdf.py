"""``fakturaflyt pdf``: read supplier invoices from PDF files, scans and images (issue 4).

``fakturaflyt pdf extract FILE [--json] [--engine rapidocr|tesseract]`` prints the fields
found, each with its confidence, the invoice lines where a table was found and the
problems. With ``--json``::

    {"engine": "text"|"ocr", "fields": {NAME: {"value": ..., "confidence": ...}},
     "lines": [...], "problems": [...]}

NAME is one of ``supplier_name, supplier_orgnr, supplier_vat_id, invoice_number,
issue_date, due_date, currency, net_total, vat_total, total, kid, bank_account, iban,
order_reference``; dates are ISO strings, amounts strings; a field not found is absent.

Exit codes: 0 read; 1 the file cannot be read as an invoice (problems listed); 2 the file
is missing or unreadable, or the OCR engine is not installed. The lead registers
:data:`pdf_app` in :mod:`fakturaflyt.cli` as ``pdf``.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

pdf_app = typer.Typer(help="PDF invoices and scans: field extraction.", no_args_is_help=True)
_console = Console(stderr=True)


@pdf_app.callback()
def _group() -> None:
    """PDF invoices and scans: field extraction."""


class OcrEngineChoice(StrEnum):
    rapidocr = "rapidocr"
    tesseract = "tesseract"


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(message: str, code: int, problems: list[dict[str, str]], as_json: bool) -> NoReturn:
    if as_json:
        _emit({"ok": False, "message": message, "problems": problems})
    else:
        _console.print(f"[red]{message}[/red]")
        for p in problems:
            _console.print(f"  {p['code']}: {p['message']}" + (f" ({p['location']})" if p.get("location") else ""))
    raise typer.Exit(code)


@pdf_app.command("extract")
def extract(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    engine: Annotated[
        OcrEngineChoice, typer.Option("--engine", help="OCR engine for scans and images.", case_sensitive=False)
    ] = OcrEngineChoice.rapidocr,
) -> None:
    """Extract the fields of a supplier invoice (PDF, or a JPEG/PNG/TIFF scan), with confidences."""
    from fakturaflyt.core.errors import FakturaflytError
    from fakturaflyt.core.pdf.extract import extract_invoice, extraction_to_json
    from fakturaflyt.core.pdf.ocr import OcrUnavailable

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror or exc}", 2, [], as_json)
    try:
        x = extract_invoice(data, ocr_engine=engine.value)
    except FakturaflytError as exc:
        _fail(f"{file}: cannot be read as an invoice", 1, [p.as_dict() for p in exc.problems], as_json)
    except OcrUnavailable as exc:
        _fail(f"{file}: needs OCR, but {exc}", 2, [], as_json)
    result = extraction_to_json(x)
    if as_json:
        _emit(result)
        return
    out = Console()
    table = Table(
        title=f"{file.name}: read from the {'text layer' if x.engine == 'text' else 'OCR'} in {x.seconds:.1f} s"
    )
    table.add_column("field")
    table.add_column("value")
    table.add_column("confidence", justify="right")
    table.add_column("how")
    for name, f in result["fields"].items():
        field = x.fields[name]
        how = field.source + (f" ({field.label})" if field.label else "")
        table.add_row(name, str(f["value"]), f"{f['confidence']:.2f}", how)
    out.print(table)
    if x.lines:
        lines = Table(title="Lines")
        for column in ("description", "quantity", "unit price", "amount", "VAT %"):
            lines.add_column(column, justify="left" if column == "description" else "right")
        for line in x.lines:
            lines.add_row(
                line.description,
                *(
                    str(v) if v is not None else ""
                    for v in (line.quantity, line.unit_price, line.amount, line.vat_rate)
                ),
            )
        out.print(lines)
    for p in x.problems:
        out.print(f"{p.severity}: {p.code}: {p.message}")
