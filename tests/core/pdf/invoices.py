"""Synthetic invoices in five languages and three layouts, with their true field values.

They test that extraction generalises beyond the corpus: each language has its own labels,
number format and date format; the layouts put values after their labels, in a value
column, or under a header row. Identifiers have valid check digits (computed here).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.no import kontonr, orgnr

from fakturaflyt.core.identifiers import kontonr_to_iban, make_kid

from .pdfmaker import Item, make_pdf

MONTHS = {
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}

LABELS = {
    "no": dict(
        title="FAKTURA",
        number="Fakturanummer",
        date="Fakturadato",
        due="Forfallsdato",
        net="Sum eks. mva",
        vat="Mva {rate} %",
        total="Å betale",
        vatid="Org.nr",
        order="Bestillingsnr.",
        desc="Beskrivelse",
        qty="Antall",
        price="Enhetspris",
        amount="Beløp",
        buyer="Fakturamottaker",
        customer="Kundenr.",
    ),
    "en": dict(
        title="INVOICE",
        number="Invoice number",
        date="Invoice date",
        due="Due date",
        net="Subtotal",
        vat="VAT {rate}%",
        total="Total due",
        vatid="VAT number",
        order="PO number",
        desc="Description",
        qty="Qty",
        price="Unit price",
        amount="Amount",
        buyer="Bill to",
        customer="Customer no.",
    ),
    "de": dict(
        title="RECHNUNG",
        number="Rechnungsnummer",
        date="Rechnungsdatum",
        due="Fällig am",
        net="Nettobetrag",
        vat="MwSt. {rate} %",
        total="Gesamtbetrag",
        vatid="USt-IdNr.",
        order="Bestellnummer",
        desc="Beschreibung",
        qty="Menge",
        price="Einzelpreis",
        amount="Betrag",
        buyer="Rechnungsempfänger",
        customer="Kundennr.",
    ),
    "nl": dict(
        title="FACTUUR",
        number="Factuurnummer",
        date="Factuurdatum",
        due="Vervaldatum",
        net="Totaal excl. BTW",
        vat="BTW {rate}%",
        total="Totaal te betalen",
        vatid="BTW-nummer",
        order="Ordernummer",
        desc="Omschrijving",
        qty="Aantal",
        price="Prijs",
        amount="Bedrag",
        buyer="Factuuradres",
        customer="Klantnummer",
    ),
    "fr": dict(
        title="FACTURE",
        number="N° de facture",
        date="Date de facture",
        due="Date d'échéance",
        net="Total HT",
        vat="TVA {rate} %",
        total="Total TTC",
        vatid="N° TVA intracommunautaire",
        order="N° de commande",
        desc="Désignation",
        qty="Quantité",
        price="Prix unitaire",
        amount="Montant",
        buyer="Adresse de facturation",
        customer="N° client",
    ),
}
RATES = {"no": 25, "en": 20, "de": 19, "nl": 21, "fr": 20}
CURRENCY = {"no": "NOK", "en": "GBP", "de": "EUR", "nl": "EUR", "fr": "EUR"}
COUNTRY = {"en": "GB", "de": "DE", "nl": "NL", "fr": "FR"}
FORMS = {"no": "AS", "en": "Ltd", "de": "GmbH", "nl": "B.V.", "fr": "SAS"}
NAMES = ["Nordlys", "Fjellvind", "Brightwater", "Kastanie", "Zonnebloem", "Lavande", "Havbris", "Elbtal"]
ITEMS = ["Konsulenttimer", "Service agreement", "Wartung Server", "Licentie software", "Maintenance annuelle", "Frakt"]


def money(value: Decimal, lang: str, swiss: bool = False) -> str:
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, frac = f"{q:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    if swiss:
        return "'".join(groups) + "." + frac
    if lang == "en":
        return ",".join(groups) + "." + frac
    if lang in ("de", "nl"):
        return ".".join(groups) + "," + frac
    return " ".join(groups) + "," + frac


def when(d: date, lang: str, style: int) -> str:
    months = MONTHS[lang].split()
    if style == 0:
        return {
            "en": f"{months[d.month - 1]} {d.day}, {d.year}",
            "no": f"{d.day}. {months[d.month - 1]} {d.year}",
            "de": f"{d.day}. {months[d.month - 1]} {d.year}",
        }.get(lang, f"{d.day} {months[d.month - 1]} {d.year}")
    if style == 1:
        return d.strftime("%d/%m/%Y") if lang in ("en", "fr") else d.strftime("%d.%m.%Y")
    return d.isoformat()


def _vat_id(country: str, rng: random.Random) -> str:
    while True:
        body = {"GB": 9, "DE": 9, "NL": 9, "FR": 11}[country]
        digits = "".join(rng.choice("0123456789") for _ in range(body))
        number = country + digits + ("B01" if country == "NL" else "")
        if (gb_vat if country == "GB" else eu_vat).is_valid(number):
            return number


def _orgnr(rng: random.Random) -> str:
    while True:
        base = str(rng.randint(80000000, 99999999))
        for d in "0123456789":
            if orgnr.is_valid(base + d):
                return base + d


def _kontonr(rng: random.Random) -> str:
    while True:
        base = str(rng.randint(1000000000, 9999999999))
        for d in "0123456789":
            if kontonr.is_valid(base + d):
                return base + d


@dataclass
class Invoice:
    lang: str
    layout: int
    pdf: bytes
    truth: dict[str, str] = field(default_factory=dict)


def make_invoice(lang: str, layout: int, seed: int, *, date_style: int | None = None, swiss: bool = False) -> Invoice:
    rng = random.Random(seed * 31 + layout * 7 + sum(map(ord, lang)))
    L = LABELS[lang]
    rate = RATES[lang]
    issued = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
    due = issued + timedelta(days=rng.choice((10, 14, 30)))
    style = date_style if date_style is not None else rng.randint(0, 2)
    number = (
        f"{rng.randint(2024, 2026)}-{rng.randint(100, 99999)}"
        if rng.random() < 0.5
        else str(rng.randint(10000, 9999999))
    )
    order = f"PO{rng.randint(1000, 99999)}"
    lines = []
    for _ in range(rng.randint(1, 4)):
        qty = Decimal(rng.randint(1, 12))
        price = Decimal(rng.randint(1000, 250000)) / 100
        lines.append((rng.choice(ITEMS), qty, price, (qty * price).quantize(Decimal("0.01"))))
    net = sum((line[3] for line in lines), Decimal(0))
    vat = (net * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    total = net + vat
    currency = "CHF" if swiss else CURRENCY[lang]
    supplier = f"{rng.choice(NAMES)} {rng.choice(['Consulting', 'Handel', 'Services', 'Bygg'])} {FORMS[lang]}"
    buyer = f"{rng.choice(NAMES)} Kunde {FORMS[lang]}"
    truth = {
        "supplier_name": supplier,
        "invoice_number": number,
        "issue_date": issued.isoformat(),
        "due_date": due.isoformat(),
        "net_total": f"{net:.2f}",
        "vat_total": f"{vat:.2f}",
        "total": f"{total:.2f}",
        "currency": currency,
        "order_reference": order,
    }
    items: list[Item] = []
    fmt = lambda v: money(v, lang, swiss)  # noqa: E731
    if lang == "no":
        org = _orgnr(rng)
        konto = _kontonr(rng)
        kid = make_kid(str(rng.randint(1000, 99999999)), "mod10")
        truth.update(
            supplier_orgnr=org, supplier_vat_id=f"NO{org}MVA", kid=kid, bank_account=konto, iban=kontonr_to_iban(konto)
        )
        vat_line = f"{L['vatid']}: {org[:3]} {org[3:6]} {org[6:]} MVA"
    else:
        vid = _vat_id(COUNTRY[lang], rng)
        truth["supplier_vat_id"] = vid
        vat_line = f"{L['vatid']}: {vid}"
    # letterhead
    items += [
        (50, 40, supplier, 18),
        (50, 64, "Storgata 1, 0155 Oslo" if lang == "no" else "Main Street 1", 9),
        (50, 76, vat_line, 9),
    ]
    # buyer block (with its own company name, which must not be taken for the supplier)
    items += [(50, 120, L["buyer"] + ":", 9), (50, 132, buyer, 10), (50, 144, "Kundeveien 9", 10)]
    items += [(380, 40, L["title"], 20)]
    d = lambda x: when(x, lang, style)  # noqa: E731
    if layout == 0:  # label: value
        items += [
            (340, 120, f"{L['number']}: {number}", 10),
            (340, 134, f"{L['date']}: {d(issued)}", 10),
            (340, 148, f"{L['due']}: {d(due)}", 10),
            (340, 162, f"{L['order']}: {order}", 10),
            (340, 176, f"{L['customer']}: {rng.randint(1000, 9999)}", 10),
        ]
    elif layout == 1:  # label column, value column
        for i, (label, value) in enumerate(
            [
                (L["number"], number),
                (L["date"], d(issued)),
                (L["due"], d(due)),
                (L["order"], order),
                (L["customer"], str(rng.randint(1000, 9999))),
            ]
        ):
            items += [(320, 120 + 14 * i, label, 10), (460, 120 + 14 * i, value, 10)]
    else:  # headers over values
        for i, (label, value) in enumerate(
            [(L["number"], number), (L["date"], d(issued)), (L["due"], d(due)), (L["order"], order)]
        ):
            items += [(50 + 130 * i, 200, label, 9), (50 + 130 * i, 212, value, 10)]
    y = 260
    items += [(50, y, L["desc"], 9), (300, y, L["qty"], 9), (370, y, L["price"], 9), (480, y, L["amount"], 9)]
    for text, qty, price, amount in lines:
        y += 16
        items += [(50, y, text, 10), (300, y, str(qty), 10), (370, y, fmt(price), 10), (480, y, fmt(amount), 10)]
    y += 40
    for label, value in [(L["net"], net), (L["vat"].format(rate=rate), vat), (L["total"], total)]:
        items += [
            (330, y, f"{label}:" if layout != 2 else label, 10),
            (480, y, fmt(value) + ("" if layout else f" {currency}"), 10),
        ]
        y += 16
    if layout != 0:
        items += [(50, y + 10, f"{currency}", 9)]
    if lang == "no":
        k = truth["bank_account"]
        iban = truth["iban"]
        items += [
            (50, y + 40, f"Kontonummer: {k[:4]}.{k[4:6]}.{k[6:]}", 10),
            (50, y + 54, f"KID: {truth['kid']}", 10),
            (50, y + 68, "IBAN: " + " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)), 10),
        ]
    items += [(50, 800, f"{supplier} · {vat_line}", 8)]
    return Invoice(lang, layout, make_pdf([items]), truth)
