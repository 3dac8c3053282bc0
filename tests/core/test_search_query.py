"""What an accountant types into the search box, read term by term (fakturaflyt.core.search_query)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakturaflyt.core.search_query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    TermKind,
    VoucherRef,
    case_forms,
    parse,
    read_amount,
    spellings,
)


@pytest.mark.parametrize(
    "typed",
    [
        "1 250,00",
        "1250,00",
        "1250.00",
        "1250",
        "1.250,00",
        "1,250.00",
        "kr 1 250,-",
        "1 250,00 kr",
        "NOK 1250",
        "1250,-",
    ],
)
def test_every_way_of_writing_an_amount_reads_as_the_same_amount(typed: str) -> None:
    (term,) = parse(typed).terms
    assert term.amount == Decimal("1250.00")


def test_an_amount_keeps_its_ore() -> None:
    assert parse("1 250,50").terms[0].amount == Decimal("1250.50")
    assert parse("99.9").terms[0].amount == Decimal("99.90")
    assert read_amount("-1 250,00") == Decimal("1250.00")  # either sign is looked for


@pytest.mark.parametrize(
    "typed", ["924753811", "924 753 811", "NO924753811MVA", "NO 924 753 811 MVA", "no924753811mva"]
)
def test_an_orgnr_with_or_without_spaces_prefix_and_suffix(typed: str) -> None:
    (term,) = parse(typed).terms
    assert term.kind == TermKind.ORGNR
    assert term.orgnr == "924753811"
    assert term.digits == "924753811"


def test_nine_digits_with_a_wrong_check_digit_are_no_orgnr_but_still_a_number() -> None:
    (term,) = parse("924753812").terms
    assert term.orgnr is None
    assert term.digits == "924753812"


@pytest.mark.parametrize(
    ("typed", "ref"),
    [
        ("AP 2026-12", VoucherRef("AP", 2026, 12)),
        ("AP-2026-12", VoucherRef("AP", 2026, 12)),
        ("ap2026-12", VoucherRef("AP", 2026, 12)),
        ("CARD 2025-7", VoucherRef("CARD", 2025, 7)),
    ],
)
def test_a_voucher_number_as_the_ledger_shows_it(typed: str, ref: VoucherRef) -> None:
    (term,) = parse(typed).terms
    assert term.kind == TermKind.VOUCHER
    assert term.voucher == ref


def test_series_and_number_without_year_is_text_that_also_reads_as_a_voucher() -> None:
    (term,) = parse("GL-3").terms
    assert term.kind == TermKind.TEXT
    assert term.voucher == VoucherRef("GL", None, 3)


def test_a_voucher_label_among_other_words() -> None:
    q = parse("Bergen AP 2026-12 husleie")
    assert [t.kind for t in q.terms] == [TermKind.TEXT, TermKind.VOUCHER, TermKind.TEXT]


def test_a_kid_is_recognised_by_its_check_digit() -> None:
    (term,) = parse("0012345000017").terms  # MOD10
    assert term.kind == TermKind.KID
    assert term.kid == term.digits == "0012345000017"
    (other,) = parse("0012345000018").terms  # neither MOD10 nor MOD11: a number, still searched as digits
    assert other.kid is None
    assert other.digits == "0012345000018"


def test_a_bank_account_and_a_date() -> None:
    assert parse("1503.20.80119").terms[0].kind == TermKind.BANK_ACCOUNT
    assert parse("15032080119").terms[0].bank_account == "15032080119"
    assert parse("15.03.2026").terms[0].on == date(2026, 3, 15)
    assert parse("2026-03-15").terms[0].on == date(2026, 3, 15)
    assert parse("15.03.2026").terms[0].amount is None


def test_an_invoice_number_with_letters_is_text_and_short_numbers_are_numbers() -> None:
    (term,) = parse("INV-10023/A").terms
    assert term.text == "INV-10023/A"
    (n,) = parse("10023").terms
    assert n.number == 10023 and n.digits == "10023"


def test_words_punctuation_and_duplicates() -> None:
    q = parse('  "Bergen",  bergen  Kontor ')
    assert [t.text for t in q.terms] == ["Bergen", "bergen", "Kontor"]  # same word typed twice differently is kept
    assert parse("Bergen Bergen").terms == parse("Bergen").terms


def test_empty_short_and_long_queries() -> None:
    assert parse("").is_empty and parse("   ").is_empty and parse("a").is_empty
    long = parse("ord " * 200)
    assert long.truncated
    assert len(long.text) <= MAX_QUERY_LENGTH
    many = parse(" ".join(f"w{i}x" for i in range(20)))
    assert len(many.terms) == MAX_TERMS and many.truncated


def test_norwegian_spellings_and_case_forms() -> None:
    assert "åsen" in spellings("Aasen")
    assert "aasen" in spellings("Åsen")
    assert "moe" in spellings("Mø") or "mø" in spellings("Moe")
    assert "cafe" in spellings("Café")
    assert set(case_forms("ærø")) >= {"ærø", "ÆRØ", "Ærø"}
    assert case_forms("bergen") == ("bergen",)


@given(st.text(max_size=400))
def test_any_input_parses_without_error(text: str) -> None:
    q = parse(text)
    assert len(q.terms) <= MAX_TERMS
    assert len(q.text) <= MAX_QUERY_LENGTH
    for t in q.terms:
        assert t.text
        assert t.amount is None or t.amount >= 0
