"""pain.001 out: valid against the corpus XSDs in .09 and .03, KID in Strd/CdtrRefInf (SCOR), Norwegian rules."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import make_kid
from fakturaflyt.core.iso20022.pain001 import (
    VERSIONS,
    CreditTransfer,
    Debtor,
    PaymentInitiation,
    validate_pain001,
    write_pain001,
)


def _tree(data: bytes) -> tuple[etree._Element, dict[str, str]]:
    root = etree.fromstring(data)
    return root, {"p": etree.QName(root).namespace or ""}


@pytest.mark.parametrize("version", VERSIONS)
def test_run_validates_against_the_corpus_xsd(version: str, initiation: PaymentInitiation, xsd_dir: Path) -> None:
    # when
    data = write_pain001(initiation, version)
    # then
    assert validate_pain001(data, xsd_dir) == []
    assert f"urn:iso:std:iso:20022:tech:xsd:{version}".encode() in data


@pytest.mark.parametrize("version", VERSIONS)
def test_kid_sits_in_structured_creditor_reference_with_scor(version: str, initiation: PaymentInitiation) -> None:
    root, ns = _tree(write_pain001(initiation, version))
    tx = root.xpath("//p:CdtTrfTxInf[p:PmtId/p:EndToEndId='RUN1-1']", namespaces=ns)[0]
    assert tx.xpath("string(p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd)", namespaces=ns) == "SCOR"
    assert tx.xpath("string(p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref)", namespaces=ns) == "123456782"
    assert not tx.xpath("p:RmtInf/p:Ustrd", namespaces=ns)
    # the message goes unstructured, never both
    other = root.xpath("//p:CdtTrfTxInf[p:PmtId/p:EndToEndId='RUN1-2']", namespaces=ns)[0]
    assert other.xpath("string(p:RmtInf/p:Ustrd)", namespaces=ns) == "Faktura 20260117"
    assert not other.xpath("p:RmtInf/p:Strd", namespaces=ns)


@pytest.mark.parametrize("version", VERSIONS)
def test_one_payment_info_per_date_and_currency_with_counts_and_sums(
    version: str, initiation: PaymentInitiation
) -> None:
    root, ns = _tree(write_pain001(initiation, version))
    assert root.xpath("string(//p:GrpHdr/p:NbOfTxs)", namespaces=ns) == "4"
    assert root.xpath("string(//p:GrpHdr/p:CtrlSum)", namespaces=ns) == "9849.49"
    infos = root.xpath("//p:PmtInf", namespaces=ns)
    dt = "p:ReqdExctnDt/p:Dt" if version.endswith("09") else "p:ReqdExctnDt"
    summary = [
        (
            i.xpath(f"string({dt})", namespaces=ns),
            i.xpath("string(p:PmtTpInf/p:SvcLvl/p:Cd)", namespaces=ns),
            i.xpath("string(p:NbOfTxs)", namespaces=ns),
            i.xpath("string(p:CtrlSum)", namespaces=ns),
        )
        for i in infos
    ]
    assert summary == [
        ("2026-03-02", "SEPA", "1", "99.99"),
        ("2026-03-02", "NURG", "2", "1749.50"),
        ("2026-03-16", "NURG", "1", "8000.00"),
    ]
    ids = [i.xpath("string(p:PmtInfId)", namespaces=ns) for i in infos]
    assert len(set(ids)) == 3


@pytest.mark.parametrize("version", VERSIONS)
def test_accounts_debtor_id_and_bic(version: str, initiation: PaymentInitiation) -> None:
    root, ns = _tree(write_pain001(initiation, version))
    bic = "BICFI" if version.endswith("09") else "BIC"
    dbtr = root.xpath("//p:PmtInf[1]", namespaces=ns)[0]
    assert dbtr.xpath("string(p:Dbtr/p:Id/p:OrgId/p:Othr/p:Id)", namespaces=ns) == "923609016"
    assert dbtr.xpath("string(p:DbtrAcct/p:Id/p:Othr/p:Id)", namespaces=ns) == "15032080119"
    assert dbtr.xpath("string(p:DbtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd)", namespaces=ns) == "BBAN"
    nok = root.xpath("//p:CdtTrfTxInf[p:PmtId/p:EndToEndId='RUN1-2']", namespaces=ns)[0]
    assert nok.xpath("string(p:CdtrAcct/p:Id/p:Othr/p:Id)", namespaces=ns) == "15032080119"  # dots removed
    eur = root.xpath("//p:CdtTrfTxInf[p:PmtId/p:EndToEndId='RUN1-4']", namespaces=ns)[0]
    assert eur.xpath("string(p:CdtrAcct/p:Id/p:IBAN)", namespaces=ns) == "DE89370400440532013000"
    assert eur.xpath(f"string(p:CdtrAgt/p:FinInstnId/p:{bic})", namespaces=ns) == "COBADEFFXXX"
    assert eur.xpath("string(p:Cdtr/p:PstlAdr/p:Ctry)", namespaces=ns) == "DE"
    assert eur.xpath("string(p:Amt/p:InstdAmt/@Ccy)", namespaces=ns) == "EUR"


def test_debtor_iban_and_bic_are_used_when_given(initiation: PaymentInitiation, xsd_dir: Path) -> None:
    debtor = Debtor("Fakturaflyt Demo AS", "923 609 016", iban="NO9386011117947", bic="DNBANOKKXXX")
    data = write_pain001(dataclasses.replace(initiation, debtor=debtor))
    assert validate_pain001(data, xsd_dir) == []
    assert b"<IBAN>NO9386011117947</IBAN>" in data and b"<BICFI>DNBANOKKXXX</BICFI>" in data


def _transfer(**changes: object) -> CreditTransfer:
    base = CreditTransfer("E1", Decimal("10.00"), "NOK", "A AS", date(2026, 3, 2), creditor_account="86011117947")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("transfer", "code"),
    [
        (_transfer(amount=Decimal("0")), "FF-PAIN001-AMOUNT"),
        (_transfer(amount=Decimal("-5")), "FF-PAIN001-AMOUNT"),
        (_transfer(amount=Decimal("1.005")), "FF-PAIN001-AMOUNT"),
        (_transfer(creditor_account=""), "FF-PAIN001-CREDITOR-ACCOUNT"),
        (_transfer(creditor_account="86011117948"), "FF-KONTONR-INVALID"),
        (_transfer(creditor_iban="DE00370400440532013000"), "FF-IBAN-INVALID"),
        (_transfer(end_to_end_id="X" * 36), "FF-PAIN001-ID"),
        (_transfer(instruction_id="X" * 36), "FF-PAIN001-ID"),
        (_transfer(kid="123456780"), "FF-KID-CHECKDIGIT"),
        (_transfer(currency="nok"), "FF-PAIN001-CURRENCY"),
        (_transfer(message="x" * 141), "FF-PAIN001-MESSAGE"),
        (_transfer(message="Faktura\x01 12"), "FF-PAIN001-CHARACTERS"),
    ],
)
def test_bad_transfers_are_refused_with_a_code_naming_the_transfer(transfer: CreditTransfer, code: str) -> None:
    debtor = Debtor("D AS", "923609016", account="15032080119")
    with pytest.raises(FormatError) as info:
        write_pain001(PaymentInitiation("M1", datetime(2026, 3, 1, tzinfo=UTC), debtor, [transfer]))
    assert info.value.code == code
    assert info.value.problems[0].location


def test_bad_runs_are_refused(initiation: PaymentInitiation) -> None:
    cases = [
        (dataclasses.replace(initiation, transfers=[]), "FF-PAIN001-EMPTY"),
        (dataclasses.replace(initiation, message_id="M" * 36), "FF-PAIN001-ID"),
        (dataclasses.replace(initiation, created_at=datetime(2026, 3, 1)), "FF-PAIN001-TIME"),
        (dataclasses.replace(initiation, debtor=Debtor("D AS", "923609016")), "FF-PAIN001-DEBTOR-ACCOUNT"),
        (dataclasses.replace(initiation, debtor=Debtor("D AS", "123", account="15032080119")), "FF-ORGNR-INVALID"),
        (dataclasses.replace(initiation, transfers=[_transfer(), _transfer()]), "FF-PAIN001-DUPLICATE-ID"),
    ]
    for run, code in cases:
        with pytest.raises(FormatError) as info:
            write_pain001(run)
        assert info.value.code == code
    with pytest.raises(FormatError) as info:
        write_pain001(initiation, "pain.001.001.12")
    assert info.value.code == "FF-PAIN001-VERSION"


def test_validate_reports_schema_errors_and_a_missing_xsd(
    initiation: PaymentInitiation, xsd_dir: Path, tmp_path: Path
) -> None:
    broken = write_pain001(initiation).replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>XXX</PmtMtd>")
    problems = validate_pain001(broken, xsd_dir)
    assert problems and problems[0].code == "FF-PAIN001-XSD" and "PmtMtd" in problems[0].message
    assert "line" in problems[0].location
    missing = validate_pain001(write_pain001(initiation), tmp_path)
    assert [(p.code, p.severity) for p in missing] == [("FF-PAIN001-XSD-MISSING", "warning")]
    assert validate_pain001(b"<a/>", xsd_dir)[0].code == "FF-PAIN001-VERSION"
    assert validate_pain001(b"<!DOCTYPE a><a/>", xsd_dir)[0].code == "FF-XML-DTD"


# --- generated runs -------------------------------------------------------------------------------

_digits = st.text("0123456789", min_size=10, max_size=10)


def _kontonr(base: str) -> str | None:
    try:
        return make_kid(base, "mod11")  # an 11-digit account number is a 10-digit base + MOD11
    except FormatError:
        return None


_accounts = _digits.map(_kontonr).filter(lambda a: a is not None)
_kids = st.text("0123456789", min_size=1, max_size=24).map(lambda b: make_kid(b, "mod10"))
_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=70).filter(
    lambda s: s.strip()
)
_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2)


@st.composite
def _transfers(draw: st.DrawFn, index: int) -> CreditTransfer:
    foreign = draw(st.booleans())
    reference = draw(st.sampled_from(["kid", "message", "none"]))
    return CreditTransfer(
        end_to_end_id=f"E{index}-" + draw(st.text("ABCXYZ0123456789-", max_size=20)),
        amount=draw(_amounts),
        currency="EUR" if foreign else draw(st.sampled_from(["NOK", "NOK", "SEK"])),
        creditor_name=draw(_names),
        requested_date=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 10))),
        creditor_account="" if foreign else str(draw(_accounts)),
        creditor_iban="DE89370400440532013000" if foreign else "",
        creditor_bic=draw(st.sampled_from(["", "COBADEFFXXX"])) if foreign else "",
        creditor_country="DE" if foreign else "NO",
        kid=draw(_kids) if reference == "kid" else "",
        message=draw(st.text(max_size=140, alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))))
        if reference == "message"
        else "",
        instruction_id=draw(st.text("0123456789", max_size=35)),
    )


@st.composite
def _initiations(draw: st.DrawFn) -> PaymentInitiation:
    n = draw(st.integers(1, 8))
    transfers = [draw(_transfers(i)) for i in range(n)]
    debtor = Debtor(draw(_names), "923609016", account=str(draw(_accounts)))
    return PaymentInitiation(
        draw(st.text("ABCDEFGHIJ0123456789-", min_size=1, max_size=35)),
        datetime(2026, 1, 1, 8, tzinfo=timezone(timedelta(hours=1))),
        debtor,
        transfers,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(run=_initiations(), version=st.sampled_from(VERSIONS))
def test_generated_runs_always_validate(run: PaymentInitiation, version: str, xsd_dir: Path) -> None:
    data = write_pain001(run, version)
    assert validate_pain001(data, xsd_dir) == []
    root, ns = _tree(data)
    total = sum((t.amount for t in run.transfers), Decimal(0))
    assert Decimal(root.xpath("string(//p:GrpHdr/p:CtrlSum)", namespaces=ns)) == total
    assert sum(int(n) for n in root.xpath("//p:PmtInf/p:NbOfTxs/text()", namespaces=ns)) == len(run.transfers)
