"""Payment file: write a pain.001.001.09 with 10,000 payments and check it against the ISO XSD.

The run mixes what a Norwegian payment run holds: NOK to domestic accounts with KID (70 %) or
an invoice number as message (25 %), and EUR to IBANs abroad (5 %), over 20 execution dates.
Writing includes every check of ``write_pain001`` (accounts, KID check digits, ids); the XSD
check parses the bytes with the hardened parser and validates with lxml against
``corpus/bank/xsd/pain.001.001.09.xsd`` (schema loading timed apart).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from fakturaflyt.core.identifiers import make_kid
from fakturaflyt.core.iso20022._xml import default_xsd_dir
from fakturaflyt.core.iso20022.pain001 import (
    CreditTransfer,
    Debtor,
    PaymentInitiation,
    validate_pain001,
    write_pain001,
)

COUNT = 10_000


def _account(n: int) -> str:
    base = f"{1503_000000 + n * 7:010d}"
    while True:
        try:
            return make_kid(base, "mod11")
        except ValueError:  # MOD11 gives '-': no account number has that base; take the next
            base = f"{int(base) + 1:010d}"


def initiation(count: int = COUNT) -> PaymentInitiation:
    start = date(2026, 3, 2)
    transfers = []
    for i in range(count):
        day = start + timedelta(days=i % 20)
        amount = Decimal(1000 + (i * 37) % 90_000) / 100
        if i % 20 == 19:
            transfers.append(
                CreditTransfer(
                    f"BENCH-{i}",
                    amount,
                    "EUR",
                    f"Lieferant {i} GmbH",
                    day,
                    creditor_iban="DE89370400440532013000",
                    creditor_bic="COBADEFFXXX",
                    creditor_country="DE",
                    message=f"RE-{i}",
                )
            )
        elif i % 4 == 0:
            transfers.append(
                CreditTransfer(
                    f"BENCH-{i}",
                    amount,
                    "NOK",
                    f"Leverandør {i} AS",
                    day,
                    creditor_account=_account(i),
                    message=f"Faktura {100000 + i}",
                )
            )
        else:
            transfers.append(
                CreditTransfer(
                    f"BENCH-{i}",
                    amount,
                    "NOK",
                    f"Leverandør {i} AS",
                    day,
                    creditor_account=_account(i),
                    kid=make_kid(str(100000 + i), "mod10"),
                )
            )
    debtor = Debtor("Fakturaflyt Demo AS", "923609016", account="15032080119")
    return PaymentInitiation("BENCH-RUN", datetime(2026, 3, 1, 8, tzinfo=UTC), debtor, transfers)


def run() -> list[tuple[str, str]]:
    run_ = initiation()
    started = time.perf_counter()
    data = write_pain001(run_, "pain.001.001.09")
    write_s = time.perf_counter() - started
    rows = [
        (f"write pain.001.001.09, {COUNT:_} payments".replace("_", " "), f"{write_s:.2f} s ({COUNT / write_s:,.0f}/s)"),
        ("file size", f"{len(data) / 1_048_576:.1f} MiB"),
    ]
    if not (default_xsd_dir() / "pain.001.001.09.xsd").is_file():
        return [*rows, ("XSD validation", f"skipped: no XSD in {default_xsd_dir()} (set FAKTURAFLYT_CORPUS)")]
    started = time.perf_counter()
    validate_pain001(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>')  # loads the schema
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    problems = validate_pain001(data)
    validate_s = time.perf_counter() - started
    rows.append(("load the XSD (once per thread)", f"{load_s:.2f} s"))
    rows.append(("parse + XSD-validate the file", f"{validate_s:.2f} s ({'valid' if not problems else problems[0]})"))
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:<55} {figure}")
