"""Payments fixtures: a company with a bank account, suppliers with known accounts, approved invoices."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

TODAY = date(2026, 3, 10)
_seq = itertools.count(1)


@pytest.fixture
def pay_company(company):
    from fakturaflyt.companies.models import CompanyBankAccount

    CompanyBankAccount.objects.create(
        company=company, account_number="15064123456", iban="NO1415064123456", bic="DNBANOKK", is_default=True
    )
    return company


@pytest.fixture
def suppliers(pay_company):
    from fakturaflyt.payables.models import Supplier

    return {
        1: Supplier.objects.create(
            company=pay_company, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325", bank_account="15032080119"
        ),
        2: Supplier.objects.create(
            company=pay_company, number=2, name="Fjordnett Telekom AS", orgnr="998811228", bank_account="12540512343"
        ),
    }


@pytest.fixture
def make_doc(pay_company):
    """Factory: an approved (posted) supplier invoice or credit note, unpaid, straight in the database."""
    from fakturaflyt.payables.models import DocumentState, Receipt, StoredFile, SupplierDocument

    def make(
        supplier: Any,
        total: str = "1000.00",
        *,
        due: date = TODAY + timedelta(days=5),
        number: str | None = None,
        kid: str = "",
        account: str | None = None,
        credit_note: bool = False,
        credits: Any = None,
        state: str = DocumentState.APPROVED,
        **extra: Any,
    ) -> SupplierDocument:
        n = next(_seq)
        stored = StoredFile.objects.create(
            sha256=hashlib.sha256(f"doc-{n}-{id(make)}".encode()).hexdigest(), size=1, content_type="application/pdf"
        )
        receipt = Receipt.objects.create(
            company=pay_company, file=stored, channel="upload", filename=f"f{n}.pdf", received_at="2026-03-01T10:00Z"
        )
        return SupplierDocument.objects.create(
            company=pay_company,
            receipt=receipt,
            file=stored,
            state=state,
            supplier=supplier,
            invoice_number=number or f"F-{n}",
            issue_date=due - timedelta(days=14),
            due_date=due,
            currency="NOK",
            total=Decimal(total),
            kid=kid,
            bank_account=supplier.bank_account if account is None else account,
            is_credit_note=credit_note,
            credits=credits,
            **extra,
        )

    return make


@pytest.fixture
def payer(pay_company, user_factory):
    """Two accountants (payment rights) and an approver (no payment rights)."""
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    users = {}
    for name, role in (("ola", Role.ACCOUNTANT), ("kari", Role.ACCOUNTANT), ("attestant", Role.APPROVER)):
        users[name] = user_factory(f"{name}@test.no")
        add_member(
            None, pay_company, users[name], role, approval_limit=Decimal("10000") if role == Role.APPROVER else None
        )
    return users


def pain002(original_message_id: str, statuses: list[tuple[str, str, str]], group: str = "PART") -> bytes:
    """A pain.002.001.11 status report: ``statuses`` = [(end_to_end_id, status, reason_code)]."""
    txs = "".join(
        f"""<TxInfAndSts><StsId>S{i}</StsId><OrgnlInstrId>{e2e}</OrgnlInstrId><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>
        <TxSts>{status}</TxSts>{f"<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn><AddtlInf>Account closed</AddtlInf></StsRsnInf>" if reason else ""}
        </TxInfAndSts>"""
        for i, (e2e, status, reason) in enumerate(statuses)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.11">
<CstmrPmtStsRpt>
 <GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-03-11T08:00:00</CreDtTm></GrpHdr>
 <OrgnlGrpInfAndSts><OrgnlMsgId>{original_message_id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>{group}</GrpSts></OrgnlGrpInfAndSts>
 <OrgnlPmtInfAndSts><OrgnlPmtInfId>{original_message_id}-1</OrgnlPmtInfId>{txs}</OrgnlPmtInfAndSts>
</CstmrPmtStsRpt>
</Document>""".encode()


def camt054(account_iban: str, bookings: list[tuple[str, Decimal, date]]) -> bytes:
    """A camt.054.001.08 debit notification: ``bookings`` = [(end_to_end_id, amount, booking date)]."""
    entries = "".join(
        f"""<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt><ValDt><Dt>{booked.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>BANKREF{i}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><AcctSvcrRef>BANKREF{i}</AcctSvcrRef><InstrId>{e2e}</InstrId><EndToEndId>{e2e}</EndToEndId></Refs>
        <Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls></Ntry>"""
        for i, (e2e, amount, booked) in enumerate(bookings, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
<BkToCstmrDbtCdtNtfctn>
 <GrpHdr><MsgId>NTF-1</MsgId><CreDtTm>2026-03-16T06:00:00</CreDtTm></GrpHdr>
 <Ntfctn><Id>N1</Id><CreDtTm>2026-03-16T06:00:00</CreDtTm><Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>NOK</Ccy></Acct>
 {entries}
 </Ntfctn>
</BkToCstmrDbtCdtNtfctn>
</Document>""".encode()
