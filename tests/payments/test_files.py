"""The pain.001 file (XSD-valid, KID in Strd/CdtrRefInf, NURG) and the bank's answers (pain.002, camt.054)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from fakturaflyt.core.identifiers import make_kid
from fakturaflyt.ledger.models import AuditEvent, Voucher
from fakturaflyt.payables.models import PaymentStatus
from fakturaflyt.payments import services
from fakturaflyt.payments.error_codes import PaymentCode, PaymentError
from fakturaflyt.payments.models import PaymentState, RunStatus

from .conftest import TODAY, camt054, pain002

pytestmark = pytest.mark.django_db
KID = make_kid("4455667", "mod10")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


@pytest.fixture
def exported(pay_company, suppliers, make_doc, payer, intake_dirs):
    """An approved and exported run: one invoice with KID, one without."""
    with_kid = make_doc(suppliers[1], "1250.00", kid=KID, due=TODAY + timedelta(days=5))
    without = make_doc(suppliers[2], "800.00", number="2026-0042", due=TODAY + timedelta(days=9))
    run = services.propose(pay_company, TODAY + timedelta(days=30), payer["ola"], today=TODAY)
    services.approve_run(run, payer["kari"])
    data = services.export_run(run, user=payer["kari"])
    run.refresh_from_db()
    return run, data, with_kid, without


@pytest.mark.parametrize("version", ["pain.001.001.09", "pain.001.001.03"])
def test_export_validates_against_the_xsd_with_kid(
    version, corpus, pay_company, suppliers, make_doc, payer, intake_dirs
) -> None:
    # given an approved run
    make_doc(suppliers[1], "1250.00", kid=KID)
    make_doc(suppliers[2], "800.00", number="2026-0042")
    run = services.propose(pay_company, TODAY + timedelta(days=30), payer["ola"], today=TODAY)
    services.approve_run(run, payer["kari"])
    # when
    data = services.export_run(run, version)
    # then the file is valid against the ISO XSD of the corpus
    schema = etree.XMLSchema(etree.parse(str(corpus / "bank" / "xsd" / f"{version}.xsd")))
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}
    refs = doc.xpath("//p:RmtInf/p:Strd/p:CdtrRefInf", namespaces=ns)
    assert [r.findtext("p:Ref", namespaces=ns) for r in refs] == [KID]
    assert refs[0].findtext("p:Tp/p:CdOrPrtry/p:Cd", namespaces=ns) == "SCOR"
    assert doc.xpath("//p:RmtInf/p:Ustrd/text()", namespaces=ns) == ["Faktura 2026-0042"]
    assert set(doc.xpath("//p:SvcLvl/p:Cd/text()", namespaces=ns)) == {"NURG"}
    assert doc.xpath("string(//p:GrpHdr/p:CtrlSum)", namespaces=ns) == "2050.00"
    # and the run is exported, the file stored, the payments sent
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED and run.format == version and run.file is not None
    assert set(run.payments.values_list("status", flat=True)) == {PaymentState.EXPORTED}
    assert services.export_run(run, version) == data  # downloading again gives the same file
    with pytest.raises(PaymentError) as exc:
        services.export_run(run, "pain.001.001.03" if version.endswith("09") else "pain.001.001.09")
    assert exc.value.code == PaymentCode.ALREADY_EXPORTED


def test_exported_run_cannot_be_cancelled(exported) -> None:
    run, *_ = exported
    with pytest.raises(PaymentError) as exc:
        services.cancel_run(run, None)
    assert exc.value.code == PaymentCode.NOT_OPEN


def test_pain002_rejection_returns_the_invoice_to_the_proposal(pay_company, exported, payer) -> None:
    # given an exported run, and the bank rejects one payment and accepts the other
    run, _, with_kid, without = exported
    by_doc = {p.document_id: p for p in run.payments.all()}
    rejected, accepted = by_doc[with_kid.pk], by_doc[without.pk]
    report = pain002(run.message_id, [(rejected.end_to_end_id, "RJCT", "AC04"), (accepted.end_to_end_id, "ACCP", "")])
    # when
    summary = services.import_bank_file(pay_company, report, payer["kari"])
    # then
    assert (summary["kind"], summary["rejected"], summary["accepted"]) == ("pain.002", 1, 1)
    rejected.refresh_from_db()
    accepted.refresh_from_db()
    assert rejected.status == PaymentState.REJECTED and rejected.status_reason.startswith("AC04")
    assert accepted.status == PaymentState.ACCEPTED
    with_kid.refresh_from_db()
    assert with_kid.payment_status == PaymentStatus.UNPAID
    # and the next proposal takes the rejected invoice again (and only it)
    again = services.propose(pay_company, TODAY + timedelta(days=30), payer["ola"], today=TODAY)
    assert [p.document for p in again.payments.all()] == [with_kid]
    # importing the same report twice changes nothing
    events = AuditEvent.objects.filter(company=pay_company).count()
    summary = services.import_bank_file(pay_company, report, payer["kari"])
    assert (summary["rejected"], summary["accepted"], summary["unchanged"]) == (0, 0, 2)
    assert AuditEvent.objects.filter(company=pay_company).count() == events


def test_group_rejection_rejects_every_payment(pay_company, exported) -> None:
    run, *_ = exported
    report = pain002(run.message_id, [], group="RJCT").replace(
        b"<OrgnlPmtInfAndSts><OrgnlPmtInfId>" + run.message_id.encode() + b"-1</OrgnlPmtInfId></OrgnlPmtInfAndSts>", b""
    )
    summary = services.import_bank_file(pay_company, report, None)
    assert summary["rejected"] == 2
    assert set(run.payments.values_list("status", flat=True)) == {PaymentState.REJECTED}


def test_camt054_books_the_payment_voucher(pay_company, exported, payer) -> None:
    # given an exported run and the bank's debit notification for both payments
    run, _, _with_kid, _without = exported
    payments = list(run.payments.order_by("pk"))
    booked_on = date(2026, 3, 16)
    data = camt054("NO1415064123456", [(p.end_to_end_id, p.amount, booked_on) for p in payments])
    # when
    summary = services.import_bank_file(pay_company, data, payer["kari"])
    # then every payment is booked with a balanced voucher in series BANK: 2400 (supplier) against 1920
    assert (summary["kind"], summary["booked"]) == ("camt.054", 2)
    for p in payments:
        p.refresh_from_db()
        assert p.status == PaymentState.BOOKED and p.booked_on == booked_on
        v = p.voucher
        assert v.series.code == "BANK" and v.date == booked_on
        lines = {(x.account.number, x.debit, x.credit, x.supplier_id) for x in v.postings.select_related("account")}
        assert lines == {("2400", p.amount, Decimal(0), p.supplier_id), ("1920", Decimal(0), p.amount, None)}
        p.document.refresh_from_db()
        assert p.document.payment_status == PaymentStatus.PAID and p.document.paid_at == booked_on
    run.refresh_from_db()
    assert run.status == RunStatus.CLOSED
    # a second import of the same file changes nothing
    vouchers = Voucher.objects.filter(company=pay_company).count()
    summary = services.import_bank_file(pay_company, data, payer["kari"])
    assert (summary["booked"], summary["unchanged"]) == (0, 2)
    assert Voucher.objects.filter(company=pay_company).count() == vouchers


def test_camt054_validates_and_unknown_files_are_refused(corpus, pay_company) -> None:
    # the test's own camt.054 is a valid camt.054.001.08 document
    data = camt054("NO1415064123456", [("E2E-X", Decimal("10.00"), date(2026, 3, 16))])
    schema = etree.XMLSchema(etree.parse(str(corpus / "bank" / "xsd" / "camt.054.001.08.xsd")))
    assert schema.validate(etree.fromstring(data)), schema.error_log
    # an entry that is not ours is ignored
    assert services.import_bank_file(pay_company, data, None)["booked"] == 0
    with pytest.raises(PaymentError) as exc:
        services.import_bank_file(pay_company, b"<Invoice/>", None)
    assert exc.value.code == PaymentCode.UNKNOWN_BANK_FILE
