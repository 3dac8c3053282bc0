"""Cold start: company rules and the standard account names, as hints to the learner.

A brand-new company has no history, so the first proposals come from

* **company rules** (:class:`CodingRule`): a supplier's default coding ("Telenor → 6900,
  department 20") and keyword rules ("husleie → 6300"), set up by the accountant;
* **standard keywords**: common Norwegian (and English) purchase words mapped to the
  NS 4102 accounts they belong on (:data:`STANDARD_KEYWORDS`), offered only for accounts the
  company has in its chart;
* **the chart itself**: a line word that matches a word in an account's name ("reparasjon"
  in "Reparasjon og vedlikehold annet" → 6600);
* **the VAT rate** on the line → the input VAT code for that rate (25 % → 1, 15 % → 11,
  12 % → 13, 0 % → 0).

Rules are hints, not overrides: they carry much weight when there is no history, and the
learner lowers their weight by itself when the accountant keeps correcting them.

>>> hints_for(PurchaseLine(description="Husleie desember"), "account", chart={"6300": "Leie lokale"})
[Hint(label='6300', kind='chart', key='husleie', strength=1.0)]
>>> hints_for(PurchaseLine(vat_rate=Decimal("15")), "vat_code")
[Hint(label='11', kind='chart', key='15 %', strength=1.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from fakturaflyt.core.coding.features import PurchaseLine, normalise_supplier, words
from fakturaflyt.core.coding.learner import Hint

Target = Literal["account", "vat_code", "department", "project"]
TARGETS: tuple[Target, ...] = ("account", "vat_code", "department", "project")

#: Purchase words and the NS 4102 account they are normally posted to (Norsk Standard kontoplan).
STANDARD_KEYWORDS: dict[str, str] = {
    # 4xxx cost of goods
    "varekjøp": "4300",
    "innkjøp": "4300",
    "frakt": "4500",
    "toll": "4500",
    # 5xxx personnel
    "kurs": "5920",
    "opplæring": "5920",
    "training": "5920",
    "arbeidstøy": "5900",
    "velferd": "5990",
    # 6xxx operating costs
    "husleie": "6300",
    "leie": "6300",
    "rent": "6300",
    "fellesutgifter": "6300",
    "strøm": "6340",
    "elektrisitet": "6340",
    "nettleie": "6340",
    "electricity": "6340",
    "renhold": "6360",
    "vask": "6360",
    "cleaning": "6360",
    "vakthold": "6390",
    "inventar": "6540",
    "møbler": "6540",
    "furniture": "6540",
    "verktøy": "6510",
    "datautstyr": "6551",
    "pc": "6551",
    "laptop": "6551",
    "skjerm": "6551",
    "lisens": "6553",
    "lisenser": "6553",
    "programvare": "6553",
    "software": "6553",
    "abonnement": "6553",
    "reparasjon": "6600",
    "vedlikehold": "6600",
    "service": "6600",
    "repair": "6600",
    "regnskap": "6705",
    "revisjon": "6701",
    "advokat": "6720",
    "juridisk": "6720",
    "konsulent": "6790",
    "rådgivning": "6790",
    "kontorrekvisita": "6800",
    "rekvisita": "6800",
    "papir": "6800",
    "toner": "6800",
    "stationery": "6800",
    "trykksaker": "6820",
    "aviser": "6840",
    "tidsskrift": "6840",
    "bøker": "6840",
    "møte": "6860",
    "bevertning": "6860",
    "telefon": "6900",
    "mobil": "6900",
    "bredbånd": "6900",
    "internett": "6900",
    "phone": "6900",
    "porto": "6940",
    "postage": "6940",
    "drivstoff": "7000",
    "bensin": "7000",
    "diesel": "7000",
    "fuel": "7000",
    "parkering": "7040",
    "bompenger": "7040",
    "reise": "7140",
    "fly": "7140",
    "flybillett": "7140",
    "hotell": "7140",
    "overnatting": "7140",
    "taxi": "7140",
    "travel": "7140",
    "hotel": "7140",
    "annonse": "7320",
    "annonsering": "7320",
    "reklame": "7330",
    "markedsføring": "7330",
    "advertising": "7320",
    "representasjon": "7350",
    "gave": "7420",
    "gaver": "7420",
    "kontingent": "7410",
    "medlemskap": "7410",
    "forsikring": "7500",
    "insurance": "7500",
    "bankgebyr": "7770",
    "gebyr": "7770",
}

#: The input VAT code for each rate on a purchase line (SAF-T standard codes, see core.vat).
INPUT_VAT_BY_RATE: dict[Decimal, str] = {
    Decimal("25"): "1",
    Decimal("15"): "11",
    Decimal("12"): "13",
    Decimal("11.11"): "12",
    Decimal("0"): "0",
}

_STOP = frozenset("og annet annen andre for til med fra kostnad kostnader utgifter inntekt other and costs".split())


@dataclass(frozen=True, slots=True)
class CodingRule:
    """A company rule. ``kind`` "supplier": lines from the supplier (org.nr or name); "keyword": lines whose
    text holds the keyword (a word or the start of a word, case-insensitive)."""

    kind: Literal["supplier", "keyword"]
    pattern: str
    target: Target
    value: str

    def matches(self, line: PurchaseLine, line_words: Sequence[str]) -> bool:
        if self.kind == "supplier":
            pattern = self.pattern.strip().casefold()
            return bool(pattern) and pattern in (
                line.supplier_id.strip().casefold(),
                normalise_supplier(line.supplier_name),
                line.supplier_name.strip().casefold(),
            )
        keyword = self.pattern.strip().casefold()
        if not keyword:
            return False
        if " " in keyword:
            return keyword in f"{line.description} {line.invoice_text}".casefold()
        return any(w.startswith(keyword) for w in line_words)


def _chart_words(chart: Mapping[str, str]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for number, name in chart.items():
        if number[:1] not in "4567":
            continue
        for w in words(name):
            if len(w) >= 4 and w not in _STOP:
                index.setdefault(w, []).append(number)
    return index


class HintSource:
    """Rules, standard keywords and chart names for one company, ready to give hints per line and target."""

    def __init__(self, rules: Sequence[CodingRule] = (), chart: Mapping[str, str] | None = None) -> None:
        self.rules = tuple(rules)
        self.chart = dict(chart or {})
        self._chart_words = _chart_words(self.chart)

    def hints(self, line: PurchaseLine, target: str) -> list[Hint]:
        line_words = words(line.description) + words(line.invoice_text)
        found: dict[str, Hint] = {}
        for rule in self.rules:
            if rule.target == target and rule.matches(line, line_words):
                found.setdefault(rule.value, Hint(rule.value, "rule", rule.pattern, 1.0))
        if target == "account":
            for w in line_words:
                number = STANDARD_KEYWORDS.get(w)
                if number and (not self.chart or number in self.chart) and number not in found:
                    found[number] = Hint(number, "chart", w, 1.0)
                for number in self._chart_words.get(w, ()):
                    if number not in found:
                        found[number] = Hint(number, "chart", w, 0.7)
        elif target == "vat_code" and line.vat_rate is not None:
            code = INPUT_VAT_BY_RATE.get(line.vat_rate.normalize()) or INPUT_VAT_BY_RATE.get(line.vat_rate)
            if code is not None and code not in found:
                found[code] = Hint(code, "chart", f"{line.vat_rate.normalize()} %", 1.0)
        return list(found.values())


def hints_for(
    line: PurchaseLine, target: str, rules: Sequence[CodingRule] = (), chart: Mapping[str, str] | None = None
) -> list[Hint]:
    """The hints for one line and target (see :class:`HintSource` for many lines)."""
    return HintSource(rules, chart).hints(line, target)


__all__ = ["INPUT_VAT_BY_RATE", "STANDARD_KEYWORDS", "TARGETS", "CodingRule", "HintSource", "Target", "hints_for"]
