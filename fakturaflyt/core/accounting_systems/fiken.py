"""Fiken API v2: a posted voucher as a general journal entry (fri postering).

Source: Fiken API v2 (https://api.fiken.no/api/v2/docs/, operation ``createGeneralJournalEntry``,
models ``GeneralJournalEntryRequest``, ``JournalEntry``, ``JournalEntryLine``, ``Contact``).

* **Authentication**: a personal API token (Fiken: Settings, "API", "Personlige API-nøkler")
  as ``Authorization: Bearer <token>``, and the company's *slug* (from ``GET /companies``
  or the company's address in Fiken) in every path.
* **Voucher**: ``POST /companies/{companySlug}/generalJournalEntries`` with
  ``{"description", "open": false, "journalEntries": [{"description", "date", "lines": [...]}]}``.
  A line names ``debitAccount`` (+ ``debitVatCode``) or ``creditAccount`` (+ ``creditVatCode``)
  and a positive ``amount`` **in øre** (integer). Fiken computes the VAT from the VAT code, so
  the amount is the *net* for a debit line and the *gross* for a credit line (as documented on
  ``JournalEntryLine.amount``). Answer: ``201 Created`` with the entry's URL in ``Location``.
* **Accounts** are Fiken's account codes, the same four-digit NS 4102 numbers, so no look-up;
  a customer or supplier line goes to its sub-ledger account ``1500:NNNNN`` / ``2400:NNNNN``,
  looked up with ``GET /companies/{slug}/contacts?organizationNumber=`` (``customerAccountCode``,
  ``supplierAccountCode``).
* **VAT codes**: sent as the SAF-T standard tax code (as an integer); an administrator can
  map a code differently per company (Integrations, mappings).
* **Dimensions**: a general journal entry line has no department, and its project is
  read-only in the API, so department and project are not sent (the dry run says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fakturaflyt.core.accounting_systems.base import (
    Adapter,
    CredentialField,
    ExportVoucher,
    GrossLine,
    Ref,
    Request,
    Response,
    fold_vat,
    to_ore,
)

BASE_URL = "https://api.fiken.no/api/v2"


class Fiken(Adapter):
    name = "fiken"
    title = "Fiken"
    docs_url = "https://api.fiken.no/api/v2/docs/"
    credentials = (
        CredentialField("api_token", "Personal API token", help="Fiken: Settings, API, personal API keys."),
        CredentialField("company_slug", "Company slug", secret=False, help="The company's name in Fiken's addresses."),
    )

    def __init__(self, base_url: str = BASE_URL) -> None:
        self.base_url = base_url.rstrip("/")

    def _company(self, creds: Mapping[str, str]) -> str:
        return f"{self.base_url}/companies/{quote(creds['company_slug'].strip())}"

    def auth_headers(self, creds: Mapping[str, str], session: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {creds['api_token']}"}

    def refs(self, voucher: ExportVoucher) -> list[Ref]:
        out: list[Ref] = []
        for g in fold_vat(voucher):
            r = g.row
            out.append(("account", r.account))
            if g.tax_code:
                out.append(("vat", g.tax_code))
            if r.customer_orgnr:
                out.append(("customer", r.customer_orgnr))
            if r.supplier_orgnr:
                out.append(("supplier", r.supplier_orgnr))
        return list(dict.fromkeys(out))

    def default_id(self, ref: Ref) -> str | None:
        # Fiken's accounts are the NS 4102 numbers; VAT codes by the standard tax code.
        return ref[1] if ref[0] in {"account", "vat"} else None

    def lookup_request(self, ref: Ref, creds: Mapping[str, str]) -> Request | None:
        if ref[0] in {"customer", "supplier"}:
            return Request("GET", f"{self._company(creds)}/contacts?organizationNumber={quote(ref[1])}")
        return None

    def parse_lookup(self, ref: Ref, response: Response) -> str | None:
        body = response.body
        if not response.ok or not isinstance(body, list) or not body or not isinstance(body[0], dict):
            return None
        key = "customerAccountCode" if ref[0] == "customer" else "supplierAccountCode"
        code = body[0].get(key)
        return str(code) if code else None

    def _line(self, g: GrossLine, account: str, vat: str | None) -> dict[str, Any]:
        side = "debit" if g.is_debit else "credit"
        # Fiken: the net amount on a debit line, the gross on a credit line (it adds or splits the VAT).
        amount = abs(g.net) if side == "debit" and vat else abs(g.gross)
        line: dict[str, Any] = {"amount": to_ore(amount), f"{side}Account": account}
        if vat:
            line[f"{side}VatCode"] = int(vat)
        return line

    def voucher_request(self, voucher: ExportVoucher, ids: Mapping[Ref, str], creds: Mapping[str, str]) -> Request:
        ids = self.need(voucher, ids, self.refs(voucher))
        lines: list[dict[str, Any]] = []
        notes: list[str] = []
        for g in fold_vat(voucher):
            r = g.row
            account = ids[("account", r.account)]
            if r.customer_orgnr:
                account = ids[("customer", r.customer_orgnr)]
            elif r.supplier_orgnr:
                account = ids[("supplier", r.supplier_orgnr)]
            if r.department or r.project:
                notes.append(f"line {r.line}: department/project not sent (Fiken journal lines have none)")
            if r.currency != "NOK":
                notes.append(f"line {r.line}: sent in NOK ({r.currency} amount not sent)")
            if g.gross == 0 and g.net == 0:
                continue
            lines.append(self._line(g, account, ids[("vat", g.tax_code)] if g.tax_code else None))
        text = f"{voucher.label} {voucher.description}"[:160]
        body = {
            "description": text,
            "open": False,
            "journalEntries": [{"description": text, "date": voucher.date.isoformat(), "lines": lines}],
        }
        return Request(
            "POST",
            f"{self._company(creds)}/generalJournalEntries",
            (("Accept", "application/json"), ("Content-Type", "application/json")),
            body,
            notes=tuple(dict.fromkeys(notes)),
        )

    def parse_created(self, response: Response) -> str:
        location = {k.lower(): v for k, v in response.headers.items()}.get("location", "")
        return location.rstrip("/").rsplit("/", 1)[-1] if location else ""
