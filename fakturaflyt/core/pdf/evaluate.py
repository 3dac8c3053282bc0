"""Compare an extraction with ground truth, for tests and the accuracy benchmark.

Ground truth comes in two shapes: invoice2data's output (``issuer``, ``date``, ``date_due``,
``amount`` = total incl. VAT, ``amount_untaxed``, ``amount_tax``, ``vat`` = supplier VAT id,
a list holding one dict) and the project's own names (``supplier_org_number``,
``total_incl_vat``, ``vat_amount``, ``amount_excl_vat``). :func:`expected_fields` maps both
to our field names; :func:`field_matches` decides whether a value is right:

* supplier name: case- and whitespace-insensitive, either contained in the other (the
  expected ``issuer`` is sometimes a short brand, sometimes the full company name);
* amounts: equal to the cent; dates: equal; VAT ids and IBANs: equal without spaces;
* anything else: equal as text.

>>> expected_fields([{"issuer": "Free", "amount": 29.99, "date": "2015-07-02", "vat": "FR 604 219 388 61"}])
{'supplier_name': 'Free', 'total': '29.99', 'issue_date': '2015-07-02', 'supplier_vat_id': 'FR 604 219 388 61'}
>>> field_matches("supplier_name", "Free", "Free SAS"), field_matches("total", "4.11", "4.110")
(True, True)
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fakturaflyt.core.pdf.model import AMOUNT_FIELDS, Extraction, value_to_json

__all__ = ["expected_fields", "field_matches", "score"]

_MAP = {
    "issuer": "supplier_name",
    "supplier_name": "supplier_name",
    "invoice_number": "invoice_number",
    "date": "issue_date",
    "issue_date": "issue_date",
    "date_due": "due_date",
    "due_date": "due_date",
    "amount": "total",
    "total_incl_vat": "total",
    "amount_untaxed": "net_total",
    "amount_excl_vat": "net_total",
    "amount_tax": "vat_total",
    "vat_amount": "vat_total",
    "currency": "currency",
    "vat": "supplier_vat_id",
    "supplier_org_number": "supplier_orgnr",
    "kid": "kid",
    "bank_account": "bank_account",
    "iban": "iban",
}


def expected_fields(truth: Any) -> dict[str, str]:
    """Our field names and the expected values (as text) from a ground-truth JSON document."""
    record = truth[0] if isinstance(truth, list) else truth
    out: dict[str, str] = {}
    for key, value in record.items():
        name = _MAP.get(key)
        if name is None or value is None:
            continue
        out[name] = f"{Decimal(str(value)):.2f}" if name in AMOUNT_FIELDS else str(value)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def field_matches(name: str, expected: str, got: object) -> bool:
    """True when ``got`` (an extracted value) is right for ``expected`` (see the module docs)."""
    if got is None:
        return False
    text = str(value_to_json(got))
    if name == "supplier_name":
        a, b = _squash(expected), _squash(text)
        return bool(a and b) and (a in b or b in a)
    if name in AMOUNT_FIELDS:
        try:
            return abs(Decimal(text) - Decimal(expected)) < Decimal("0.005")
        except InvalidOperation:
            return False
    if name in ("supplier_vat_id", "iban", "supplier_orgnr", "bank_account", "kid"):
        return re.sub(r"[\s.]", "", text).upper() == re.sub(r"[\s.]", "", expected).upper()
    return text.strip() == expected.strip()


def score(x: Extraction, truth: Any) -> dict[str, bool]:
    """For each expected field: whether the extraction has it right."""
    return {name: field_matches(name, value, x.value(name)) for name, value in expected_fields(truth).items()}
