"""The SAF-T Financial reader: 1.30 and 1.10/1.20 files, the corpus examples, and hostile or broken input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.saft_read import balance_problems, read_saft
from tests.ledger.saft_import.builders import saft_file

EXAMPLES = "saft/examples"
NOK = Decimal


def codes(problems) -> set[str]:
    return {p.code for p in problems}


def test_the_hand_written_1_30_file_validates_against_the_official_schema(corpus) -> None:
    schema = etree.XMLSchema(etree.parse(str(corpus / "saft/xsd/Norwegian_SAF-T_Financial_Schema_v_1.30.xsd")))
    assert schema.validate(etree.fromstring(saft_file(transactions=2))), schema.error_log


def test_reads_header_accounts_partners_and_tax_codes_of_a_1_30_file() -> None:
    f = read_saft(saft_file(transactions=3))
    h = f.header
    assert h is not None
    assert (h.version, h.company_orgnr, h.company_name, h.currency) == ("1.30", "888888888", "Eksempel AS", "NOK")
    assert (h.start, h.end, h.fiscal_year, h.created) == (date(2026, 1, 1), date(2026, 5, 31), 2026, date(2026, 6, 2))
    assert h.software == "Gammelt System AS GS 9.1"
    bank = next(a for a in f.accounts if a.account_id == "1920")
    assert (bank.description, bank.opening, bank.closing) == ("Bankinnskudd", NOK("50000.00"), NOK("61000.00"))
    assert (bank.grouping_category, bank.grouping_code, bank.account_type) == ("RF-1167", "1920", "GL")
    equity = next(a for a in f.accounts if a.account_id == "2050")
    assert equity.opening == NOK("-54000.00")  # credit balances are negative
    assert [c.name for c in f.customers] == ["Kunde A AS", "Kari Nordmann"]
    assert f.customers[0].orgnr == "923609016" and f.customers[1].orgnr == ""
    assert [(b.account_id, b.opening, b.closing) for b in f.customers[0].balances] == [
        ("1500", NOK("6000.00"), NOK("8000.00"))
    ]
    assert f.suppliers[0].balances[0].opening == NOK("-8000.00")
    assert (f.suppliers[0].city, f.suppliers[0].country) == ("Oslo", "NO")
    assert [(t.code, t.standard_tax_code, t.percentage) for t in f.tax_codes][:2] == [
        ("1", "1", NOK("25")),
        ("3", "3", NOK("25")),
    ]
    assert (f.transactions, f.entries_declared, f.total_debit, f.total_credit) == (3, 3, NOK("300.00"), NOK("300.00"))
    assert f.problems == []
    assert f.totals("opening") == (NOK("62000.00"), NOK("62000.00"))
    assert balance_problems(f, "opening") == [] and balance_problems(f, "closing") == []


def test_reads_the_1_20_layout_with_periods_and_partner_balances_on_the_partner() -> None:
    data = saft_file(version="1.20", style="1.20").replace(
        b"<SelectionStartDate>2026-01-01</SelectionStartDate><SelectionEndDate>2026-05-31</SelectionEndDate>",
        b"<PeriodStart>3</PeriodStart><PeriodStartYear>2026</PeriodStartYear>"
        b"<PeriodEnd>2</PeriodEnd><PeriodEndYear>2027</PeriodEndYear>",
    )
    f = read_saft(data)
    assert f.header is not None and (f.header.start, f.header.end) == (date(2026, 3, 1), date(2027, 2, 28))
    assert next(a for a in f.accounts if a.account_id == "1920").standard_account == "19"
    assert f.customers[0].balances[0].account_id == "1500"
    assert f.customers[0].balances[0].opening == NOK("6000.00")


def test_the_1_10_era_example_of_skatteetaten(corpus) -> None:
    f = read_saft((corpus / EXAMPLES / "ExampleFile_SAF-T_Financial_888888888_20180228235959.xml").read_bytes())
    h = f.header
    assert h is not None
    assert (h.version, h.company_orgnr, h.company_name) == ("1.0", "888888888", "Tøyen Lekefabrikk AS")
    assert (h.start, h.end) == (date(2017, 1, 1), date(2017, 4, 30))
    assert len(f.accounts) == 22 and len(f.customers) == 6 and len(f.suppliers) == 6 and len(f.tax_codes) == 9
    assert f.transactions == f.entries_declared == 53
    assert f.total_debit == f.total_credit == NOK("9487049.35")
    assert next(a for a in f.accounts if a.account_id == "1920").closing == NOK("670568.75")
    # The example's partners have made-up org.nrs with wrong check digits: reported, left out, not fatal.
    assert codes(f.problems) == {"FF-SAFT-PARTY-ORGNR"} and not f.fatal
    # ... and its opening balances do not sum to zero: that is said plainly, with the amounts.
    (unbalanced,) = balance_problems(f, "opening")
    assert unbalanced.code == "FF-SAFT-UNBALANCED" and "2 545 410,00" in unbalanced.message


def test_the_xmlspy_1_30_sample_is_refused_naming_everything_wrong(corpus) -> None:
    f = read_saft((corpus / EXAMPLES / "Eksempelfil_fra_xmlSpy_v1.30.xml").read_bytes())
    fatal = codes(f.fatal)
    assert {"FF-SAFT-NAMESPACE", "FF-SAFT-VERSION", "FF-SAFT-ORGNR", "FF-SAFT-CURRENCY"} <= fatal
    namespace = next(p for p in f.problems if p.code == "FF-SAFT-NAMESPACE")
    assert "urn:StandardAuditFile-Taxation-Financial:NO" in namespace.message and "line 3" in namespace.location


def test_a_cash_register_file_is_not_saft_financial(corpus) -> None:
    data = (corpus / EXAMPLES / "ExampleFile_SAF-T_Cash_Register_999999999_20210330104000.xml").read_bytes()
    with pytest.raises(FormatError) as exc:
        read_saft(data)
    assert exc.value.code == "FF-SAFT-NOT-SAFT" and "Cash Register" in str(exc.value)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><AuditFile>&x;</AuditFile>',
            "FF-XML-DTD",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<AuditFile>&lol2;</AuditFile>",
            "FF-XML-DTD",
        ),
        (saft_file()[:900], "FF-XML-SYNTAX"),  # truncated in the middle
        (
            '<?xml version="1.0" encoding="UTF-8"?><AuditFile><a>Tøyen</a></AuditFile>'.encode("latin-1"),
            "FF-XML-ENCODING",
        ),
        (b"%PDF-1.7 not xml", "FF-XML-NOT-XML"),
        (b"", "FF-XML-NOT-XML"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>', "FF-SAFT-NOT-SAFT"),
        (b'<AuditFile xmlns="urn:OECD:StandardAuditFile-Tax:PT_1.04_01"/>', "FF-SAFT-NAMESPACE"),
    ],
    ids=["xxe", "entity-bomb", "truncated", "wrong-encoding", "pdf", "empty", "camt", "other-saft"],
)
def test_hostile_or_broken_input_is_refused_with_a_stable_code(data: bytes, code: str) -> None:
    with pytest.raises(FormatError) as exc:
        read_saft(data)
    assert exc.value.code == code


def test_a_file_larger_than_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(FormatError) as exc:
        read_saft(saft_file(), max_bytes=100)
    assert exc.value.code == "FF-XML-TOO-LARGE"


def test_wrong_values_are_all_reported_with_line_and_path() -> None:
    data = (
        saft_file(version="2.0", currency="SEK", orgnr="123456789")
        .replace(b"<OpeningDebitBalance>50000.00<", b"<OpeningDebitBalance>50 000,00<")
        .replace(b"<AccountID>6300</AccountID>", b"<AccountID>1920</AccountID>")
    )
    f = read_saft(data)
    assert {"FF-SAFT-VERSION", "FF-SAFT-CURRENCY", "FF-SAFT-ORGNR", "FF-SAFT-AMOUNT", "FF-SAFT-ACCOUNT"} <= codes(
        f.fatal
    )
    amount = next(p for p in f.problems if p.code == "FF-SAFT-AMOUNT")
    assert amount.location.startswith("line ") and "Account[AccountID=1920]/OpeningDebitBalance" in amount.location


def test_a_missing_period_is_fatal() -> None:
    f = read_saft(saft_file().replace(b"<SelectionStartDate>2026-01-01</SelectionStartDate>", b""))
    assert "FF-SAFT-HEADER" in codes(f.fatal)


def test_many_transactions_are_counted_not_kept() -> None:
    f = read_saft(saft_file(transactions=20_000))
    assert f.transactions == f.entries_declared == 20_000
    assert f.total_debit == NOK("2000000.00")
    assert len(f.accounts) == 8 and f.problems == []
