"""PowerOffice GO API v2: a posted voucher as a manual journal voucher, posted directly.

Source: PowerOffice GO API v2 developer portal (https://developer.poweroffice.net/, workflow
"Voucher Posting"; endpoint ``POST /Vouchers/ManualJournals``, models ``ManualVoucherPostDto``
and ``ManualVoucherLinePostDto``; authentication: OAuth 2.0 client credentials). Version 1
of the API (api.poweroffice.net) is being retired; this adapter speaks v2.

* **Authentication**: three keys. The *application key* is Fakturaflyt's, the *client key* is
  created when the customer activates the integration in GO, the *subscription key* is the
  product subscription in the developer portal. ``POST https://goapi.poweroffice.net/OAuth/Token``
  with ``Authorization: Basic base64(application key:client key)``, the header
  ``Ocp-Apim-Subscription-Key`` and the form ``grant_type=client_credentials`` answers
  ``{"access_token", "expires_in"}`` (20 minutes). Every call then sends
  ``Authorization: Bearer <token>`` and the subscription key header.
* **Voucher**: ``POST https://goapi.poweroffice.net/v2/Vouchers/ManualJournals`` with
  ``{"VoucherDate", "CurrencyCode", "Description", "ExternalImportReference", "ImportedVoucherNo",
  "SaftSourceId", "VoucherLines": [...]}``. ``ExternalImportReference`` is unique per client in GO,
  so a voucher sent twice is refused by GO as well (our own record is the first guard).
  A line has ``PostingDate``, ``AccountId`` (the GL or sub-ledger account's id), ``CurrencyAmount``
  (signed, **gross** "along with the relevant vat code"), ``CurrencyCode``, ``CurrencyExchangeRate``,
  ``Description``, ``DepartmentId``, ``ProjectId``, ``VatId`` (required) and ``ExternalLineReference``.
* **Look-ups**: ``GET /GeneralLedgerAccounts?accountNos=``, ``/VatCodes`` (matched on ``Code``, the
  standard tax code), ``/Departments?departmentCodes=``, ``/Projects?projectCodes=``,
  ``/Customers?customerNos=``, ``/Suppliers?supplierNos=`` (partners by their number, which is kept
  the same when the books move); each answers a JSON list of objects with ``Id``.
* **Errors**: RFC 7807 problem details ``{"type", "title", "status", "detail", "errors"}``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

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

BASE_URL = "https://goapi.poweroffice.net/v2"
TOKEN_URL = "https://goapi.poweroffice.net/OAuth/Token"
SUBSCRIPTION_HEADER = "Ocp-Apim-Subscription-Key"

_LOOKUPS = {
    "account": "/GeneralLedgerAccounts?accountNos=",
    "department": "/Departments?departmentCodes=",
    "project": "/Projects?projectCodes=",
    "customer": "/Customers?customerNos=",
    "supplier": "/Suppliers?supplierNos=",
}


class PowerOffice(Adapter):
    name = "poweroffice"
    title = "PowerOffice GO"
    docs_url = "https://developer.poweroffice.net/"
    credentials = (
        CredentialField("application_key", "Application key", help="Fakturaflyt's key for PowerOffice GO."),
        CredentialField("client_key", "Client key", help="Created when the integration is activated in GO."),
        CredentialField("subscription_key", "Subscription key", help="The API product subscription key."),
    )

    def __init__(self, base_url: str = BASE_URL, token_url: str = TOKEN_URL) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url

    def session_request(self, creds: Mapping[str, str], today: date) -> Request:
        pair = base64.b64encode(f"{creds['application_key']}:{creds['client_key']}".encode()).decode("ascii")
        return Request(
            "POST",
            self.token_url,
            (
                ("Accept", "application/json"),
                ("Authorization", f"Basic {pair}"),
                (SUBSCRIPTION_HEADER, creds["subscription_key"]),
            ),
            form=(("grant_type", "client_credentials"),),
        )

    def parse_session(self, response: Response) -> str:
        token = response.body.get("access_token") if isinstance(response.body, dict) else None
        if not token:
            raise ValueError("PowerOffice GO gave no access token")
        return str(token)

    def auth_headers(self, creds: Mapping[str, str], session: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {session or ''}", SUBSCRIPTION_HEADER: creds["subscription_key"]}

    def refs(self, voucher: ExportVoucher) -> list[Ref]:
        out: list[Ref] = []
        for g in fold_vat(voucher):
            r = g.row
            if r.customer_no:
                out.append(("customer", r.customer_no))
            elif r.supplier_no:
                out.append(("supplier", r.supplier_no))
            else:
                out.append(("account", r.account))
            out.append(("vat", g.tax_code or NO_VAT))
            out += [("department", r.department)] if r.department else []
            out += [("project", r.project)] if r.project else []
        return list(dict.fromkeys(out))

    def lookup_request(self, ref: Ref, creds: Mapping[str, str]) -> Request:
        if ref[0] == "vat":
            return Request("GET", f"{self.base_url}/VatCodes")
        return Request("GET", f"{self.base_url}{_LOOKUPS[ref[0]]}{quote(ref[1])}")

    def parse_lookup(self, ref: Ref, response: Response) -> str | None:
        body = response.body
        if not response.ok or not isinstance(body, list):
            return None
        items = [b for b in body if isinstance(b, dict)]
        if ref[0] == "vat":
            items = [b for b in items if str(b.get("Code", "")) == ref[1]]
        return str(items[0]["Id"]) if items and items[0].get("Id") is not None else None

    def voucher_request(self, voucher: ExportVoucher, ids: Mapping[Ref, str], creds: Mapping[str, str]) -> Request:
        ids = self.need(voucher, ids, self.refs(voucher))
        lines: list[dict[str, Any]] = []
        for g in fold_vat(voucher):
            r = g.row
            if r.customer_no:
                account = ids[("customer", r.customer_no)]
            elif r.supplier_no:
                account = ids[("supplier", r.supplier_no)]
            else:
                account = ids[("account", r.account)]
            foreign = r.currency != "NOK" and g.currency_amount is not None and r.exchange_rate
            line: dict[str, Any] = {
                "PostingDate": voucher.date.isoformat(),
                "AccountId": int(account),
                "CurrencyAmount": g.currency_amount if foreign else g.gross,
                "CurrencyCode": r.currency if foreign else "NOK",
                "Description": (r.description or voucher.description)[:200],
                "VatId": int(ids[("vat", g.tax_code or NO_VAT)]),
                "ExternalLineReference": f"{voucher.label}/{r.line}",
            }
            if foreign:
                line["CurrencyExchangeRate"] = r.exchange_rate
            if r.department:
                line["DepartmentId"] = int(ids[("department", r.department)])
            if r.project:
                line["ProjectId"] = int(ids[("project", r.project)])
            lines.append(line)
        body = {
            "VoucherDate": voucher.date.isoformat(),
            "CurrencyCode": "NOK",
            "Description": voucher.description[:200],
            "ExternalImportReference": f"fakturaflyt:{voucher.label}",
            "ImportedVoucherNo": voucher.first.number,
            "SaftSourceId": "Fakturaflyt",
            "VoucherLines": lines,
        }
        return Request(
            "POST",
            f"{self.base_url}/Vouchers/ManualJournals",
            (("Accept", "application/json"), ("Content-Type", "application/json")),
            body,
        )

    def parse_created(self, response: Response) -> str:
        return str(response.body.get("Id", "")) if isinstance(response.body, dict) else ""
