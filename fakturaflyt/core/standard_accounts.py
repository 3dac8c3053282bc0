"""The SAF-T General Ledger Standard Accounts (NS 4102 based) and account classes.

Skatteetaten publishes the standard accounts as ``;``-separated CSV (the 4-character
list is Windows-1252, the 2-character list UTF-8 with BOM); :func:`parse_standard_accounts`
reads either. The code lists are © Regnskap Norge AS and may only be used in connection
with SAF-T mapping, so Fakturaflyt does not ship them: it reads them from the corpus
when present and otherwise seeds the compact chart in ``fakturaflyt/ledger/data``.

NS 4102 account classes: 1 assets, 20 equity, 21-29 liabilities, 3 income, 4-7
expenses, 8 financial items, tax and allocation.

>>> account_type("1920"), account_type("2050"), account_type("2400"), account_type("3000"), account_type("8050")
('asset', 'equity', 'liability', 'income', 'income')
>>> [a.number for a in parse_standard_accounts(b"AccountID;DescriptionNOR;DescriptionENG\\r\\n1920;Bankinnskudd;Bank deposits\\r\\n")]
['1920']
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from fakturaflyt.core.errors import FormatError

AccountType = Literal["asset", "equity", "liability", "income", "expense"]


@dataclass(frozen=True, slots=True)
class StandardAccount:
    number: str
    name: str
    name_en: str


def account_type(number: str) -> AccountType:
    """The account's type from its NS 4102 number."""
    if not number[:1].isdigit():
        raise FormatError("FF-ACCOUNT-NUMBER", f"account {number!r} must start with a digit", "account")
    first, two = number[0], number[:2]
    if first == "1":
        return "asset"
    if first == "2":
        return "equity" if two == "20" else "liability"
    if first == "3":
        return "income"
    if first == "8":
        # 80xx financial income, 81xx financial expense, 83xx-89xx tax and allocation.
        return "income" if two == "80" else "expense"
    return "expense"


def _decode(data: bytes) -> str:
    """UTF-8 (BOM stripped), else Windows-1252, else Latin-1: never fails (cp1252 leaves five bytes undefined)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_standard_accounts(data: bytes) -> list[StandardAccount]:
    """Parse a standard-accounts CSV (``AccountID;Description...;DescriptionENG``)."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""), delimiter=";")
    try:
        header = next(reader, None)
        if not header or header[0].strip() != "AccountID":
            raise FormatError(
                "FF-SAFT-ACCOUNTS", "not a SAF-T standard accounts file (first column must be AccountID)", "header"
            )
        accounts = []
        for row in reader:
            if len(row) >= 2 and row[0].strip().isdigit():
                accounts.append(StandardAccount(row[0].strip(), row[1].strip(), row[2].strip() if len(row) > 2 else ""))
    except csv.Error as exc:
        raise FormatError(
            "FF-SAFT-ACCOUNTS", f"not readable CSV at line {reader.line_num} ({exc})", f"line {reader.line_num}"
        ) from None
    return accounts
