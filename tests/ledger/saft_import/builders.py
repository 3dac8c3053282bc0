"""Tiny hand-written SAF-T Financial files for the import tests (namespaced, 1.30 by default; 1.20 style on request).

:func:`saft_file` writes a file that validates in shape against the 1.30 schema's MasterFiles
(accounts with GroupingCategory/GroupingCode, partners with BalanceAccount); ``style="1.20"``
writes StandardAccountID and the partner balances directly on the partner, as 1.10/1.20 did.
Balances are signed: positive is a debit balance, negative a credit balance.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

NS = "urn:StandardAuditFile-Taxation-Financial:NO"
ORGNR = "888888888"

# (AccountID, description, opening, closing): opening sums to zero, and so does closing.
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("1500", "Kundefordringer", "10000.00", "12500.00"),
    ("1920", "Bankinnskudd", "50000.00", "61000.00"),
    ("192010", "Bank DNB driftskonto", "2000.00", "2000.00"),
    ("2400", "Leverandørgjeld", "-8000.00", "-9000.00"),
    ("2050", "Annen egenkapital", "-54000.00", "-54000.00"),
    ("3000", "Salgsinntekt", "0.00", "-20000.00"),
    ("6300", "Leie lokale", "0.00", "7500.00"),
    ("ABC", "Hjelpekonto uten saldo", "0.00", "0.00"),
]
# (kind, id, name, orgnr, account, opening, closing)
PARTIES: list[tuple[str, str, str, str, str, str, str]] = [
    ("customer", "10001", "Kunde A AS", "923609016", "1500", "6000.00", "8000.00"),
    ("customer", "10002", "Kari Nordmann", "", "1500", "4000.00", "4500.00"),
    ("supplier", "20001", "Leverandør AS", "987654325", "2400", "-8000.00", "-9000.00"),
]
TAX: list[tuple[str, str, str, str]] = [
    ("1", "Inngående avgift, høy sats", "1", "25"),
    ("3", "Utgående avgift, høy sats", "3", "25"),
    ("X9", "Ukjent kode", "99", "10"),
]


def _balance(prefix: str, amount: str) -> str:
    value = Decimal(amount)
    side = "Credit" if value < 0 else "Debit"
    return f"<{prefix}{side}Balance>{abs(value):.2f}</{prefix}{side}Balance>"


def saft_file(
    *,
    orgnr: str = ORGNR,
    name: str = "Eksempel AS",
    version: str = "1.30",
    style: str = "1.30",
    start: str = "2026-01-01",
    end: str = "2026-05-31",
    currency: str = "NOK",
    accounts: list[tuple[str, str, str, str]] | None = None,
    parties: list[tuple[str, str, str, str, str, str, str]] | None = None,
    tax: list[tuple[str, str, str, str]] | None = None,
    transactions: int = 0,
) -> bytes:
    """A SAF-T Financial file with these accounts, partners and tax codes (see the module docstring)."""
    accounts = ACCOUNTS if accounts is None else accounts
    parties = PARTIES if parties is None else parties
    tax = TAX if tax is None else tax
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<AuditFile xmlns="{NS}">',
        "<Header>",
        f"<AuditFileVersion>{version}</AuditFileVersion><AuditFileCountry>NO</AuditFileCountry>",
        "<AuditFileDateCreated>2026-06-02</AuditFileDateCreated>",
        "<SoftwareCompanyName>Gammelt System AS</SoftwareCompanyName><SoftwareID>GS</SoftwareID>"
        "<SoftwareVersion>9.1</SoftwareVersion>",
        f"<Company><RegistrationNumber>{orgnr}</RegistrationNumber><Name>{escape(name)}</Name>"
        "<Address><StreetName>Storgata 2</StreetName><City>Oslo</City><PostalCode>0155</PostalCode>"
        "<Country>NO</Country></Address>"
        "<Contact><ContactPerson><FirstName>Kari</FirstName><LastName>Nordmann</LastName></ContactPerson></Contact>"
        "</Company>",
        f"<DefaultCurrencyCode>{currency}</DefaultCurrencyCode>",
        f"<SelectionCriteria><SelectionStartDate>{start}</SelectionStartDate>"
        f"<SelectionEndDate>{end}</SelectionEndDate></SelectionCriteria>",
        "<TaxAccountingBasis>A</TaxAccountingBasis>",
        "</Header>",
        "<MasterFiles>",
        "<GeneralLedgerAccounts>",
    ]
    for account_id, description, opening, closing in accounts:
        if style == "1.30":
            mapping = f"<GroupingCategory>RF-1167</GroupingCategory><GroupingCode>{account_id[:4]}</GroupingCode>"
        else:
            mapping = f"<StandardAccountID>{account_id[:2]}</StandardAccountID>"
        out.append(
            f"<Account><AccountID>{account_id}</AccountID><AccountDescription>{escape(description)}</AccountDescription>"
            f"{mapping}<AccountType>GL</AccountType>{_balance('Opening', opening)}{_balance('Closing', closing)}</Account>"
        )
    out.append("</GeneralLedgerAccounts>")
    for kind, group in (("customer", "Customers"), ("supplier", "Suppliers")):
        rows = [p for p in parties if p[0] == kind]
        if not rows:
            continue
        tag = "Customer" if kind == "customer" else "Supplier"
        out.append(f"<{group}>")
        for _, party_id, party_name, party_orgnr, account, opening, closing in rows:
            reg = f"<RegistrationNumber>{party_orgnr}</RegistrationNumber>" if party_orgnr else ""
            address = "<Address><StreetName>Storgata 1</StreetName><City>Oslo</City><PostalCode>0155</PostalCode><Country>NO</Country></Address>"
            balances = f"{_balance('Opening', opening)}{_balance('Closing', closing)}"
            if style == "1.30":
                body = f"<{tag}ID>{party_id}</{tag}ID><BalanceAccount><AccountID>{account}</AccountID>{balances}</BalanceAccount>"
            else:
                body = f"<{tag}ID>{party_id}</{tag}ID><AccountID>{account}</AccountID>{balances}"
            out.append(f"<{tag}>{reg}<Name>{escape(party_name)}</Name>{address}{body}</{tag}>")
        out.append(f"</{group}>")
    if tax:
        out.append("<TaxTable>")
        for code, description, standard, percentage in tax:
            out.append(
                "<TaxTableEntry><TaxType>MVA</TaxType><Description>Merverdiavgift</Description><TaxCodeDetails>"
                f"<TaxCode>{code}</TaxCode><Description>{escape(description)}</Description>"
                f"<TaxPercentage>{percentage}</TaxPercentage><Country>NO</Country>"
                f"<StandardTaxCode>{standard}</StandardTaxCode><BaseRate>100</BaseRate></TaxCodeDetails></TaxTableEntry>"
            )
        out.append("</TaxTable>")
    out.append("</MasterFiles>")
    total = Decimal("100.00") * transactions
    out.append(
        f"<GeneralLedgerEntries><NumberOfEntries>{transactions}</NumberOfEntries>"
        f"<TotalDebit>{total:.2f}</TotalDebit><TotalCredit>{total:.2f}</TotalCredit>"
    )
    if transactions:
        out.append("<Journal><JournalID>GL</JournalID><Description>Manuelle</Description><Type>GL</Type>")
        for i in range(1, transactions + 1):
            out.append(
                f"<Transaction><TransactionID>{i}</TransactionID><Period>1</Period><PeriodYear>2026</PeriodYear>"
                "<TransactionDate>2026-01-02</TransactionDate><Description>Husleie</Description>"
                "<SystemEntryDate>2026-01-02</SystemEntryDate><GLPostingDate>2026-01-02</GLPostingDate>"
                "<Line><RecordID>1</RecordID><AccountID>6300</AccountID><Description>Husleie</Description>"
                "<DebitAmount><Amount>100.00</Amount></DebitAmount></Line>"
                "<Line><RecordID>2</RecordID><AccountID>1920</AccountID><Description>Husleie</Description>"
                "<CreditAmount><Amount>100.00</Amount></CreditAmount></Line></Transaction>"
            )
        out.append("</Journal>")
    out.append("</GeneralLedgerEntries>")
    out.append("</AuditFile>")
    return "\n".join(out).encode("utf-8")
