"""Fixtures for the ISO 20022 tests: the corpus XSD directory and a typical Norwegian payment run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from fakturaflyt.core.iso20022.pain001 import CreditTransfer, Debtor, PaymentInitiation


@pytest.fixture
def xsd_dir(corpus: Path) -> Path:
    path = corpus / "bank" / "xsd"
    if not (path / "pain.001.001.09.xsd").is_file():
        pytest.skip(f"pain.001 XSDs not found in {path} (set FAKTURAFLYT_CORPUS)")
    return path


def run() -> PaymentInitiation:
    """NOK with KID and with message on two dates, plus a SEPA EUR payment to Germany."""
    debtor = Debtor("Fakturaflyt Demo AS", "923609016", account="15032080119")
    transfers = [
        CreditTransfer(
            "RUN1-1",
            Decimal("1250.00"),
            "NOK",
            "Kontorrekvisita AS",
            date(2026, 3, 2),
            creditor_account="86011117947",
            kid="123456782",
            instruction_id="I-1",
        ),
        CreditTransfer(
            "RUN1-2",
            Decimal("499.50"),
            "NOK",
            "Renhold Vest AS",
            date(2026, 3, 2),
            creditor_account="1503.20.80119",
            message="Faktura 20260117",
        ),
        CreditTransfer(
            "RUN1-3",
            Decimal("8000"),
            "NOK",
            "Husleie Eiendom AS",
            date(2026, 3, 16),
            creditor_account="86011117947",
            kid="123456785",
        ),
        CreditTransfer(
            "RUN1-4",
            Decimal("99.99"),
            "EUR",
            "Bürobedarf GmbH",
            date(2026, 3, 2),
            creditor_iban="DE89 3704 0044 0532 0130 00",
            creditor_bic="COBADEFFXXX",
            creditor_country="DE",
            message="RE-2026-0042",
        ),
    ]
    return PaymentInitiation("RUN1", datetime(2026, 3, 1, 9, 30, tzinfo=UTC), debtor, transfers)


@pytest.fixture
def initiation() -> PaymentInitiation:
    return run()
