"""The SAF-T standard accounts file from Skatteetaten (cp1252) and NS 4102 account types."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.standard_accounts import account_type, parse_standard_accounts

FOUR_CHAR = Path("saft/mappings/standard_accounts/General_Ledger_Standard_Accounts_4_character.csv")


def test_parses_the_real_four_character_list(corpus: Path) -> None:
    # given the file as Skatteetaten publishes it: Windows-1252, ';'-separated, CRLF
    data = (corpus / FOUR_CHAR).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    data_rows = [ln for ln in data.decode("cp1252").splitlines()[1:] if ln.strip()]

    # when
    accounts = parse_standard_accounts(data)

    # then every account row is read, with its Norwegian letters intact
    assert len(accounts) == len(data_rows) == 745
    by_number = {a.number: a for a in accounts}
    assert len(by_number) == len(accounts)
    assert all(len(a.number) == 4 and a.number.isdigit() for a in accounts)
    assert by_number["1000"].name == "Utvikling, ervervet"
    assert by_number["1000"].name_en == "Development, acquired"
    assert by_number["1920"].name == "Bankinnskudd"
    assert by_number["8990"].name == "Udekket tap"
    assert any("ø" in a.name or "å" in a.name or "æ" in a.name for a in accounts)
    assert not any("\ufffd" in a.name or "Ã" in a.name for a in accounts)


def test_parses_the_two_character_list_with_bom(corpus: Path) -> None:
    path = corpus / "saft/mappings/standard_accounts/General_Ledger_Standard_Accounts_2_character.csv"
    accounts = parse_standard_accounts(path.read_bytes())
    assert accounts
    assert all(len(a.number) == 2 for a in accounts)


def test_utf8_and_bom_input() -> None:
    text = "AccountID;DescriptionNOR;DescriptionENG\r\n2400;Leverandørgjeld;Trade creditors\r\n"
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp1252")):
        [account] = parse_standard_accounts(data)
        assert (account.number, account.name, account.name_en) == ("2400", "Leverandørgjeld", "Trade creditors")


def test_not_a_standard_accounts_file() -> None:
    with pytest.raises(FormatError) as err:
        parse_standard_accounts(b"Code;Description\r\n1;x\r\n")
    assert err.value.code == "FF-SAFT-ACCOUNTS"
    with pytest.raises(FormatError):
        parse_standard_accounts(b"")


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("1000", "asset"),
        ("1920", "asset"),
        ("2000", "equity"),
        ("2050", "equity"),
        ("2080", "equity"),
        ("2100", "liability"),
        ("2400", "liability"),
        ("2710", "liability"),
        ("3000", "income"),
        ("3900", "income"),
        ("4000", "expense"),
        ("5000", "expense"),
        ("6300", "expense"),
        ("7700", "expense"),
        ("8050", "income"),
        ("8150", "expense"),
        ("8300", "expense"),
        ("8800", "expense"),
    ],
)
def test_account_type(number: str, kind: str) -> None:
    assert account_type(number) == kind


def test_account_type_needs_a_number() -> None:
    with pytest.raises(FormatError) as err:
        account_type("X100")
    assert err.value.code == "FF-ACCOUNT-NUMBER"
    with pytest.raises(FormatError):
        account_type("")
