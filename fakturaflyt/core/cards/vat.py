"""The Norwegian VAT treatment of one card-bought item (merverdiavgiftsloven, "mval").

:func:`vat_for_line` decides the SAF-T standard VAT code (:data:`fakturaflyt.core.vat.STANDARD_VAT_CODES`)
of one :class:`~fakturaflyt.core.cards.orders.OrderLine`, and whether the tax the shop charged
may be deducted as Norwegian input VAT. :func:`is_foreign` says whether the purchase is one
from abroad.

Domestic purchases (a Norwegian shop, NOK):

* tax charged: the rate is read from tax / net and matched to 25 %, 15 % or 12 %
  (mval §§ 5-1 to 5-3) within about one percentage point, widened for the rounding of small
  amounts; the charged VAT is deductible input VAT (mval § 8-1) with code 1, 11 or 13. A rate
  that fits none is given the nearest rate's code, and the reason says so (``review=True``);
* no tax charged: code 0 (no VAT treatment; zero-rated books, exempt services, etc.).

Purchases from abroad (a foreign shop or a currency other than NOK):

* goods: since 1 January 2017 a VAT-registered business calculates the import VAT itself in
  its VAT return (omvendt avgiftsplikt ved innførsel, mval § 11-1 (2), and deducts it under
  § 8-1): code 81 at 25 %, code 83 at 15 % for food (UNSPSC segment 50, mval § 5-2);
* printed books and newspapers: import is zero-rated (mval § 6-21 with §§ 6-1 and 6-4):
  code 85;
* services and digital deliveries (software downloads, apps, subscriptions, cloud, digital
  music and video): services bought from abroad, the buyer calculates the VAT (reverse
  charge, mval § 3-30 and § 11-3): code 86 at 25 %;
* electronic books and newspapers (e-books, e-papers, digital audiobooks) are zero-rated also
  when delivered electronically (mval § 6-2 and § 6-4): reverse charge at 0 % leaves nothing
  to report, and the SAF-T codes for services from abroad (86-89) have only 25 % and 12 %, so
  code 0 is used;
* tax charged by a foreign shop (German MwSt, UK VAT, US sales tax) is not Norwegian input VAT:
  ``deductible_charged_vat=False``, it is part of the line's cost.

Gift cards (gavekort) are a means of payment, not a supply: code 0 (VAT arises when the card is
used). Whether an item is a service, a digital delivery or a publication is decided from the
category (a UNSPSC code or the shop's category text: strong evidence), else from the title
(weak evidence); the ``reason`` names the evidence. The non-deductible codes (82, 84, 87) depend
on what the business uses the item for and are left to the accountant.

>>> from decimal import Decimal
>>> from fakturaflyt.core.cards.orders import OrderLine
>>> vat_for_line(OrderLine(order_id="1", title="Paper", net=Decimal("80"), vat=Decimal("20")), foreign=False).code
'1'
>>> d = vat_for_line(OrderLine(order_id="1", title="Headset", net=Decimal("80"), vat=Decimal("15.20"),
...                            currency="EUR"), foreign=True)
>>> d.code, d.rate, d.deductible_charged_vat
('81', Decimal('25'), False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

from fakturaflyt.core.cards.orders import OrderLine
from fakturaflyt.core.vat import STANDARD_VAT_CODES

#: The domestic rates read from tax / net and their input VAT codes (mval §§ 5-1 to 5-3).
DOMESTIC_INPUT_CODES: tuple[tuple[Decimal, str], ...] = (
    (Decimal("25"), "1"),
    (Decimal("15"), "11"),
    (Decimal("12"), "13"),
)
_TOLERANCE_PP = Decimal("1")  # percentage points
_ROUNDING = Decimal("0.01")  # one øre per unit of rounding in net and tax


@dataclass(frozen=True, slots=True)
class VatDecision:
    """The VAT code for one item, its rate, whether the shop's tax is deductible, and why.

    ``review`` is true when an assumption was made that a person should check (an unusual
    rate, a kind of item read from the title only).
    """

    code: str
    rate: Decimal
    deductible_charged_vat: bool
    reason: str
    review: bool = False


def _decision(code: str, deductible: bool, reason: str, review: bool = False) -> VatDecision:
    return VatDecision(code, STANDARD_VAT_CODES[code].rate, deductible, reason, review)


def _pct(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1'))}"
    return text[:-2] if text.endswith(".0") else text


# -- what kind of item: goods, food, printed or electronic publication, service ---------------------------------

_UNSPSC = re.compile(r"^\s*(\d{2,8})\b")
_WORD = re.compile(r"[^\W_]+")

_GIFT: tuple[str, ...] = (
    "gift card",
    "giftcard",
    "gavekort",
    "geschenkkarte",
    "gutschein",
    "carte cadeau",
    "gift voucher",
)
_E_PUB_CATEGORY: tuple[str, ...] = (
    "kindle store",
    "kindle ebook",
    "kindle e-book",
    "kindle edition",
    "kindle book",
    "ebook",
    "e-book",
    "e-bok",
    "e-buch",
    "epaper",
    "e-paper",
    "digital edition",
    "digital newspaper",
    "electronic publication",
    "electronic book",
    "audiobook",
    "lydbok",
    "hörbuch",
)
_E_PUB_TITLE: tuple[str, ...] = (
    "kindle edition",
    "kindle ausgabe",
    "kindle-ausgabe",
    "ebook",
    "e-book",
    "e-bok",
    "audiobook",
    "lydbok",
)
_DIGITAL_CATEGORY: tuple[str, ...] = (
    "software download",
    "digital software",
    "digital music",
    "digital video",
    "digital code",
    "digital download",
    "download",
    "subscription",
    "abonnement",
    "abo",
    "cloud",
    "saas",
    "app",
    "apps",
    "mp3",
    "streaming",
    "video on demand",
    "software",
    "licence",
    "license",
    "lisens",
    "online service",
)
_DIGITAL_TITLE: tuple[str, ...] = (
    "download",
    "digital code",
    "digital download",
    "activation code",
    "subscription",
    "abonnement",
    "licence key",
    "license key",
    "mp3",
    "[pc code",
    "[mac code",
    "online code",
)
_PHYSICAL: tuple[str, ...] = ("dvd", "blu-ray", "cd-rom", "box", "boxed", "usb stick", "hardware")
_PRINTED_CATEGORY: tuple[str, ...] = (
    "book",
    "books",
    "bok",
    "bøker",
    "buch",
    "bücher",
    "livre",
    "livres",
    "libri",
    "newspaper",
    "newspapers",
    "avis",
    "aviser",
    "zeitung",
    "printed publication",
    "printed publications",
)
_PRINTED_TITLE: tuple[str, ...] = (
    "paperback",
    "hardcover",
    "taschenbuch",
    "gebundene ausgabe",
    "innbundet",
    "heftet",
    "pocketbok",
)
_NOT_FOOD: tuple[str, ...] = (
    "pet",
    "pets",
    "dog",
    "cat",
    "alcohol",
    "wine",
    "beer",
    "spirits",
    "tobacco",
    "dyr",
    "hund",
    "katt",
)
_SERVICE_CATEGORY: tuple[str, ...] = (
    "service",
    "services",
    "tjeneste",
    "tjenester",
    "dienstleistung",
    "dienstleistungen",
)
_FOOD_CATEGORY: tuple[str, ...] = (
    "grocery",
    "groceries",
    "gourmet",
    "food",
    "beverages",
    "coffee",
    "tea",
    "matvarer",
    "lebensmittel",
)


def _has(text: str, phrases: tuple[str, ...]) -> str:
    """The first phrase found in ``text``: one word must be a whole word, several words a substring."""
    words = set(_WORD.findall(text))
    for phrase in phrases:
        if (" " in phrase or not phrase.isalnum()) and phrase in text:
            return phrase
        if phrase in words:
            return phrase
    return ""


def _unspsc_kind(code: str) -> str | None:
    """The kind of item for a UNSPSC code (segment, family): None when it says nothing special."""
    if code.startswith("5511"):  # electronic reference material and publications
        return "e-publication"
    if code.startswith("5510"):  # printed media (books, newspapers)
        return "printed"
    if code.startswith("4323"):  # software
        return "digital"
    if code.startswith("50") and not code.startswith(("5021", "502022")):  # food and drink, not tobacco/alcohol
        return "food"
    if len(code) >= 2 and 70 <= int(code[:2]) <= 94:  # UNSPSC segments 70-94 are services
        return "service"
    return None


def item_kind(line: OrderLine) -> tuple[str, str, bool]:
    """``(kind, evidence, weak)``: kind is goods|food|printed|e-publication|digital|service|gift-card.

    The category (UNSPSC code or the shop's text) is strong evidence; the title is weak
    evidence (``weak=True``), used only when the category says nothing.
    """
    category = line.category.strip().lower()
    title = line.title.strip().lower()
    if phrase := _has(f"{category} {title}", _GIFT):
        return "gift-card", f"'{phrase}'", False
    code = _UNSPSC.match(category)
    if code:
        kind = _unspsc_kind(code.group(1))
        if kind == "digital" and _has(title, _PHYSICAL):
            kind = "goods"
        return kind or "goods", f"UNSPSC {code.group(1)}", False
    if category:
        for kind, phrases in (
            ("e-publication", _E_PUB_CATEGORY),
            ("digital", _DIGITAL_CATEGORY),
            ("printed", _PRINTED_CATEGORY),
            ("food", _FOOD_CATEGORY),
            ("service", _SERVICE_CATEGORY),
        ):
            if _has(category, phrases):
                if kind == "food" and _has(f"{category} {title}", _NOT_FOOD):
                    continue
                if kind == "digital" and _has(title, _PHYSICAL):
                    return "goods", f"category '{line.category.strip()}' but a physical copy by the title", False
                return kind, f"category '{line.category.strip()}'", False
    for kind, phrases in (
        ("e-publication", _E_PUB_TITLE),
        ("digital", _DIGITAL_TITLE),
        ("printed", _PRINTED_TITLE),
    ):
        if phrase := _has(title, phrases):
            return kind, f"'{phrase}' in the title", True
    return "goods", "", False


# -- the decision ---------------------------------------------------------------------------------------------


def _domestic(line: OrderLine, kind: str) -> VatDecision:
    if kind == "gift-card":
        return _decision("0", False, "Gift card: a means of payment, no VAT until it is used (code 0).")
    if line.vat == 0:
        return _decision("0", False, "Domestic purchase without VAT charged (code 0).")
    if line.net == 0 or (line.net > 0) != (line.vat > 0):
        return _decision(
            "1",
            True,
            f"Domestic purchase: tax {line.vat} on net {line.net} gives no rate; assumed 25 % (code 1), check the receipt.",
            review=True,
        )
    charged = line.vat / line.net * 100
    units = max(abs(line.quantity), Decimal(1))
    tolerance = _TOLERANCE_PP + _ROUNDING * units * 100 / abs(line.net)
    rate, code = min(DOMESTIC_INPUT_CODES, key=lambda rc: abs(rc[0] - charged))
    if abs(rate - charged) <= tolerance:
        return _decision(code, True, f"Domestic purchase: {_pct(rate)} % VAT charged, deductible (code {code}).")
    return _decision(
        code,
        True,
        f"Domestic purchase: the tax is {_pct(charged)} % of net, which fits no Norwegian rate; "
        f"assumed the nearest, {_pct(rate)} % (code {code}), check the receipt.",
        review=True,
    )


def _foreign(line: OrderLine, kind: str, evidence: str, weak: bool) -> VatDecision:
    by = f" ({evidence})" if evidence else ""
    if kind == "gift-card":
        decision = _decision("0", False, f"Gift card{by}: a means of payment, no VAT until it is used (code 0).")
    elif kind == "printed":
        decision = _decision("85", False, f"Imported printed book or newspaper{by}: zero-rated import (code 85, 0 %).")
    elif kind == "e-publication":
        decision = _decision(
            "0",
            False,
            f"Electronic book or newspaper from abroad{by}: zero-rated, so the reverse charge gives no VAT (code 0).",
        )
    elif kind in ("digital", "service"):
        what = "Digital service" if kind == "digital" else "Service"
        decision = _decision(
            "86", False, f"{what} bought from abroad{by}: reverse charge, VAT calculated by the buyer (code 86, 25 %)."
        )
    elif kind == "food":
        decision = _decision("83", False, f"Imported food{by}: import VAT self-assessed (code 83, 15 %).")
    else:
        decision = _decision("81", False, "Imported goods: import VAT self-assessed (code 81, 25 %).")
    reason = decision.reason
    if weak:
        reason += " Judged from the title only."
    if line.vat:
        reason += (
            f" The {line.vat} {line.currency} tax charged by the shop is foreign, not deductible: part of the cost."
        )
    return VatDecision(decision.code, decision.rate, False, reason, weak)


def vat_for_line(line: OrderLine, *, foreign: bool) -> VatDecision:
    """The VAT code, rate and reason for one item (see the module doc for the rules and the law)."""
    kind, evidence, weak = item_kind(line)
    if foreign:
        return _foreign(line, kind, evidence, weak)
    return _domestic(line, kind)


def is_foreign(shop: ModuleType | str | None, line: OrderLine) -> bool:
    """Whether the item was bought from abroad.

    Foreign when the line's currency is not NOK, or the shop module (or its ``NAME``) does not
    declare ``DOMESTIC = True`` (Amazon has no Norwegian store). ``None`` (no known shop, e.g. a
    single-line charge at a Norwegian merchant) is decided by the currency alone.
    """
    if (line.currency or "NOK").upper() != "NOK":
        return True
    if shop is None:
        return False
    if isinstance(shop, str):
        from fakturaflyt.core.cards import shop_by_name

        module = shop_by_name(shop)
        if module is None:
            return False
        shop = module
    return getattr(shop, "DOMESTIC", False) is not True
