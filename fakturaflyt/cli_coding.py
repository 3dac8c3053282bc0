"""``fakturaflyt coding``: the coding engine from the command line (issue 5).

``fakturaflyt coding evaluate --csv FILE --label COLUMN [--feature COL ...] [--json]`` runs a
prequential (test-then-learn) evaluation: rows sorted by date, each predicted from everything
before it, then learnt. With ``--json``::

    {"label", "rows",
     "accuracy": {"d0_7", "d8_30", "d31_90", "d91_365", "d366_plus", "all"},
     "coverage_at_precision": {"0.95", "0.98", "0.99"},
     "precision_of_covered": {...}, "rows_by_period": {...}, "calibration": [...], "seconds"}

Accuracy is null for a period without rows. The CSV needs ``date, supplier, description,
amount`` and the label column; ``--feature`` names further columns to learn from (a
``card``/``buyer`` column is taken as the buyer). Runs without a database.

Exit codes: 0 done; 1 the CSV lacks a column or has a bad date (the message names it);
2 the file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from fakturaflyt.core.coding.evaluate import PERIODS, PRECISIONS, evaluate_csv
from fakturaflyt.core.errors import FormatError

coding_app = typer.Typer(help="The coding engine (kontering): evaluation.", no_args_is_help=True)

PERIOD_NAMES = {
    "d0_7": "days 0-7",
    "d8_30": "days 8-30",
    "d31_90": "days 31-90",
    "d91_365": "days 91-365",
    "d366_plus": "days 366+",
    "all": "all",
}


@coding_app.callback()
def _group() -> None:
    """The coding engine (kontering)."""


@coding_app.command("evaluate")
def evaluate(
    csv_file: Annotated[Path, typer.Option("--csv", help="CSV with date, supplier, description, amount and labels.")],
    label: Annotated[str, typer.Option("--label", help="The label column to learn and predict.")],
    feature: Annotated[
        list[str] | None, typer.Option("--feature", help="A further column to learn from (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Prequential (test-then-learn) evaluation of the coding engine on a CSV of coded lines."""
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        _fail(f"Cannot read {csv_file}: {exc.strerror}", 2, as_json)
    try:
        result = evaluate_csv(data, label, feature or ()).as_json()
    except FormatError as exc:
        problem = exc.problems[0]
        _fail(f"{csv_file}: {problem.message}", 1, as_json, problem.code)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    table = Table(title=f"{label}: {result['rows']} rows, {result['seconds']} s")
    table.add_column("history")
    table.add_column("rows", justify="right")
    table.add_column("accuracy", justify="right")
    for name, _, _ in (*PERIODS, ("all", 0, 0)):
        value = result["accuracy"][name]
        rows = result["rows_by_period"].get(name, result["rows"])
        table.add_row(PERIOD_NAMES[name], str(rows), "-" if value is None else f"{value:.3f}")
    console = Console()
    console.print(table)
    for p in PRECISIONS:
        covered = result["coverage_at_precision"][p]
        actual = result["precision_of_covered"][p]
        console.print(
            f"touchless at precision {p}: {covered:.1%} of rows"
            + (f" (their precision {actual:.3f})" if actual is not None else "")
        )


def _fail(message: str, exit_code: int, as_json: bool, code: str = "FF-CODING-CSV-UNREADABLE") -> NoReturn:
    if as_json:
        print(json.dumps({"error": message, "code": code}, ensure_ascii=False))
    else:
        Console(stderr=True).print(f"[red]{code}: {message}[/red]")
    raise typer.Exit(exit_code)
