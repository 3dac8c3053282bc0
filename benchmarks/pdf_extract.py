"""PDF extraction: per-field accuracy on the invoice corpus (text PDFs and 300-dpi scans) and OCR seconds per page.

The corpus is ``../shared/corpus/pdf``: each ``X.pdf`` with its expected ``X.json`` and an
image-only ``X.scan300.pdf``. Fields are compared as in :mod:`fakturaflyt.core.pdf.evaluate`.
No supplier template is used. Targets: at least 95 % of the expected fields right on text
PDFs, 85 % on scans. OCR time is per page on this machine (single process), rendering,
orientation, deskew and recognition included.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ENGINES = ("rapidocr", "tesseract")


def _corpus() -> list[tuple[str, Path, Path | None, Any]]:
    root = Path(os.environ.get("FAKTURAFLYT_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
    cases = []
    for truth in sorted((root / "pdf").glob("*/*.json")):
        pdf = truth.with_suffix(".pdf")
        if pdf.exists():
            scan = truth.with_name(truth.stem + ".scan300.pdf")
            cases.append((truth.stem, pdf, scan if scan.exists() else None, json.loads(truth.read_text())))
    return cases


def _sweep(
    cases: list[tuple[str, Path, Any]], engine: str
) -> tuple[dict[str, list[bool]], dict[str, bool], list[float], int]:
    from fakturaflyt.core.pdf.evaluate import score
    from fakturaflyt.core.pdf.extract import extract_invoice

    per_field: dict[str, list[bool]] = {}
    per_file: dict[str, bool] = {}
    ocr_seconds: list[float] = []
    pages = 0
    for name, path, truth in cases:
        x = extract_invoice(path.read_bytes(), ocr_engine=engine)
        result = score(x, truth)
        for field, ok in result.items():
            per_field.setdefault(field, []).append(ok)
        per_file[name] = all(result.values())
        if x.engine == "ocr":
            ocr_seconds.append(x.ocr_seconds_per_page * x.pages)
            pages += x.pages
    return per_field, per_file, ocr_seconds, pages


def _ratio(oks: list[bool]) -> str:
    return f"{sum(oks)}/{len(oks)}"


def _pct(per_field: dict[str, list[bool]]) -> tuple[int, int]:
    oks = [ok for v in per_field.values() for ok in v]
    return sum(oks), len(oks)


def run() -> list[tuple[str, str]]:
    from fakturaflyt.core.pdf.ocr import OcrUnavailable, get_engine

    cases = _corpus()
    if not cases:
        return [("corpus", "absent: set FAKTURAFLYT_CORPUS")]
    figures: list[tuple[str, str]] = []
    columns: dict[str, dict[str, list[bool]]] = {}

    t = time.perf_counter()
    text_fields, text_files, _, _ = _sweep([(n, p, j) for n, p, _, j in cases], "rapidocr")
    elapsed = time.perf_counter() - t
    right, total = _pct(text_fields)
    columns["text"] = text_fields
    figures.append(("text PDFs: expected fields right", f"{right}/{total} ({100 * right / total:.1f} %, target 95 %)"))
    figures.append(("text PDFs: invoices with every field right", f"{sum(text_files.values())}/{len(text_files)}"))
    figures.append(("text PDFs: extraction time", f"{elapsed / len(cases) * 1000:.0f} ms/document"))

    scans = [(n, s, j) for n, _, s, j in cases if s is not None]
    for engine in ENGINES:
        try:
            get_engine(engine)
        except OcrUnavailable as exc:
            figures.append((f"scans ({engine})", f"engine not installed: {exc}"))
            continue
        fields, files, seconds, pages = _sweep(scans, engine)
        right, total = _pct(fields)
        columns[f"scan {engine}"] = fields
        figures.append(
            (f"scans ({engine}): expected fields right", f"{right}/{total} ({100 * right / total:.1f} %, target 85 %)")
        )
        figures.append((f"scans ({engine}): invoices with every field right", f"{sum(files.values())}/{len(files)}"))
        figures.append((f"OCR {engine}", f"{sum(seconds) / max(pages, 1):.2f} s/page ({pages} pages)"))

    names = sorted({f for col in columns.values() for f in col})
    header = f"{'field':<18}" + "".join(f"{c:>18}" for c in columns)
    print(header)
    for name in names:
        print(f"{name:<18}" + "".join(f"{_ratio(col.get(name, [])):>18}" for col in columns.values()))
    return figures


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:<55} {figure}")
