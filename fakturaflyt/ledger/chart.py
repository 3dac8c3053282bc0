"""Seed a company's books: chart of accounts, VAT codes and number series.

The chart comes from the SAF-T standard accounts in the corpus
(``FAKTURAFLYT_CORPUS/saft/mappings/standard_accounts``) when present, else from the
compact chart shipped in ``data/kontoplan.csv``. Each account keeps its standard account
(for SAF-T) and, from the 1.30 grouping list (næringsspesifikasjon), a suggested grouping
code. Seeding is idempotent: what exists is left as it is.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings
from django.db import transaction

from fakturaflyt.companies.models import Company
from fakturaflyt.core.standard_accounts import StandardAccount, account_type, parse_standard_accounts
from fakturaflyt.core.vat import STANDARD_VAT_CODES
from fakturaflyt.ledger.models import Account, NumberSeries, VatCode

BUILTIN_CHART = Path(__file__).parent / "data" / "kontoplan.csv"
STANDARD_SERIES = (
    ("GL", "Manuelle bilag"),
    ("AP", "Leverandørfakturaer"),
    ("AR", "Kundefakturaer"),
    ("BANK", "Bank"),
    ("CARD", "Kortkjøp"),
)
# Input VAT code proposed for expense accounts, output code for sales accounts.
DEFAULT_VAT = {"3000": "3", "3100": "5", "3200": "6"}


def corpus_chart_path() -> Path:
    return (
        Path(settings.FAKTURAFLYT_CORPUS)
        / "saft"
        / "mappings"
        / "standard_accounts"
        / "General_Ledger_Standard_Accounts_4_character.csv"
    )


def standard_chart() -> list[StandardAccount]:
    path = corpus_chart_path()
    return parse_standard_accounts((path if path.exists() else BUILTIN_CHART).read_bytes())


def grouping_codes() -> list[tuple[str, str]]:
    """(code, category) pairs of the SAF-T 1.30 næringsspesifikasjon list for ordinary companies, sorted."""
    path = Path(settings.FAKTURAFLYT_CORPUS) / "saft" / "mappings" / "grouping_1.3" / "naeringsspesifikasjon.csv"
    if not path.exists():
        return []
    rows = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";")
    codes = {
        (r["GroupingCode"], r["GroupingCategory"])
        for r in rows
        if r["GroupingCode"].isdecimal()
        and "BankOgForsikring" not in r["GroupingCategory"]
        and "IFRS" not in r["GroupingCategory"]
    }
    return sorted(codes)


def suggest_grouping(number: str, codes: list[tuple[str, str]]) -> tuple[str, str]:
    """The næringsspesifikasjon code with the highest number not above the account (same first digit)."""
    best = ("", "")
    for code, category in codes:
        if code[:1] == number[:1] and code <= number[:4]:
            best = (category, code)
    return best


def _usually_input_vat(number: str) -> bool:
    """Purchases of goods and services usually carry deductible input VAT; wages, depreciation,
    insurance (exempt), allowances and bank fees do not."""
    n = int(number[:4])
    return 4000 <= n < 5000 or 6300 <= n < 7000 or 7000 <= n < 7100 or 7300 <= n < 7500


@transaction.atomic
def seed_books(company: Company) -> dict[str, int]:
    """Create the standard VAT codes, number series and chart of accounts the company lacks."""
    created = {"vat_codes": 0, "series": 0, "accounts": 0}
    for spec in STANDARD_VAT_CODES.values():
        _, new = VatCode.objects.get_or_create(
            company=company,
            code=spec.code,
            defaults={
                "name": spec.name,
                "rate": spec.rate,
                "direction": spec.direction,
                "standard_tax_code": spec.code,
                "vat_account": spec.vat_account,
                "contra_vat_account": spec.contra_vat_account,
            },
        )
        created["vat_codes"] += new
    for code, name in STANDARD_SERIES:
        _, new = NumberSeries.objects.get_or_create(company=company, code=code, defaults={"name": name})
        created["series"] += new
    existing = set(Account.objects.filter(company=company).values_list("number", flat=True))
    codes = grouping_codes()
    vat = {v.code: v for v in VatCode.objects.filter(company=company)}
    new_accounts = []
    for sa in standard_chart():
        if sa.number in existing:
            continue
        category, code = suggest_grouping(sa.number, codes)
        kind = account_type(sa.number)
        default_vat = DEFAULT_VAT.get(sa.number) or ("1" if _usually_input_vat(sa.number) else None)
        new_accounts.append(
            Account(
                company=company,
                number=sa.number,
                name=sa.name,
                name_en=sa.name_en,
                account_type=kind,
                standard_account=sa.number,
                grouping_category=category,
                grouping_code=code,
                default_vat_code=vat.get(default_vat) if default_vat else None,
            )
        )
    Account.objects.bulk_create(new_accounts)
    created["accounts"] = len(new_accounts)
    return created
