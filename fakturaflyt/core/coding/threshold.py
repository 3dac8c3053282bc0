"""The touchless threshold: the lowest confidence at which past suggestions were right often enough.

A line whose suggestions all reach the company's threshold is coded without a human touch.
The threshold is measured, not guessed: over the recent history (by default the last 90 days)
of suggestions and what the accountant finally chose, it is the lowest confidence ``t`` such
that the suggestions with confidence ``t`` or more were right at least ``precision`` of the
time (default 98 %), with at least ``min_rows`` of them. With less history there is no
threshold, and everything goes to the coding queue.

>>> history = [(0.99, True)] * 60 + [(0.9, True)] * 30 + [(0.9, False)] * 5 + [(0.5, False)] * 20
>>> choose_threshold(history, precision=0.98)
0.99
>>> choose_threshold(history, precision=0.9)
0.9
>>> choose_threshold(history[:10]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

RESOLUTION = 1000


class ThresholdCounter:
    """Confidences and hits in 1/1000 bins; :meth:`threshold` scans them from the top."""

    def __init__(self) -> None:
        self.seen = [0] * (RESOLUTION + 1)
        self.hits = [0] * (RESOLUTION + 1)

    @staticmethod
    def _bin(confidence: float) -> int:
        return min(RESOLUTION, max(0, int(round(confidence * RESOLUTION, 6))))

    def add(self, confidence: float, correct: bool) -> None:
        b = self._bin(confidence)
        self.seen[b] += 1
        self.hits[b] += int(correct)

    def threshold(self, precision: float, min_rows: int) -> float | None:
        n = hits = 0
        best: float | None = None
        for b in range(RESOLUTION, -1, -1):
            n += self.seen[b]
            hits += self.hits[b]
            if self.seen[b] and n >= min_rows and hits >= precision * n:
                best = b / RESOLUTION
        return best

    def reaches(self, confidence: float, threshold: float | None) -> bool:
        return threshold is not None and self._bin(confidence) / RESOLUTION >= threshold


def choose_threshold(
    history: Iterable[tuple[float, bool]], *, precision: float = 0.98, min_rows: int = 50
) -> float | None:
    """The lowest threshold with precision ≥ ``precision`` over ≥ ``min_rows`` suggestions, or None."""
    counter = ThresholdCounter()
    for confidence, correct in history:
        counter.add(confidence, correct)
    return counter.threshold(precision, min_rows)


def precision_at(history: Iterable[tuple[float, bool]], threshold: float) -> tuple[int, float | None]:
    """How many suggestions reached the threshold, and the share of them that were right."""
    n = hits = 0
    for confidence, correct in history:
        if confidence >= threshold:
            n += 1
            hits += int(correct)
    return n, (hits / n if n else None)


__all__ = ["ThresholdCounter", "choose_threshold", "precision_at"]
