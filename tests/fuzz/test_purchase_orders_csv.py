"""The purchase-order CSV import (``purchasing/csvimport.py``) under fuzzing: it looks suppliers up
in the database, so it runs here with a company rather than in the registry of ``targets.py``.

Contract: ``parse_orders`` returns the orders and a list of problems (codes ``FF-PO-*``); it never
raises on any file.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import csv_mutated
from tests.fuzz.targets import REGRESSIONS, save_crash

PROFILE = "fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "fuzz-ci"
SEED = (
    "order_number;supplier_orgnr;order_date;requester_email;line_no;item_id;description;quantity;unit;"
    "unit_price;account;vat_code;department;project\n"
    "PO-1001;987654325;2026-03-01;kari@firma.no;1;A-100;Kontorstol Ergo;4;EA;1500.00;6540;1;200;\n"
    "PO-1001;987654325;2026-03-01;kari@firma.no;2;;Montering;2;HUR;650,00;6540;1;200;P1\n"
    "PO-1002;1;01.03.2026;;1;;Blåbær;1e999999;EA;NaN;;;;\n"
).encode()


def _parse(company: object, data: bytes) -> None:
    from fakturaflyt.purchasing.csvimport import parse_orders

    try:
        parse_orders(company, data)  # type: ignore[arg-type]
    except Exception:
        save_crash("purchase_orders_csv", data)
        raise


@pytest.mark.django_db
@settings(
    settings.get_profile(PROFILE),
    max_examples=min(settings.get_profile(PROFILE).max_examples, 30) if PROFILE == "fuzz-ci" else None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.one_of(csv_mutated([SEED]), st.binary(max_size=300)))
def test_purchase_order_csv_never_raises(company: object, data: bytes) -> None:
    _parse(company, data)


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted((REGRESSIONS / "purchase_orders_csv").glob("*.bin")), ids=lambda p: p.stem)
def test_purchase_order_csv_regressions(company: object, path: object) -> None:
    _parse(company, path.read_bytes())  # type: ignore[attr-defined]
