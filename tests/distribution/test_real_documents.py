"""Sends with the real renderers of the receivables app: the PDF by e-mail, the EHF into the Peppol outbox."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from fakturaflyt.distribution import services
from fakturaflyt.distribution.models import DispatchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_invoice(make_invoice, dirs):
    from fakturaflyt.receivables.models import SalesInvoiceLine

    invoice = make_invoice(channel="ehf", peppol_id="0192:923609016")
    SalesInvoiceLine.objects.create(
        invoice=invoice,
        line_no=1,
        description="Konsulenttimer",
        quantity="10",
        unit_code="HUR",
        unit_price="1000",
        net_amount="10000.00",
        vat_code="3",
        vat_rate="25",
        revenue_account="3000",
    )
    return invoice


def _sent(dispatch):
    assert dispatch.status == DispatchStatus.SENT, dispatch.last_error
    return dispatch


def test_the_real_pdf_by_email(real_invoice) -> None:
    _sent(services.send(real_invoice, channel="email"))
    [attachment] = mail.outbox[0].attachments
    assert attachment[1].startswith(b"%PDF") and attachment[2] == "application/pdf"


def test_the_real_ehf_into_the_outbox(real_invoice, dirs) -> None:
    dispatch = _sent(services.send(real_invoice))
    xml = (dirs / dispatch.file_name).read_bytes()
    assert b"Invoice" in xml[:400]
    assert json.loads((dirs / dispatch.file_name).with_suffix(".json").read_text())["size"] == len(xml)
