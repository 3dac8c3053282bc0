"""Prequential (test-then-learn) evaluation of the coding engine on a CSV of coded lines.

Rows are taken in date order. Each row is first predicted from everything before it, then its
true label is revealed and learnt, exactly as in daily use. Accuracy is reported by the age of
the history at the row (days since the first row: 0-7, 8-30, 31-90, 91-365, 366+), and
*coverage at precision* P is the share of rows whose confidence reached the threshold that, on
the rows before it, kept the precision of the rows above it at P or better: the threshold is
chosen online from past rows only, no peeking. This is what a company would get touchless.

The CSV has the columns ``date, supplier, description, amount`` and the label columns; the
``--feature`` columns become extra evidence (``buyer``/``card`` is taken as the buyer).
"""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.core.coding.learner import TargetLearner
from fakturaflyt.core.coding.threshold import ThresholdCounter
from fakturaflyt.core.errors import FormatError

PERIODS = (("d0_7", 0, 7), ("d8_30", 8, 30), ("d31_90", 31, 90), ("d91_365", 91, 365), ("d366_plus", 366, 10**9))
PRECISIONS = ("0.95", "0.98", "0.99")
REQUIRED = ("date", "supplier", "description", "amount")
#: Columns taken as the buyer (card holder, requester) when named as a feature.
BUYER_COLUMNS = ("buyer", "card", "card_holder", "requester", "account_user")


class OnlineThreshold:
    """The touchless threshold chosen online: recomputed every ``every`` rows from the rows before."""

    def __init__(self, precision: float, *, every: int = 25, min_rows: int = 30) -> None:
        self.precision = precision
        self.every = every
        self.min_rows = min_rows
        self.counter = ThresholdCounter()
        self.threshold: float | None = None
        self._since = 0

    def add(self, confidence: float, correct: bool) -> None:
        self.counter.add(confidence, correct)
        self._since += 1
        if self._since >= self.every:
            self._since = 0
            self.threshold = self.counter.threshold(self.precision, self.min_rows)

    def covers(self, confidence: float) -> bool:
        return self.counter.reaches(confidence, self.threshold)


@dataclass
class Evaluation:
    label: str
    rows: int = 0
    correct: dict[str, int] = field(default_factory=lambda: {p[0]: 0 for p in PERIODS})
    counted: dict[str, int] = field(default_factory=lambda: {p[0]: 0 for p in PERIODS})
    covered: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRECISIONS, 0))
    covered_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRECISIONS, 0))
    seconds: float = 0.0
    peak_memory_mb: float | None = None
    calibration: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        accuracy = {
            name: round(self.correct[name] / self.counted[name], 4) if self.counted[name] else None
            for name, _, _ in PERIODS
        }
        total = sum(self.counted.values())
        accuracy["all"] = round(sum(self.correct.values()) / total, 4) if total else None
        result: dict[str, Any] = {
            "label": self.label,
            "rows": self.rows,
            "accuracy": accuracy,
            "coverage_at_precision": {
                p: round(self.covered[p] / self.rows, 4) if self.rows else 0.0 for p in PRECISIONS
            },
            "precision_of_covered": {
                p: round(self.covered_right[p] / self.covered[p], 4) if self.covered[p] else None for p in PRECISIONS
            },
            "rows_by_period": dict(self.counted),
            "calibration": self.calibration,
            "seconds": round(self.seconds, 2),
        }
        if self.peak_memory_mb is not None:
            result["peak_memory_mb"] = round(self.peak_memory_mb, 1)
        return result


def read_rows(data: bytes | str, label: str, feature_columns: Sequence[str] = ()) -> list[dict[str, str]]:
    """The CSV's rows, checked for the required and named columns, sorted by date (stable)."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise FormatError(
            "FF-CODING-CSV-UNREADABLE", f"the CSV is not UTF-8 text (byte {exc.start}); save it as UTF-8", "file"
        ) from None
    # newline="": a lone CR inside a line is a line end, as the csv module documents (found by fuzzing)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = reader.fieldnames or []
        # a short row has None for its missing cells, a long one its extra cells under None: both become ""/dropped
        rows = [{k: v if isinstance(v, str) else "" for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise FormatError(
            "FF-CODING-CSV-UNREADABLE", f"line {reader.line_num}: not readable CSV ({exc})", f"line {reader.line_num}"
        ) from None
    missing = [c for c in (*REQUIRED, label, *feature_columns) if c not in columns]
    if missing:
        raise FormatError(
            "FF-CODING-CSV-COLUMNS",
            f"the CSV lacks the column(s) {', '.join(missing)} (it has {', '.join(columns) or 'no header'})",
            "header",
        )
    for number, row in enumerate(rows, start=2):
        try:
            row["_date"] = date.fromisoformat(row["date"].strip()).isoformat()
        except ValueError:
            raise FormatError(
                "FF-CODING-CSV-DATE", f"line {number}: date {row['date']!r} is not an ISO date (YYYY-MM-DD)", "date"
            ) from None
    rows.sort(key=lambda r: r["_date"])
    return rows


def line_from_row(row: Mapping[str, str], feature_columns: Sequence[str] = ()) -> PurchaseLine:
    """A CSV row as a purchase line: a buyer column becomes the buyer, other named columns extra evidence."""
    try:
        amount: Decimal | None = Decimal(row["amount"].strip()) if row.get("amount", "").strip() else None
    except InvalidOperation:
        amount = None
    buyer = ""
    extra: list[tuple[str, str]] = []
    for column in feature_columns:
        value = (row.get(column) or "").strip()
        if column.casefold() in BUYER_COLUMNS and not buyer:
            buyer = value
        elif value:
            extra.append((column, value))
    return PurchaseLine(
        date=date.fromisoformat(row.get("_date") or row["date"].strip()),
        supplier_name=row.get("supplier", ""),
        description=row.get("description", ""),
        amount=amount,
        currency=(row.get("currency") or "").strip(),
        buyer=buyer,
        extra=tuple(extra),
    )


def prequential(
    lines: Iterable[tuple[PurchaseLine, str]], label: str = "label", *, measure_memory: bool = False
) -> Evaluation:
    """Test-then-learn over (line, true label) pairs in date order."""
    result = Evaluation(label)
    learner = TargetLearner(label)
    thresholds = {p: OnlineThreshold(float(p)) for p in PRECISIONS}
    buckets = [[0, 0, 0.0] for _ in range(10)]  # calibration: rows, right, sum of confidence
    first: date | None = None
    if measure_memory:
        tracemalloc.start()
    started = time.perf_counter()
    for line, truth in lines:
        day = line.date or first or date.today()
        first = first or day
        age = (day - first).days
        suggestion = learner.predict(line, explain=False)
        guess = suggestion.label if suggestion else None
        confidence = suggestion.confidence if suggestion else 0.0
        right = guess == truth
        period = next(name for name, lo, hi in PERIODS if lo <= age <= hi)
        result.counted[period] += 1
        result.correct[period] += int(right)
        for p, threshold in thresholds.items():
            if suggestion is not None and threshold.covers(confidence):
                result.covered[p] += 1
                result.covered_right[p] += int(right)
            threshold.add(confidence, right)
        bucket = buckets[min(9, int(confidence * 10))]
        bucket[0] += 1
        bucket[1] += int(right)
        bucket[2] += confidence
        learner.learn(line, truth, predicted=suggestion)
        result.rows += 1
    result.seconds = time.perf_counter() - started
    if measure_memory:
        result.peak_memory_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    result.calibration = [
        {
            "bucket": f"{i / 10:.1f}-{(i + 1) / 10:.1f}",
            "rows": n,
            "accuracy": round(right / n, 4),
            "mean_confidence": round(conf / n, 4),
        }
        for i, (n, right, conf) in enumerate(buckets)
        if n
    ]
    return result


def evaluate_csv(
    data: bytes | str, label: str, feature_columns: Sequence[str] = (), *, measure_memory: bool = False
) -> Evaluation:
    """Read the CSV and run :func:`prequential` on the ``label`` column (rows with an empty label are skipped)."""
    rows = read_rows(data, label, feature_columns)
    pairs = _pairs(rows, label, feature_columns)
    return prequential(pairs, label, measure_memory=measure_memory)


def _pairs(
    rows: Sequence[Mapping[str, str]], label: str, features: Sequence[str]
) -> Iterator[tuple[PurchaseLine, str]]:
    for row in rows:
        truth = (row.get(label) or "").strip()
        if truth:
            yield line_from_row(row, features), truth


__all__ = ["PERIODS", "PRECISIONS", "Evaluation", "OnlineThreshold", "evaluate_csv", "line_from_row", "prequential"]
