"""Choose net, VAT and total together, so that they agree; and find the currency.

Each amount field has candidates (:mod:`.candidates`). The chosen triple maximises the sum
of the candidates' scores plus a bonus when ``net + VAT = total`` and when ``VAT = rate x
net`` for a VAT rate in use (the rate printed next to the VAT, or a standard one: Norway
25/15/12/11.11 %, and the common European rates). A missing member of an agreeing pair is
derived (``net = total - VAT``), with more confidence when the derived amount is printed
somewhere in the document.

>>> from decimal import Decimal as D
>>> rate_fits(D("593.36"), D("124.61"), None)
True
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from fakturaflyt.core.pdf.candidates import Candidate
from fakturaflyt.core.pdf.model import Field
from fakturaflyt.core.pdf.parsers import as_amount
from fakturaflyt.core.pdf.words import Row

__all__ = ["choose_totals", "find_currency", "rate_fits"]

RATES = (25, 15, 12, 11.11, 21, 20, 19, 10, 9, 8.1, 7, 6, 5.5, 5, 2.5, 22, 23, 24, 27, 16, 17, 18, 14, 13)
_CENT = Decimal("0.011")


def rate_fits(net: Decimal, vat: Decimal, rate: float | None) -> bool:
    """True when ``vat`` is ``rate`` % of ``net`` (or a standard rate's, if no rate is given)."""
    if net <= 0:
        return vat == 0
    rates = (rate,) if rate is not None else RATES
    for r in rates:
        expected = net * Decimal(str(r)) / Decimal(100)
        if abs(expected - vat) <= max(_CENT, net * Decimal("0.0005")):
            return True
    return False


def _best_per_value(cands: list[Candidate]) -> list[Candidate]:
    by_value: dict[object, Candidate] = {}
    count: dict[object, int] = {}
    for c in cands:
        count[c.value] = count.get(c.value, 0) + 1
        if c.value not in by_value or c.score > by_value[c.value].score:
            by_value[c.value] = c
    out = []
    for value, c in by_value.items():
        bonus = min(0.05 * (count[value] - 1), 0.1)
        out.append(
            Candidate(c.field, c.value, min(c.score + bonus, 1.0), c.page, c.bbox, c.label, c.source, c.row, c.rate)
        )
    return sorted(out, key=lambda c: -c.score)[:8]


def choose_totals(cands: list[Candidate], printed: set[Decimal]) -> tuple[dict[str, Field], list[str]]:
    """The net, VAT and total fields; and notes on how they were decided."""
    pools = {
        name: _best_per_value([c for c in cands if c.field == name]) for name in ("net_total", "vat_total", "total")
    }
    best: tuple[float, Candidate | None, Candidate | None, Candidate | None] = (-1.0, None, None, None)
    for n, v, t in itertools.product([None, *pools["net_total"]], [None, *pools["vat_total"]], [None, *pools["total"]]):
        score = sum(c.score for c in (n, v, t) if c is not None)
        nv, vv, tv = (as_amount(c.value) if c else None for c in (n, v, t))
        if nv is not None and tv is not None and nv > tv and tv >= 0:
            score -= 1.0
        if vv is not None and tv is not None and vv > tv and tv > 0:
            score -= 1.0
        if nv is not None and vv is not None and tv is not None:
            score += 1.0 if abs(nv + vv - tv) < _CENT else -0.5
        if nv is not None and vv is not None and rate_fits(nv, vv, v.rate if v else None):
            score += 0.3
        if score > best[0]:
            best = (score, n, v, t)
    _, n, v, t = best
    fields: dict[str, Field] = {}
    notes: list[str] = []
    nv, vv, tv = (as_amount(c.value) if c else None for c in (n, v, t))
    for c in (n, v, t):
        if c is not None:
            fields[c.field] = _field(c, _conf(c.score))
    if nv is not None and vv is not None and tv is not None and abs(nv + vv - tv) < _CENT:
        for name in ("net_total", "vat_total", "total"):
            f = fields[name]
            fields[name] = _boost(f, 0.97 if rate_fits(nv, vv, v.rate if v else None) else 0.93)
        notes.append("net + VAT = total")
    elif tv is not None and vv is not None and nv is None:
        derived = tv - vv
        fields["net_total"] = Field(
            "net_total", derived, _derived_conf(derived, printed, fields), None, None, None, "derived"
        )
        notes.append("net derived as total - VAT")
    elif tv is not None and nv is not None and vv is None:
        derived = tv - nv
        if derived >= 0:
            fields["vat_total"] = Field(
                "vat_total", derived, _derived_conf(derived, printed, fields), None, None, None, "derived"
            )
            notes.append("VAT derived as total - net")
    elif nv is not None and vv is not None and tv is None:
        derived = nv + vv
        fields["total"] = Field("total", derived, _derived_conf(derived, printed, fields), None, None, None, "derived")
        notes.append("total derived as net + VAT")
    elif tv is not None and nv is None and vv is None:
        fields["net_total"] = Field("net_total", tv, 0.35, None, None, None, "derived")
        fields["vat_total"] = Field("vat_total", Decimal("0.00"), 0.3, None, None, None, "derived")
        notes.append("no VAT amount found: net assumed equal to total")
    return fields, notes


def _conf(score: float) -> float:
    return round(min(0.4 + 0.55 * score, 0.95), 3)


def _derived_conf(value: Decimal, printed: set[Decimal], fields: dict[str, Field]) -> float:
    base = min((f.confidence for f in fields.values()), default=0.5)
    return round(min(base, 0.9) * (1.0 if value in printed or value == 0 else 0.75), 3)


def _field(c: Candidate, confidence: float) -> Field:
    return Field(c.field, c.value, confidence, c.page, c.bbox, c.label, c.source)


def _boost(f: Field, floor: float) -> Field:
    return Field(f.name, f.value, max(f.confidence, floor), f.page, f.bbox, f.label, f.source)


_ISO = {"NOK", "SEK", "DKK", "EUR", "USD", "GBP", "CHF", "PLN", "INR", "JPY", "CNY", "CAD", "AUD", "ISK", "CZK", "HUF"}
_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "$": "USD", "¥": "JPY"}
_WORDS = {
    "kr": "NOK",
    "kr.": "NOK",
    "kroner": "NOK",
    "rs": "INR",
    "rs.": "INR",
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "dollar": "USD",
    "us$": "USD",
}


_EURO = {
    "AT",
    "BE",
    "CY",
    "DE",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "EL",
    "HR",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PT",
    "SI",
    "SK",
}
_NATIONAL = {
    "NO": "NOK",
    "SE": "SEK",
    "DK": "DKK",
    "GB": "GBP",
    "CH": "CHF",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "IS": "ISK",
}


def country_currency(country: str) -> str | None:
    """The currency of a country (ISO 3166 alpha-2, or ``EL`` for Greece in VAT numbers)."""
    return "EUR" if country in _EURO else _NATIONAL.get(country)


def find_currency(
    rows: list[Row], totals: dict[str, Field], norwegian: bool, country: str | None = None
) -> Field | None:
    """The invoice currency: codes and symbols, counted more near the chosen amounts.

    With no currency mark at all (OCR may drop ``€``), the currency of the supplier's
    country (from its VAT number or IBAN) is taken, with low confidence.
    """
    votes: dict[str, float] = {}
    where: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    amount_rows = {(f.page, round(f.bbox[1])) for f in totals.values() if f.bbox is not None and f.page is not None}
    for r in rows:
        near = any(p == r.page and abs(y - r.y0) < 2 * r.height for p, y in amount_rows)
        for w in r.words:
            code = _code(w.text)
            if code is None:
                continue
            weight = 3.0 if near else 1.0
            votes[code] = votes.get(code, 0.0) + weight
            where.setdefault(code, (r.page, (w.x0, w.y0, w.x1, w.y1)))
    if not votes:
        guess = country_currency(country) if country else None
        if guess is None and norwegian:
            guess = "NOK"
        return Field("currency", guess, 0.5, None, None, None, "heuristic") if guess else None
    code = max(votes, key=lambda k: votes[k])
    share = votes[code] / sum(votes.values())
    page, box = where[code]
    return Field(
        "currency",
        code,
        round(min(0.5 + 0.45 * share + 0.05 * min(votes[code], 5), 0.98), 3),
        page,
        box,
        None,
        "pattern",
    )


def _code(text: str) -> str | None:
    token = text.strip(":;,()*")
    if token in _ISO:
        return token
    low = token.lower()
    if low in _WORDS:
        return _WORDS[low]
    for sym, code in _SYMBOLS.items():
        if sym in token and (
            token == sym or re.fullmatch(r"[-−]?" + re.escape(sym) + r"?[\d.,'\s]*" + re.escape(sym) + r"?", token)
        ):
            return code
    m = re.fullmatch(r"([A-Z]{3})[\d.,]+|[\d.,]+([A-Z]{3})", token)
    if m and (m.group(1) or m.group(2)) in _ISO:
        return m.group(1) or m.group(2)
    return None
