"""Words with positions, and their grouping into rows and segments.

Both readers, the PDF text layer (:mod:`.text`) and OCR (:mod:`.ocr`), give the same thing:
a :class:`Word` with its text, its page (1-based) and its box in PDF points (1/72 inch)
with the origin at the top left of the page as it is shown (rotation applied), y growing
downwards. Field extraction works on *rows* (words on one visual line) split into
*segments* (runs of words with no column gap between them), the unit a label and its value
usually share.

>>> ws = [Word("Fakturanr:", 1, 10, 10, 50, 20), Word("123", 1, 53, 10, 65, 20), Word("Dato", 1, 200, 10, 220, 20)]
>>> [s.text for s in rows(ws)[0].segments]
['Fakturanr: 123', 'Dato']
>>> split_glued("Org.nr:987654325MVA")
['Org.nr:', '987654325MVA']
>>> split_glued("kl.10:30")
['kl.10:30']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

__all__ = ["Row", "Segment", "Word", "rows", "split_glued"]


@dataclass(frozen=True, slots=True)
class Word:
    """One word: text, 1-based page, box in points from the top left of the shown page."""

    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 0.1)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class Segment:
    """Words on one row with no column gap between them."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> float:
        return median(w.height for w in self.words)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True, slots=True)
class Row:
    """One visual line of a page: its segments from left to right."""

    segments: tuple[Segment, ...]
    index: int

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def page(self) -> int:
        return self.segments[0].page

    @property
    def y0(self) -> float:
        return min(s.y0 for s in self.segments)

    @property
    def y1(self) -> float:
        return max(s.y1 for s in self.segments)

    @property
    def height(self) -> float:
        return median(w.height for w in self.words)


# "Label:value" glued together (OCR drops the space after a colon): split after the colon,
# but not inside times or ratios ("10:30") or URLs ("https://").
_GLUED = re.compile(r"^(.*?[^\W\d_][.)]?:)(?!//)(\S.*)$")


def split_glued(text: str) -> list[str]:
    """Split ``Label:value`` into ``['Label:', 'value']``; other text is one piece."""
    m = _GLUED.match(text)
    if not m:
        return [text]
    return [m.group(1), *split_glued(m.group(2))]


def rows(words: Iterable[Word], *, gap: float = 0.9) -> list[Row]:
    """Group words into rows (per page, top to bottom) and each row into segments.

    Two words are in one segment when the space between them is at most ``gap`` times the
    row's typical word height (plus a point). Text-layer boxes span the font's full height;
    OCR boxes hug the ink, so OCR'd words need a larger factor (about 1.5).
    """
    by_page: dict[int, list[Word]] = {}
    for w in words:
        if w.text.strip():
            by_page.setdefault(w.page, []).append(w)
    result: list[Row] = []
    for page in sorted(by_page):
        for line in _page_lines(by_page[page]):
            result.append(Row(_segments(line, gap), len(result)))
    return result


def _page_lines(words: Sequence[Word]) -> list[list[Word]]:
    lines: list[tuple[float, float, list[Word]]] = []  # (y-centre, height, words)
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        best = -1
        for i in range(len(lines) - 1, max(len(lines) - 6, -1), -1):
            cy, h, _ = lines[i]
            if abs(w.cy - cy) <= 0.45 * min(h, w.height) + 0.5 and 0.4 < w.height / h < 2.5:
                best = i
                break
        if best < 0:
            lines.append((w.cy, w.height, [w]))
        else:
            cy, h, ws = lines[best]
            ws.append(w)
            n = len(ws)
            lines[best] = (cy + (w.cy - cy) / n, h + (w.height - h) / n, ws)
    out = [sorted(ws, key=lambda w: w.x0) for _, _, ws in lines]
    out.sort(key=lambda ws: (median(w.cy for w in ws), ws[0].x0))
    return out


def _segments(line: list[Word], gap: float) -> tuple[Segment, ...]:
    segments: list[list[Word]] = [[line[0]]]
    typical = median(w.height for w in line)
    for prev, w in itertools.pairwise(line):
        if w.x0 - prev.x1 > gap * max(typical, min(prev.height, w.height)) + 1.0:
            segments.append([w])
        else:
            segments[-1].append(w)
    return tuple(Segment(tuple(s)) for s in segments)
