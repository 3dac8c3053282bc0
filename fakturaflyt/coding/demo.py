"""The demo company's coding history: five months of coded purchase lines, and a few waiting in the queue.

:func:`load_coding_demo` is called by :func:`fakturaflyt.companies.demo.load_demo` and is
idempotent (it does nothing once the company has coding lines). The history is made the way
it would have happened: each line is suggested by the model from the lines before it, then
coded (``confirmed`` when the suggestion was right, ``corrected`` when not, ``auto`` for the
confident ones later on) and learnt. It is written in bulk, so loading stays fast; then the
model is refitted, the touchless thresholds measured, and the queue's lines suggested.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fakturaflyt.coding import engine
from fakturaflyt.coding.models import TARGETS, CodingLine, LearnEvent, LineSource, LineState
from fakturaflyt.coding.services import _create_line, names_for, refresh_thresholds, suggest_lines, suggestion_json
from fakturaflyt.companies.models import Company
from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.core.coding.model import CodingModel
from fakturaflyt.ledger import audit

MONTHS = "januar februar mars april mai juni juli august september oktober november desember".split()
BUYERS = {"Per Innkjøper": "300", "Ola Regnskapsfører": "100", "Kari Attestant": "200"}
HISTORY_DAYS = 180


@dataclass(frozen=True)
class Purchase:
    """One kind of purchase from one demo supplier and how the company codes it."""

    supplier: int  # demo supplier number
    text: Callable[[date, random.Random], str]
    amount: Callable[[random.Random], Decimal]
    account: str
    vat_code: str
    department: str | None  # None: the buyer's department
    project: str = ""
    every_days: int = 30
    vat_rate: str = "25"


def _fixed(value: str) -> Callable[[random.Random], Decimal]:
    return lambda rng: Decimal(value)


def _between(low: int, high: int) -> Callable[[random.Random], Decimal]:
    return lambda rng: Decimal(rng.randrange(low * 100, high * 100)) / 100


def _month(word: str) -> Callable[[date, random.Random], str]:
    return lambda day, rng: f"{word} {MONTHS[day.month - 1]} {day.year}"


def _pick(*texts: str) -> Callable[[date, random.Random], str]:
    return lambda day, rng: rng.choice(texts)


PURCHASES = (
    Purchase(3, _month("Husleie"), _fixed("18500.00"), "6300", "0", "100", vat_rate="0"),
    Purchase(3, _month("Felleskostnader"), _fixed("2450.00"), "6300", "1", "100"),
    Purchase(3, _month("Strøm"), _between(1800, 4200), "6340", "1", "100"),
    Purchase(2, _month("Mobilabonnement bedrift"), _fixed("2396.00"), "6900", "1", "100"),
    Purchase(2, _month("Bredbånd 500/500"), _fixed("899.00"), "6900", "1", "100"),
    Purchase(
        4,
        _pick("Lisenser Skyhavn Regnskap, 12 brukere", "Lisens Skyhavn Lager, årsabonnement"),
        _fixed("4800.00"),
        "6553",
        "1",
        "400",
        "P1002",
    ),
    Purchase(
        4,
        _pick("Konsulentbistand nettbutikk, 12 timer", "Utvikling betalingsløsning nettbutikk"),
        _between(9000, 24000),
        "6790",
        "1",
        "400",
        "P1002",
        every_days=10,
    ),
    Purchase(5, _month("Regnskapsbistand"), _between(6000, 9500), "6705", "1", "100"),
    Purchase(
        1,
        _pick("Kopipapir A4 80g, 5 x 500 ark", "Toner HP 59A sort", "Permer og arkivbokser", "Post-it og tusjer"),
        _between(300, 2200),
        "6800",
        "1",
        None,
        every_days=5,
    ),
    Purchase(
        1,
        _pick("Kontorstol Ergo Pro", "Skrivebord hev/senk 160x80", "Reol 5 hyller eik"),
        _between(3500, 12000),
        "6540",
        "1",
        None,
        every_days=9,
    ),
    Purchase(
        1,
        _pick("Utstillingsmontre glass, showroom Bergen", "Belysningsskinne showroom"),
        _between(8000, 30000),
        "6540",
        "1",
        "200",
        "P1001",
        every_days=35,
    ),
    Purchase(
        1, _pick('Skjerm 27" USB-C', "Dokkingstasjon USB-C"), _between(2500, 6500), "6551", "1", None, every_days=40
    ),
)

#: The lines waiting in the queue: (purchase index, buyer, days ago); the last one is a card charge from a new shop.
QUEUE = (
    (0, "", 2),
    (3, "", 3),
    (8, "Per Innkjøper", 1),
    (9, "Per Innkjøper", 4),
    (5, "", 5),
    (7, "", 2),
    (10, "Kari Attestant", 1),
)


def _history(rng: random.Random, today: date) -> Iterator[tuple[date, Purchase, str]]:
    """(date, purchase, buyer) over the last :data:`HISTORY_DAYS` days, in date order."""
    events: list[tuple[date, int, Purchase, str]] = []
    for i, purchase in enumerate(PURCHASES):
        day = today - timedelta(days=HISTORY_DAYS - rng.randrange(0, purchase.every_days))
        while day < today - timedelta(days=6):
            buyer = rng.choice(list(BUYERS)) if purchase.supplier == 1 else ""
            events.append((day, i, purchase, buyer))
            day += timedelta(days=max(3, purchase.every_days + rng.randrange(-3, 4)))
    events.sort(key=lambda e: (e[0], e[1]))
    for day, _, purchase, buyer in events:
        yield day, purchase, buyer


def _line(purchase: Purchase, day: date, buyer: str, rng: random.Random, suppliers: dict[int, Any]) -> PurchaseLine:
    supplier = suppliers[purchase.supplier]
    return PurchaseLine(
        date=day,
        supplier_id=supplier.orgnr,
        supplier_name=supplier.name,
        description=purchase.text(day, rng),
        amount=purchase.amount(rng),
        currency="NOK",
        buyer=buyer,
        vat_rate=Decimal(purchase.vat_rate),
    )


def _coding(purchase: Purchase, buyer: str) -> dict[str, str]:
    department = purchase.department if purchase.department is not None else BUYERS.get(buyer, "100")
    return {
        "account": purchase.account,
        "vat_code": purchase.vat_code,
        "department": department,
        "project": purchase.project,
    }


def _coded_at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(10, 15)))


def load_coding_demo(company: Company, suppliers: dict[int, Any], accountant: Any) -> int:
    """Load the coding history and queue once; returns the number of lines made (0 when already there)."""
    if CodingLine.objects.filter(company=company).exists():
        return 0
    rng = random.Random(4102)  # noqa: S311 - demonstration data, not security
    today = timezone.localdate()
    names = names_for(company)
    model = CodingModel(engine.core_rules(company.pk), engine.chart(company.pk))
    rows: list[CodingLine] = []
    codings: list[tuple[dict[str, str], dict[str, Any]]] = []
    for n, (day, purchase, buyer) in enumerate(_history(rng, today), start=1):
        line = _line(purchase, day, buyer, rng, suppliers)
        coding = _coding(purchase, buyer)
        suggestion = suggestion_json(model.suggest(line), line, names)
        model.learn(line, coding)
        right = all((suggestion.get(t) or {}).get("value", "") == coding[t] for t in TARGETS)
        confidence = min(float((suggestion.get(t) or {}).get("confidence") or 0.0) for t in TARGETS)
        auto = right and confidence >= 0.97 and n > 60
        rows.append(
            CodingLine(
                company=company,
                source=LineSource.SUPPLIER_INVOICE,
                source_ref=f"demo-{n:04d}",
                line=line.as_json(),
                supplier=suppliers[purchase.supplier],
                description=line.description,
                amount=line.amount,
                currency="NOK",
                line_date=day,
                suggestion=suggestion,
                confidence=confidence,
                suggested_at=_coded_at(day) - timedelta(hours=20),
                state=LineState.AUTO if auto else LineState.CONFIRMED if right else LineState.CORRECTED,
                coded_by=None if auto else accountant,
                coded_at=_coded_at(day),
                **coding,
            )
        )
        codings.append(
            (coding, {t: {"value": e["value"], "confidence": e["confidence"]} for t, e in suggestion.items()})
        )
    created = CodingLine.objects.bulk_create(rows)
    LearnEvent.objects.bulk_create(
        LearnEvent(company=company, line=row, coding=coding, suggested=suggested)
        for row, (coding, suggested) in zip(created, codings, strict=True)
    )
    audit.record(company, None, "coding.history_loaded", None, lines=len(created), source="demo")
    engine.refit(company)
    refresh_thresholds(company)
    queued = _queue(company, suppliers, rng, today)
    return len(created) + len(queued)


def _queue(company: Company, suppliers: dict[int, Any], rng: random.Random, today: date) -> list[CodingLine]:
    """The lines waiting for the accountant, suggested (left in the queue, also the confident ones)."""
    made: list[CodingLine] = []
    for n, (index, buyer, days_ago) in enumerate(QUEUE, start=1):
        purchase = PURCHASES[index]
        line = _line(purchase, today - timedelta(days=days_ago), buyer, rng, suppliers)
        row, _ = _create_line(
            company,
            line,
            source=LineSource.SUPPLIER_INVOICE,
            source_ref=f"demo-queue-{n}",
            line_no=1,
            supplier=suppliers[purchase.supplier],
            document=None,
        )
        made.append(row)
    card = PurchaseLine(
        date=today - timedelta(days=1),
        supplier_name="Clas Ohlson AS",
        description="Verktøysett 52 deler og skjøteledning",
        invoice_text="CLAS OHLSON OSLO CITY",
        amount=Decimal("799.20"),
        currency="NOK",
        buyer="Per Innkjøper",
        vat_rate=Decimal("25"),
    )
    row, _ = _create_line(
        company, card, source=LineSource.CARD, source_ref="demo-card-1", line_no=1, supplier=None, document=None
    )
    made.append(row)
    suggest_lines(made, touchless=False)
    return made


__all__ = ["PURCHASES", "load_coding_demo"]
