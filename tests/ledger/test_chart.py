"""seed_books: the standard VAT codes (SAF-T standard tax codes), five number series, and the chart."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from fakturaflyt.core.vat import STANDARD_VAT_CODES
from fakturaflyt.ledger.chart import BUILTIN_CHART, seed_books
from fakturaflyt.ledger.models import Account, NumberSeries, VatCode

pytestmark = pytest.mark.django_db

FOUR_CHAR = "saft/mappings/standard_accounts/General_Ledger_Standard_Accounts_4_character.csv"


def official_tax_codes(corpus: Path) -> set[str]:
    text = (corpus / "saft/mappings/tax_codes/Standard_Tax_Codes.csv").read_bytes().decode("utf-8-sig")
    return {row["Code"] for row in csv.DictReader(io.StringIO(text), delimiter=";")}


def test_vat_codes_are_the_standard_codes_with_saft_tax_codes(company, corpus) -> None:
    codes = {v.code: v for v in VatCode.objects.filter(company=company)}
    assert set(codes) == set(STANDARD_VAT_CODES)
    official = official_tax_codes(corpus)
    for code, spec in STANDARD_VAT_CODES.items():
        vat = codes[code]
        assert vat.standard_tax_code == code
        assert vat.standard_tax_code in official, f"{code} is not a SAF-T standard tax code"
        assert (vat.rate, vat.direction, vat.vat_account, vat.contra_vat_account) == (
            spec.rate,
            spec.direction,
            spec.vat_account,
            spec.contra_vat_account,
        )
    # the Norwegian rates (DESIGN.md section 4)
    assert {c: codes[c].rate for c in ("3", "31", "33", "32", "1", "11", "13", "12", "5", "6")} == {
        "3": Decimal("25"),
        "31": Decimal("15"),
        "33": Decimal("12"),
        "32": Decimal("11.11"),
        "1": Decimal("25"),
        "11": Decimal("15"),
        "13": Decimal("12"),
        "12": Decimal("11.11"),
        "5": Decimal("0"),
        "6": Decimal("0"),
    }
    assert codes["3"].vat_account == "2700" and codes["1"].vat_account == "2710"


def test_five_number_series(company) -> None:
    assert sorted(NumberSeries.objects.filter(company=company).values_list("code", flat=True)) == [
        "AP",
        "AR",
        "BANK",
        "CARD",
        "GL",
    ]


def test_chart_is_the_corpus_standard_accounts(company, corpus) -> None:
    rows = (corpus / FOUR_CHAR).read_bytes().decode("cp1252").splitlines()[1:]
    expected = {ln.split(";")[0] for ln in rows if ln.strip()}
    accounts = {a.number: a for a in Account.objects.filter(company=company).select_related("default_vat_code")}
    assert len(accounts) == len(expected) == 745
    assert set(accounts) == expected
    assert all(a.standard_account == a.number for a in accounts.values())
    assert (accounts["1920"].name, accounts["1920"].account_type) == ("Bankinnskudd", "asset")
    assert accounts["2000"].account_type == "equity"
    assert accounts["2400"].account_type == "liability"
    assert accounts["3000"].account_type == "income"
    assert accounts["6300"].account_type == "expense"
    # proposed VAT codes: output on sales, input on purchases, none on wages
    assert accounts["3000"].default_vat_code.code == "3"
    assert accounts["6300"].default_vat_code.code == "1"
    assert accounts["5000"].default_vat_code is None
    # SAF-T grouping codes from the næringsspesifikasjon list, same account class
    assert accounts["1920"].grouping_code.startswith("1")
    assert accounts["6300"].grouping_code.startswith("6")


def test_seeding_again_creates_nothing_and_keeps_edits(company) -> None:
    Account.objects.filter(company=company, number="6300").update(name="Husleie kontor")
    assert seed_books(company) == {"vat_codes": 0, "series": 0, "accounts": 0}
    assert Account.objects.get(company=company, number="6300").name == "Husleie kontor"


def test_without_the_corpus_the_builtin_chart_is_seeded(make_company, settings, tmp_path) -> None:
    settings.FAKTURAFLYT_CORPUS = tmp_path  # no corpus here
    company = make_company()
    builtin = [ln.split(";")[0] for ln in BUILTIN_CHART.read_text(encoding="utf-8-sig").splitlines()[1:] if ln.strip()]
    assert sorted(Account.objects.filter(company=company).values_list("number", flat=True)) == sorted(builtin)
    assert set(Account.objects.filter(company=company).values_list("grouping_code", flat=True)) == {""}
    assert VatCode.objects.filter(company=company).count() == len(STANDARD_VAT_CODES)
