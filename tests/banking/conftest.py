"""Banking fixtures: a company with a bank account, two customers with issued invoices, camt builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

ACCOUNT = "15064123456"
IBAN = "NO1415064123456"
DAY = date(2026, 3, 2)
BOOKED = date(2026, 3, 16)


@dataclass
class Bank:
    company: Any
    user: Any
    kunde: Any  # Kunde AS
    fjord: Any  # Fjord Bygg AS
    issue: Any  # issue(amount, customer=kunde) -> SalesInvoice


@pytest.fixture
def bank(company, user_factory, intake_dirs) -> Bank:
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.receivables import services
    from fakturaflyt.receivables.models import Customer
    from fakturaflyt.receivables.services import DraftLine

    company.address_line, company.postal_code, company.city = "Storgata 1", "0155", "Oslo"
    company.save()
    CompanyBankAccount.objects.create(
        company=company, account_number=ACCOUNT, iban=IBAN, bic="DNBANOKK", is_default=True
    )
    kunde = Customer.objects.create(
        company=company, number=42, name="Kunde AS", orgnr="974760673", address_line="Kundeveien 2", city="Bergen"
    )
    fjord = Customer.objects.create(
        company=company, number=43, name="Fjord Bygg AS", orgnr="923609016", address_line="Kaia 1", city="Ålesund"
    )
    user = user_factory("regnskap@testfirma.no")
    add_member(None, company, user, Role.ACCOUNTANT)

    def issue(amount: str, customer: Any = None) -> Any:
        net = Decimal(amount) / Decimal("1.25")
        draft = services.create_draft(company, customer or kunde, [DraftLine("Vare", Decimal("1"), net)], actor=user)
        return services.issue(draft, user, issue_date=DAY)

    return Bank(company, user, kunde, fjord, issue)


def ntry(
    ref: str,
    amount: str | Decimal,
    *,
    kid: str = "",
    text: str = "",
    name: str = "",
    account: str = "",
    debit: bool = False,
    e2e: str = "",
    txs: list[dict[str, Any]] | None = None,
    booked: date = BOOKED,
) -> str:
    """One camt.054.001.02 ``Ntry``; ``txs`` makes a batch (each dict: amount, kid, text, name, account)."""

    def tx(amount: Any, kid: str = "", text: str = "", name: str = "", account: str = "", e2e: str = "") -> str:
        role = "Cdtr" if debit else "Dbtr"
        parties = ""
        if name or account:
            parties = "<RltdPties>"
            parties += f"<{role}><Nm>{name}</Nm></{role}>" if name else ""
            parties += f"<{role}Acct><Id><Othr><Id>{account}</Id></Othr></Id></{role}Acct>" if account else ""
            parties += "</RltdPties>"
        rmt = ""
        if kid or text:
            rmt = "<RmtInf>"
            rmt += f"<Ustrd>{text}</Ustrd>" if text else ""
            rmt += f"<Strd><CdtrRefInf><Ref>{kid}</Ref></CdtrRefInf></Strd>" if kid else ""
            rmt += "</RmtInf>"
        refs = f"<Refs><EndToEndId>{e2e}</EndToEndId></Refs>" if e2e else ""
        return f'<TxDtls>{refs}<AmtDtls><TxAmt><Amt Ccy="NOK">{amount}</Amt></TxAmt></AmtDtls>{parties}{rmt}</TxDtls>'

    details = "".join(tx(**t) for t in txs) if txs else tx(amount, kid, text, name, account, e2e)
    return f"""<Ntry><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>{"DBIT" if debit else "CRDT"}</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt><ValDt><Dt>{booked.isoformat()}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
<NtryDtls>{details}</NtryDtls></Ntry>"""


def camt054(*entries: str, msg: str = "N1") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>{msg}</MsgId><CreDtTm>2026-03-16T06:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>{msg}-1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>NOK</Ccy></Acct>
{"".join(entries)}
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""".encode()
