"""Card entries of camt.053/054/052: purchases in EUR and NOK, refunds, skipped entries, hostile input."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakturaflyt.core.cards.camt import looks_like_camt, read_camt_card_transactions
from fakturaflyt.core.errors import FormatError

CAMT053_V08 = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
 <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-05T06:00:00+01:00</CreDtTm></GrpHdr>
 <Stmt>
  <Id>S1</Id>
  <Acct><Id><Othr><Id>15032080119</Id></Othr></Id><Ccy>NOK</Ccy><Ownr><Nm>Fakturaflyt Demo AS</Nm></Ownr></Acct>
  <Ntry>
   <Amt Ccy="NOK">4093.21</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
   <BookgDt><Dt>2026-03-04</Dt></BookgDt><ValDt><Dt>2026-03-04</Dt></ValDt>
   <AcctSvcrRef>CARD-0001</AcctSvcrRef>
   <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>CCRD</Cd><SubFmlyCd>POSD</SubFmlyCd></Fmly></Domn></BkTxCd>
   <CardTx><Card><PlainCardData><PAN>4571000000001234</PAN><XpryDt>2028-01</XpryDt></PlainCardData></Card></CardTx>
   <NtryDtls><TxDtls>
    <AmtDtls><InstdAmt><Amt Ccy="EUR">347.83</Amt></InstdAmt><TxAmt><Amt Ccy="NOK">4093.21</Amt></TxAmt></AmtDtls>
    <RltdPties><Dbtr><Pty><Nm>Fakturaflyt Demo AS</Nm></Pty></Dbtr><Cdtr><Pty><Nm>AMZN MKTP DE*2X4AB12C3</Nm></Pty></Cdtr></RltdPties>
    <RltdDts><TxDtTm>2026-03-02T13:05:10Z</TxDtTm></RltdDts>
   </TxDtls></NtryDtls>
  </Ntry>
  <Ntry>
   <Amt Ccy="NOK">249.90</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
   <BookgDt><Dt>2026-07-01</Dt></BookgDt>
   <NtryRef>E2</NtryRef>
   <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>CCRD</Cd><SubFmlyCd>POSD</SubFmlyCd></Fmly></Domn></BkTxCd>
   <NtryDtls><TxDtls>
    <RltdPties><Dbtr><Pty><Nm>Kari Nordmann</Nm></Pty></Dbtr></RltdPties>
    <RmtInf><Ustrd>CLAS OHLSON   OSLO</Ustrd></RmtInf>
   </TxDtls></NtryDtls>
  </Ntry>
  <Ntry>
   <Amt Ccy="NOK">1177.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
   <BookgDt><DtTm>2026-03-10T09:30:00</DtTm></BookgDt>
   <AcctSvcrRef>CARD-0002</AcctSvcrRef>
   <BkTxCd><Prtry><Cd>Refund</Cd></Prtry></BkTxCd>
   <CardTx><Card><AddtlCardData>************9876</AddtlCardData></Card></CardTx>
   <NtryDtls><TxDtls>
    <AmtDtls><InstdAmt><Amt Ccy="EUR">100.00</Amt></InstdAmt></AmtDtls>
    <RltdPties><Dbtr><Pty><Nm>AMAZON.DE</Nm></Pty></Dbtr></RltdPties>
   </TxDtls></NtryDtls>
  </Ntry>
  <Ntry>
   <Amt Ccy="NOK">12500.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
   <BookgDt><Dt>2026-03-04</Dt></BookgDt><AcctSvcrRef>TRF-1</AcctSvcrRef>
   <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
   <NtryDtls><TxDtls><RltdPties><Cdtr><Pty><Nm>Leverandor AS</Nm></Pty></Cdtr></RltdPties></TxDtls></NtryDtls>
  </Ntry>
  <Ntry>
   <Amt Ccy="NOK">99.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
   <BookgDt><Dt>2026-03-04</Dt></BookgDt><AcctSvcrRef>PEND-1</AcctSvcrRef>
   <CardTx/>
  </Ntry>
 </Stmt>
</BkToCstmrStmt>
</Document>
"""

CAMT054_V02 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
<BkToCstmrDbtCdtNtfctn>
 <GrpHdr><MsgId>N1</MsgId><CreDtTm>2026-03-05T06:00:00</CreDtTm></GrpHdr>
 <Ntfctn>
  <Id>N1-1</Id>
  <Acct><Id><Othr><Id>15032080119</Id></Othr></Id></Acct>
  <Ntry>
   <Amt Ccy="NOK">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
   <BookgDt><Dt>2026-03-03</Dt></BookgDt>
   <BkTxCd><Prtry><Cd>VAREKJØP KORT</Cd><Issr>DNB</Issr></Prtry></BkTxCd>
   <NtryDtls>
    <TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">100.00</Amt></TxAmt></AmtDtls>
     <RltdPties><Cdtr><Nm>Narvesen Oslo S</Nm></Cdtr><UltmtDbtr><Nm>Ola Nordmann</Nm></UltmtDbtr></RltdPties></TxDtls>
    <TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">200.00</Amt></TxAmt></AmtDtls>
     <AddtlTxInf>Ruter billett</AddtlTxInf></TxDtls>
   </NtryDtls>
  </Ntry>
  <Ntry>
   <Amt Ccy="NOK">55.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
   <BookgDt><Dt>2026-03-03</Dt></BookgDt>
   <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
   <AddtlNtryInf>Innbetaling</AddtlNtryInf>
  </Ntry>
 </Ntfctn>
</BkToCstmrDbtCdtNtfctn>
</Document>
""".encode()

SAMPLES = sorted(
    (Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "bank" / "samples").glob("camt05*/*.xml")
)


def test_camt053_card_entries() -> None:
    purchase, shop, refund = read_camt_card_transactions(CAMT053_V08)
    # EUR purchase charged in NOK; time converted from UTC to Oslo; holder from the card, not the company.
    assert (purchase.amount, purchase.currency, purchase.amount_nok) == (Decimal("347.83"), "EUR", Decimal("4093.21"))
    assert purchase.booked_at.isoformat() == "2026-03-02T14:05:10+01:00"
    assert purchase.merchant == "AMZN MKTP DE*2X4AB12C3" and purchase.merchant_payment_ref == "2X4AB12C3"
    assert purchase.card_holder == "kort ****1234" and "4571" not in purchase.card_holder
    assert purchase.id == purchase.reference == "CARD-0001" and purchase.row > 0
    # NOK purchase: family CCRD, no CardTx, merchant from Ustrd, date only -> 12:00 Oslo (summer time).
    assert (shop.amount, shop.currency, shop.amount_nok) == (Decimal("249.90"), "NOK", Decimal("249.90"))
    assert shop.merchant == "CLAS OHLSON OSLO" and shop.card_holder == "Kari Nordmann"
    assert shop.booked_at.isoformat() == "2026-07-01T12:00:00+02:00" and shop.id == "E2"
    # Refund: a credit with CardTx is negative; the shop is the debtor; a time without offset is Oslo time.
    assert (refund.amount, refund.currency, refund.amount_nok) == (Decimal("-100.00"), "EUR", Decimal("-1177.00"))
    assert refund.merchant == "AMAZON.DE" and refund.card_holder == "kort ****9876"
    assert refund.booked_at.isoformat() == "2026-03-10T09:30:00+01:00"


def test_non_card_and_pending_entries_are_skipped() -> None:
    refs = [t.reference for t in read_camt_card_transactions(CAMT053_V08)]
    assert "TRF-1" not in refs and "PEND-1" not in refs


def test_camt054_batch_proprietary_card_code() -> None:
    first, second = read_camt_card_transactions(CAMT054_V02)
    assert (first.amount, first.amount_nok, first.merchant, first.card_holder) == (
        Decimal("100.00"),
        Decimal("100.00"),
        "Narvesen Oslo S",
        "Ola Nordmann",
    )
    assert (second.amount, second.merchant) == (Decimal("200.00"), "Ruter billett")
    assert first.id.startswith("h") and first.id != second.id and first.reference == ""
    assert [t.id for t in read_camt_card_transactions(CAMT054_V02)] == [first.id, second.id]  # stable


def test_batch_without_own_amounts_is_one_charge() -> None:
    data = CAMT054_V02.replace(b'<AmtDtls><TxAmt><Amt Ccy="NOK">100.00</Amt></TxAmt></AmtDtls>', b"")
    (only,) = read_camt_card_transactions(data)
    assert only.amount == Decimal("300.00") and only.amount_nok == Decimal("300.00")


def test_entry_without_date_takes_creation_time() -> None:
    data = CAMT054_V02.replace(b"<BookgDt><Dt>2026-03-03</Dt></BookgDt>", b"")
    assert read_camt_card_transactions(data)[0].booked_at.isoformat() == "2026-03-05T06:00:00+01:00"


def test_account_in_euro_has_no_nok_amount() -> None:
    data = CAMT054_V02.replace(b'Ccy="NOK"', b'Ccy="EUR"')
    first = read_camt_card_transactions(data)[0]
    assert (first.amount, first.currency, first.amount_nok) == (Decimal("100.00"), "EUR", None)


def test_looks_like_camt() -> None:
    assert looks_like_camt(CAMT053_V08) and looks_like_camt(CAMT054_V02)
    assert not looks_like_camt(b"date,time,merchant,amount\n") and not looks_like_camt(b"<Invoice/>")


def test_reused_reference_gets_a_counter() -> None:
    data = CAMT053_V08.replace(b"CARD-0002", b"CARD-0001")
    ids = [t.id for t in read_camt_card_transactions(data)]
    assert ids[0] == "CARD-0001" and ids[2] == "CARD-0001#2"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_samples_read_without_crash(path: Path) -> None:
    data = path.read_bytes()
    assert looks_like_camt(data)
    assert read_camt_card_transactions(data) == []  # the samples hold no card entries
    # The same real structures with every bank transaction family made a card family.
    as_cards = re.sub(rb"(<(?:\w+:)?Fmly>\s*<(?:\w+:)?Cd>)[^<]*", rb"\1CCRD", data)
    try:
        txs = read_camt_card_transactions(as_cards)
    except FormatError as exc:
        assert exc.code.startswith("FF-CARD-CAMT-")
    else:
        assert all(t.id and t.booked_at.tzinfo is not None for t in txs)
        assert len({t.id for t in txs}) == len(txs)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>', "FF-CARD-CAMT-DTD"),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>',
            "FF-CARD-CAMT-DTD",
        ),
        (CAMT053_V08[: len(CAMT053_V08) // 2], "FF-CARD-CAMT-SYNTAX"),
        (CAMT054_V02.replace("VAREKJØP".encode(), "VAREKJØP".encode("latin-1")), "FF-CARD-CAMT-ENCODING"),
        (b"", "FF-CARD-CAMT-NOT-XML"),
        (b"%PDF-1.7 ...", "FF-CARD-CAMT-NOT-XML"),
        (b"<Document><CstmrCdtTrfInitn/></Document>", "FF-CARD-CAMT-ROOT"),
        (CAMT053_V08.replace(b">4093.21<", b">4O93.21<", 1), "FF-CARD-CAMT-AMOUNT"),
        (CAMT053_V08.replace(b'Ccy="EUR"', b'Ccy="euro!"', 1), "FF-CARD-CAMT-CURRENCY"),
        (CAMT053_V08.replace(b"<CdtDbtInd>DBIT", b"<CdtDbtInd>XXXX", 1), "FF-CARD-CAMT-INDICATOR"),
        (CAMT053_V08.replace(b"2026-03-02T13:05:10Z", b"yesterday"), "FF-CARD-CAMT-DATE"),
    ],
)
def test_hostile_and_broken_input(data: bytes, code: str) -> None:
    with pytest.raises(FormatError) as info:
        read_camt_card_transactions(data)
    assert info.value.code == code
    assert info.value.problems[0].location


def test_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(FormatError) as info:
        read_camt_card_transactions(CAMT053_V08, max_bytes=1000)
    assert info.value.code == "FF-CARD-CAMT-TOO-LARGE"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=len(CAMT053_V08)), junk=st.binary(max_size=8))
def test_mangled_files_never_crash(cut: int, junk: bytes) -> None:
    data = CAMT053_V08[:cut] + junk + CAMT053_V08[cut + len(junk) :]
    try:
        txs = read_camt_card_transactions(data)
    except FormatError as exc:
        assert exc.code.startswith("FF-CARD-CAMT-")
    else:
        assert all(isinstance(t.amount, Decimal) for t in txs)
