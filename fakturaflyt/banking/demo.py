"""The demo company's bank file: a camt.054 of incoming payments that pays some of the open invoices.

Built from the demo's own open NOK invoices, so it always fits them: two payments by KID
(posted automatically), one partial payment by KID, one paying more than the invoice (the rest
is a credit on the customer), one with "Faktura <number>" in the message (posted), one with only
the payer's name and the amount (left for the reconciliation screen), and one from an unknown
payer (left for review with no candidate). Imported through the same service as an uploaded file.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fakturaflyt.companies.models import Company, CompanyBankAccount


def _tx(amount: Decimal, *, kid: str = "", text: str = "", name: str = "", account: str = "") -> str:
    parties = ""
    if name or account:
        parties = "<RltdPties>"
        parties += f"<Dbtr><Nm>{name}</Nm></Dbtr>" if name else ""
        parties += f"<DbtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></DbtrAcct>" if account else ""
        parties += "</RltdPties>"
    rmt = ""
    if kid or text:
        rmt = "<RmtInf>"
        rmt += f"<Ustrd>{text}</Ustrd>" if text else ""
        rmt += f"<Strd><CdtrRefInf><Ref>{kid}</Ref></CdtrRefInf></Strd>" if kid else ""
        rmt += "</RmtInf>"
    return f'<TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">{amount}</Amt></TxAmt></AmtDtls>{parties}{rmt}</TxDtls>'


def _entry(ref: str, amount: Decimal, booked: date, **tx: str) -> str:
    day = booked.isoformat()
    return (
        f'<Ntry><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls>{_tx(amount, **tx)}</NtryDtls></Ntry>"
    )


def demo_camt054(company: Company, booked: date) -> bytes:
    """A camt.054.001.02 notification of incoming payments to the company's default account."""
    from fakturaflyt.receivables.payments import open_invoices

    account = CompanyBankAccount.objects.filter(company=company, is_default=True).first()
    iban = account.iban if account else ""
    invoices = [i for i in open_invoices(company) if i.currency == "NOK" and i.paid_amount == 0]
    entries: list[str] = []
    ref = f"DEMO-{booked:%Y%m%d}-"
    picks = iter(invoices)
    for n, inv in enumerate(picks):
        if n >= 6:
            break
        open_amount = inv.total - inv.paid_amount
        if n in (0, 1):  # paid in full, by KID
            entries.append(_entry(f"{ref}{n}", open_amount, booked, kid=inv.kid, name=inv.buyer_name))
        elif n == 2:  # a part payment, by KID
            entries.append(_entry(f"{ref}{n}", (open_amount / 2).quantize(Decimal("0.01")), booked, kid=inv.kid))
        elif n == 3:  # 100 kroner too much, by KID: the rest is a credit on the customer
            entries.append(_entry(f"{ref}{n}", open_amount + Decimal("100.00"), booked, kid=inv.kid))
        elif n == 4:  # no KID, the invoice number in the message
            entries.append(_entry(f"{ref}{n}", open_amount, booked, text=f"Faktura {inv.number}", name=inv.buyer_name))
        else:  # only the name and the amount: for the reconciliation screen
            entries.append(_entry(f"{ref}{n}", open_amount, booked, name=inv.buyer_name))
    entries.append(_entry(f"{ref}X", Decimal("1250.00"), booked, name="Ukjent Innbetaler", text="Depositum"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>DEMO-{booked:%Y%m%d}</MsgId><CreDtTm>{booked.isoformat()}T06:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>DEMO-{booked:%Y%m%d}-1</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>NOK</Ccy></Acct>
{"".join(entries)}
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""".encode()


def load_bank_demo(company: Company, actor: Any, *, today: date | None = None) -> None:
    """Import yesterday's demo payments once (the bank references make a second import add nothing)."""
    from fakturaflyt.banking.models import BankEntry
    from fakturaflyt.banking.services import import_bank_file

    if BankEntry.objects.filter(company=company).exists():
        return
    booked = (today or timezone.localdate()) - timedelta(days=1)
    import_bank_file(company, demo_camt054(company, booked), actor, filename=f"innbetalinger-{booked:%Y%m%d}.xml")
