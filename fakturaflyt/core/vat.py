"""Norwegian VAT (merverdiavgift) rates and the standard VAT codes used in SAF-T.

Rates (merverdiavgiftsloven §§ 5-1 to 5-4, 2026): 25 % general, 15 % food, 12 %
passenger transport, accommodation, cinema etc., 11.11 % raw fish, 0 % exempt/zero-rated.
Codes are the Skatteetaten SAF-T *standard tax codes* (``../shared/corpus/saft/mappings/
tax_codes/Standard_Tax_Codes.csv``); like most Norwegian systems, the company's own VAT codes
start equal to them. Each code names the account its VAT is posted to (NS 4102: 2700-2703
output, 2710-2718 input) and, for reverse charge and import, the output VAT account
credited against the deductible input VAT.

>>> STANDARD_VAT_CODES["3"].rate
Decimal('25')
>>> [c.code for c in STANDARD_VAT_CODES.values() if c.direction == "input"]
['1', '11', '12', '13']
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Direction = Literal["none", "input", "output", "import", "reverse"]

RATE_GENERAL = Decimal("25")
RATE_FOOD = Decimal("15")
RATE_LOW = Decimal("12")
RATE_RAW_FISH = Decimal("11.11")
RATE_ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class VatCodeSpec:
    code: str
    name: str
    name_en: str
    rate: Decimal
    direction: Direction
    vat_account: str = ""
    contra_vat_account: str = ""


_CODES = (
    VatCodeSpec("0", "Ingen mva-behandling (anskaffelser)", "No VAT treatment (purchases)", RATE_ZERO, "none"),
    VatCodeSpec(
        "1", "Inngående mva, alminnelig sats", "Input VAT deductible, regular rate", RATE_GENERAL, "input", "2710"
    ),
    VatCodeSpec("11", "Inngående mva, middels sats", "Input VAT deductible, middle rate", RATE_FOOD, "input", "2711"),
    VatCodeSpec("12", "Inngående mva, råfisk", "Input VAT deductible, raw fish", RATE_RAW_FISH, "input", "2712"),
    VatCodeSpec("13", "Inngående mva, lav sats", "Input VAT deductible, low rate", RATE_LOW, "input", "2713"),
    VatCodeSpec(
        "14",
        "Fradrag innførselsmva, alminnelig sats",
        "Input VAT on import, regular rate",
        RATE_GENERAL,
        "import",
        "2715",
    ),
    VatCodeSpec(
        "15", "Fradrag innførselsmva, middels sats", "Input VAT on import, middle rate", RATE_FOOD, "import", "2716"
    ),
    VatCodeSpec("3", "Utgående mva, alminnelig sats", "Output VAT, regular rate", RATE_GENERAL, "output", "2700"),
    VatCodeSpec("31", "Utgående mva, middels sats", "Output VAT, middle rate", RATE_FOOD, "output", "2701"),
    VatCodeSpec("32", "Utgående mva, råfisk", "Output VAT, raw fish", RATE_RAW_FISH, "output", "2702"),
    VatCodeSpec("33", "Utgående mva, lav sats", "Output VAT, low rate", RATE_LOW, "output", "2703"),
    VatCodeSpec(
        "5", "Innenlands omsetning fritatt for mva", "Domestic sales exempt from VAT (zero rate)", RATE_ZERO, "output"
    ),
    VatCodeSpec(
        "51", "Innenlands omsetning med omvendt avgiftsplikt", "Domestic sales, reverse charge", RATE_ZERO, "output"
    ),
    VatCodeSpec("52", "Utførsel av varer og tjenester", "Export of goods and services", RATE_ZERO, "output"),
    VatCodeSpec("6", "Omsetning utenfor merverdiavgiftsloven", "Turnover outside the scope of VAT", RATE_ZERO, "none"),
    VatCodeSpec("7", "Ingen mva-behandling (inntekter)", "No VAT treatment (income)", RATE_ZERO, "none"),
    VatCodeSpec(
        "81",
        "Innførsel av varer, med fradrag, alminnelig sats",
        "Import of goods, deductible, regular rate",
        RATE_GENERAL,
        "import",
        "2715",
        "2705",
    ),
    VatCodeSpec(
        "82",
        "Innførsel av varer, uten fradrag, alminnelig sats",
        "Import of goods, not deductible, regular rate",
        RATE_GENERAL,
        "import",
        "",
        "2705",
    ),
    VatCodeSpec(
        "83",
        "Innførsel av varer, med fradrag, middels sats",
        "Import of goods, deductible, middle rate",
        RATE_FOOD,
        "import",
        "2716",
        "2706",
    ),
    VatCodeSpec(
        "84",
        "Innførsel av varer, uten fradrag, middels sats",
        "Import of goods, not deductible, middle rate",
        RATE_FOOD,
        "import",
        "",
        "2706",
    ),
    VatCodeSpec("85", "Innførsel av varer, nullsats", "Import of goods, zero rate", RATE_ZERO, "import"),
    VatCodeSpec(
        "86",
        "Tjenester kjøpt fra utlandet, med fradrag, alminnelig sats",
        "Services from abroad, deductible, regular rate",
        RATE_GENERAL,
        "reverse",
        "2714",
        "2704",
    ),
    VatCodeSpec(
        "87",
        "Tjenester kjøpt fra utlandet, uten fradrag, alminnelig sats",
        "Services from abroad, not deductible, regular rate",
        RATE_GENERAL,
        "reverse",
        "",
        "2704",
    ),
    VatCodeSpec(
        "88",
        "Tjenester kjøpt fra utlandet, med fradrag, lav sats",
        "Services from abroad, deductible, low rate",
        RATE_LOW,
        "reverse",
        "2718",
        "2704",
    ),
    VatCodeSpec(
        "89",
        "Tjenester kjøpt fra utlandet, uten fradrag, lav sats",
        "Services from abroad, not deductible, low rate",
        RATE_LOW,
        "reverse",
        "",
        "2704",
    ),
    VatCodeSpec(
        "91",
        "Kjøp av klimakvoter og gull, med fradrag",
        "Emission allowances and gold, deductible",
        RATE_GENERAL,
        "reverse",
        "2717",
        "2707",
    ),
    VatCodeSpec(
        "92",
        "Kjøp av klimakvoter og gull, uten fradrag",
        "Emission allowances and gold, not deductible",
        RATE_GENERAL,
        "reverse",
        "",
        "2707",
    ),
)

STANDARD_VAT_CODES: dict[str, VatCodeSpec] = {c.code: c for c in _CODES}
