"""The supplier's name, without a template.

Invoices seldom label the seller's name, so it is found from several weak signs:

* a company name ends in a legal form (``AS``, ``ASA``, ``AG``, ``GmbH``, ``B.V.``,
  ``SAS``, ``Ltd``, ``Inc.``...): the capitalised words before it are the name;
* the seller's name is repeated (letterhead, footer, payment slip) and stands near the
  seller's identifiers (org.nr, VAT number, account, IBAN);
* the letterhead is at the top of the first page, often in the largest type;
* a name in the buyer's block (``Fakturamottaker``, ``Bill to``, ``ATTN``) is the buyer's.

>>> legal_names("All AWS Services are sold by Amazon Web Services, Inc.")
[('Amazon Web Services, Inc.', 29, 54)]
>>> legal_names("Free SAS au capital de 3.441.812 Euros")
[('Free SAS', 0, 8)]
>>> legal_names("Verschulden der QualityHosting AG berechnen")
[('QualityHosting AG', 16, 33)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from statistics import median

from fakturaflyt.core.pdf.candidates import Candidate, Page, words_in_span
from fakturaflyt.core.pdf.values import fold

__all__ = ["legal_names", "supplier_candidates"]

_FORMS_CS = r"AS|ASA|ANS|DA|SA|AG|KG|OHG|SE|AB|Oy|Oyj|BV|NV|A/S|ApS|SAS|SARL|SRL|SpA|PLC|LLP|LP|KS|SL"
_FORMS_CI = (
    r"gmbh(?:\s*&\s*co\.?\s*kg)?|b\.v\.?|n\.v\.?|s\.a\.s\.?|s\.a\.r\.l\.?|s\.a\.|s\.p\.a\.|s\.r\.l\.|"
    r"ltd\.?|limited|llc|l\.l\.c\.|inc\.?|incorporated|corp\.?|corporation|plc|pvt\.?\s*ltd\.?|"
    r"private\s+limited|co\.,?\s*ltd\.?|e\.k\.|ug|bvba|sprl|gbr|as\.|asa\."
)
_FORM = re.compile(r"(?<![\w&])(?:(?:" + _FORMS_CS + r")|(?i:" + _FORMS_CI + r"))(?![\w&])")
_OCR_AS = re.compile(r"(?<=[a-zæøå]{3} )As$")  # OCR writes "AS" at the end of a name as "As"
_CONNECTORS = {"&", "og", "and", "und", "-", "+"}
_TITLES = re.compile(
    r"^(?:faktura|invoice|tax invoice|rechnung|factuur|facture|fattura|kreditnota|credit note|creditnota|gutschrift|"
    r"avoir|receipt|payment receipt|kvittering|quittung|purring|reminder|mahnung|ordrebekreftelse|order confirmation|"
    r"proforma|pro forma|statement|kontoutskrift|page|side|seite)\b",
)
_BANKS = re.compile(r"(?i)\b(?:bank|sparebank|sparkasse|banque|bancorp)\b")


def legal_names(text: str) -> list[tuple[str, int, int]]:
    """Company names (capitalised words and a legal form) in ``text``, with their spans."""
    out = []
    matches = list(_FORM.finditer(text)) + list(_OCR_AS.finditer(text))
    for m in sorted(matches, key=lambda m: m.start()):
        head = text[: m.start()].rstrip()
        tokens = list(re.finditer(r"\S+", head))
        taken: list[re.Match[str]] = []
        for tok in reversed(tokens):
            word = tok.group(0)
            if word.endswith(":") or len(taken) >= 6:
                break
            bare = word.strip(",.()'\"")
            if bare.lower() in _CONNECTORS and taken:
                taken.append(tok)
                continue
            if not bare or not (bare[0].isupper() or bare[0].isdigit() or any(c.isupper() for c in bare[1:])):
                break
            if re.fullmatch(r"[\d.,\-/]+", bare):  # a number is no part of a name
                break
            taken.append(tok)
        while taken and taken[-1].group(0).strip(",.").lower() in _CONNECTORS:
            taken.pop()
        if not taken:
            continue
        start = taken[-1].start()
        out.append((text[start : m.end()], start, m.end()))
    return out


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


def supplier_candidates(page: Page, ids: list[Candidate]) -> list[Candidate]:
    """Candidates for ``supplier_name``; ``ids`` are the seller-identifier candidates (org.nr, VAT, IBAN)."""
    found: list[tuple[str, int, int, tuple[float, float, float, float], float]] = []  # name, row, page, bbox, size
    all_heights = [w.height for r in page.rows for w in r.words]
    body = median(all_heights) if all_heights else 10.0
    for r in page.rows:
        for seg in r.segments:
            for name, s, e in legal_names(seg.text):
                words = words_in_span(seg, s, e)
                box = (
                    min(w.x0 for w in words),
                    min(w.y0 for w in words),
                    max(w.x1 for w in words),
                    max(w.y1 for w in words),
                )
                found.append((name, r.index, r.page, box, median(w.height for w in words)))
    groups: dict[str, list[tuple[str, int, int, tuple[float, float, float, float], float]]] = defaultdict(list)
    for item in found:
        groups[_key(item[0])].append(item)
    id_rows = [(c.page, c.row, c.bbox) for c in ids if c.score >= 0.5]
    out: list[Candidate] = []
    for items in groups.values():
        rows_seen = {i[1] for i in items}
        score = 0.45 + min(0.1 * (len(rows_seen) - 1), 0.25)
        best = max(items, key=lambda i: (len(i[0]), -i[1]))
        name, row, pg, box, size = best
        if any(_near(page, i[1], i[3], id_rows) for i in items):
            score += 0.2
        if any(i[2] == 1 and i[3][1] < 0.2 * page.height(1) for i in items):
            score += 0.1
        if size > 1.3 * body:
            score += 0.1
        if all(i[1] in page.buyer_rows for i in items):
            score *= 0.35
        if _BANKS.search(name):
            score *= 0.5
        out.append(Candidate("supplier_name", name.strip(" ,"), min(score, 0.95), pg, box, None, "heuristic", row))
    out.extend(_letterhead(page, body))
    return out


def _near(
    page: Page,
    row: int,
    box: tuple[float, float, float, float],
    id_rows: list[tuple[int, int, tuple[float, float, float, float]]],
) -> bool:
    r = page.rows[row]
    for pg, irow, ibox in id_rows:
        if pg != r.page or abs(irow - row) > 8:
            continue
        if irow == row or (ibox[0] < box[2] + 40 and box[0] < ibox[2] + 40):
            return True
    return False


def _letterhead(page: Page, body: float) -> list[Candidate]:
    """The first rows of page 1: the largest plain text that is not a title or a label."""
    out: list[Candidate] = []
    top = 0.22 * page.height(1)
    for r in page.rows:
        if r.page != 1 or r.y0 > top:
            break
        if r.index in page.buyer_rows:
            continue
        for i, seg in enumerate(r.segments):
            text = seg.text.strip()
            if page.hits[(r.index, i)] or _TITLES.match(fold(text)) or "@" in text or "www" in text.lower():
                continue
            letters = sum(c.isalpha() for c in text)
            if letters < 3 or letters < 0.6 * len(text.replace(" ", "")) or len(text) > 60:
                continue
            score = 0.3 + (0.15 if seg.height > 1.3 * body else 0.0) + (0.05 if r.index == 0 else 0.0)
            out.append(Candidate("supplier_name", text, score, r.page, seg.bbox, None, "heuristic", r.index))
    return out
