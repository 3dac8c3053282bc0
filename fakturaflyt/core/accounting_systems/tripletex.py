"""Tripletex API 2.0: a posted voucher as ``POST /v2/ledger/voucher`` with its postings.

Source: the Tripletex API 2.0 (swagger at https://tripletex.no/v2-docs/, model ``Voucher`` and
``Posting``; https://developer.tripletex.no/docs/documentation/authentication-and-tokens/).

* **Authentication**: the company creates an *employee token* for our integration, we hold a
  *consumer token*; ``PUT /v2/token/session/:create?consumerToken=..&employeeToken=..&expirationDate=..``
  answers ``{"value": {"token": ...}}``. Every call then uses HTTP Basic with user ``0`` (the
  employee's own company) and the session token as password.
* **Voucher**: ``{"date", "description", "externalVoucherNumber", "postings": [...]}``, sent with
  ``?sendToLedger=true`` so it is posted, not left in the voucher inbox. Each posting has
  ``row`` (1..n; row 0 is Tripletex's own), ``date``, ``description``, ``account: {"id"}``,
  ``amountGross`` (NOK, signed: debit positive; "only the gross amounts will be used") and
  ``amountGrossCurrency``, ``vatType: {"id"}`` (Tripletex splits the VAT off the gross amount),
  and optionally ``department``, ``project``, ``customer``, ``supplier``, ``currency`` as ``{"id"}``.
* **Look-ups** (ids are Tripletex's own): ``GET /v2/ledger/account?number=``, ``/v2/ledger/vatType?number=``
  (Tripletex's VAT type numbers are the SAF-T standard tax codes), ``/v2/department?departmentNumber=``,
  ``/v2/project?number=``, ``/v2/customer?organizationNumber=``, ``/v2/supplier?organizationNumber=``,
  ``/v2/currency?code=``; each answers ``{"values": [{"id": ...}]}``.
* **Errors**: ``{"status", "code", "message", "developerMessage", "validationMessages": [{"field", "message"}],
  "requestId"}``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fakturaflyt.core.accounting_systems.base import (
    NO_VAT,
    Adapter,
    CredentialField,
    ExportVoucher,
    Ref,
    Request,
    Response,
    fold_vat,
)

BASE_URL = "https://tripletex.no/v2"

_LOOKUPS = {
    "account": ("/ledger/account", "number"),
    "vat": ("/ledger/vatType", "number"),
    "department": ("/department", "departmentNumber"),
    "project": ("/project", "number"),
    "customer": ("/customer", "organizationNumber"),
    "supplier": ("/supplier", "organizationNumber"),
    "currency": ("/currency", "code"),
}


class Tripletex(Adapter):
    name = "tripletex"
    title = "Tripletex"
    docs_url = "https://developer.tripletex.no/docs/documentation/authentication-and-tokens/"
    credentials = (
        CredentialField("consumer_token", "Consumer token", help="Fakturaflyt's token from Tripletex (API 2.0)."),
        CredentialField("employee_token", "Employee token", help="Created in Tripletex: user settings, API access."),
    )

    def __init__(self, base_url: str = BASE_URL) -> None:
        self.base_url = base_url.rstrip("/")

    def session_request(self, creds: Mapping[str, str], today: date) -> Request:
        query = urlencode(
            {
                "consumerToken": creds["consumer_token"],
                "employeeToken": creds["employee_token"],
                "expirationDate": (today + timedelta(days=1)).isoformat(),
            }
        )
        return Request("PUT", f"{self.base_url}/token/session/:create?{query}")

    def parse_session(self, response: Response) -> str:
        value = response.body.get("value") if isinstance(response.body, dict) else None
        token = value.get("token") if isinstance(value, dict) else None
        if not token:
            raise ValueError("Tripletex gave no session token")
        return str(token)

    def auth_headers(self, creds: Mapping[str, str], session: str | None) -> dict[str, str]:
        pair = base64.b64encode(f"0:{session or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}

    def refs(self, voucher: ExportVoucher) -> list[Ref]:
        out: list[Ref] = []
        for g in fold_vat(voucher):
            r = g.row
            out += [("account", r.account), ("vat", g.tax_code or NO_VAT)]
            out += [("department", r.department)] if r.department else []
            out += [("project", r.project)] if r.project else []
            out += [("customer", r.customer_orgnr)] if r.customer_orgnr else []
            out += [("supplier", r.supplier_orgnr)] if r.supplier_orgnr else []
            out += [("currency", r.currency)] if r.currency != "NOK" else []
        return list(dict.fromkeys(out))

    def lookup_request(self, ref: Ref, creds: Mapping[str, str]) -> Request:
        path, param = _LOOKUPS[ref[0]]
        return Request("GET", f"{self.base_url}{path}?{param}={quote(ref[1])}&fields=id&count=1")

    def parse_lookup(self, ref: Ref, response: Response) -> str | None:
        values = response.body.get("values") if isinstance(response.body, dict) else None
        if response.ok and isinstance(values, list) and values and isinstance(values[0], dict):
            return str(values[0]["id"]) if values[0].get("id") is not None else None
        return None

    def voucher_request(self, voucher: ExportVoucher, ids: Mapping[Ref, str], creds: Mapping[str, str]) -> Request:
        ids = self.need(voucher, ids, self.refs(voucher))
        postings: list[dict[str, Any]] = []
        notes: list[str] = []
        for row_no, g in enumerate(fold_vat(voucher), start=1):
            r = g.row
            posting: dict[str, Any] = {
                "row": row_no,
                "date": voucher.date.isoformat(),
                "description": (r.description or voucher.description)[:200],
                "account": {"id": int(ids[("account", r.account)])},
                "amountGross": g.gross,
                "amountGrossCurrency": g.currency_amount if r.currency != "NOK" and g.currency_amount else g.gross,
                "vatType": {"id": int(ids[("vat", g.tax_code or NO_VAT)])},
            }
            if r.currency != "NOK":
                posting["currency"] = {"id": int(ids[("currency", r.currency)])}
            if r.department:
                posting["department"] = {"id": int(ids[("department", r.department)])}
            if r.project:
                posting["project"] = {"id": int(ids[("project", r.project)])}
            if r.customer_orgnr:
                posting["customer"] = {"id": int(ids[("customer", r.customer_orgnr)])}
            elif r.customer_no:
                notes.append(f"line {r.line}: customer {r.customer_no} has no org.nr; sent without customer")
            if r.supplier_orgnr:
                posting["supplier"] = {"id": int(ids[("supplier", r.supplier_orgnr)])}
            elif r.supplier_no:
                notes.append(f"line {r.line}: supplier {r.supplier_no} has no org.nr; sent without supplier")
            postings.append(posting)
        body = {
            "date": voucher.date.isoformat(),
            "description": voucher.description[:200],
            "externalVoucherNumber": voucher.label,
            "postings": postings,
        }
        return Request(
            "POST",
            f"{self.base_url}/ledger/voucher?sendToLedger=true",
            (("Accept", "application/json"), ("Content-Type", "application/json; charset=utf-8")),
            body,
            notes=tuple(notes),
        )

    def parse_created(self, response: Response) -> str:
        value = response.body.get("value") if isinstance(response.body, dict) else None
        return str(value.get("id", "")) if isinstance(value, dict) else ""
