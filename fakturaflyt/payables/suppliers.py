"""The supplier register as the intake uses it: find the supplier of a document, or register a new one.

A supplier is found by, in this order: its Norwegian org.nr; its VAT number; for a foreign
supplier without either, its exact name. A new supplier is registered from what an EHF says
(name, org.nr or VAT number, address) or from a PDF when its org.nr was read with a valid
check digit and enough confidence; it gets the company's next supplier number. Callers hold
the company's row lock (:mod:`.processing`), so two documents from one new supplier
processed at once register it once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.ledger import audit
from fakturaflyt.payables.models import Supplier, SupplierLayout


def compact_vat_id(vat_id: str) -> str:
    """``NO 923 609 016 MVA`` as ``NO923609016MVA``; ``SE556677889901`` unchanged."""
    return "".join(ch for ch in vat_id.upper() if ch.isalnum())


def valid_orgnr(value: str) -> str:
    try:
        return normalise_orgnr(value) if value else ""
    except FormatError:
        return ""


def find(company: Company, *, orgnr: str = "", vat_id: str = "", name: str = "") -> Supplier | None:
    suppliers = Supplier.objects.filter(company=company)
    orgnr = valid_orgnr(orgnr)
    if orgnr:
        found = suppliers.filter(orgnr=orgnr).first()
        if found is not None:
            return found
    vat = compact_vat_id(vat_id)
    if vat:
        for candidate in suppliers.exclude(vat_id="").only("pk", "vat_id"):
            if compact_vat_id(candidate.vat_id) == vat:
                return suppliers.get(pk=candidate.pk)
        if vat.startswith("NO") and vat.endswith("MVA"):
            found = suppliers.filter(orgnr=vat[2:-3]).first() if vat[2:-3].isdecimal() else None
            if found is not None:
                return found
    if name and not orgnr and not vat:
        return suppliers.filter(orgnr="", vat_id="", name__iexact=name.strip()).first()
    return None


def next_number(company: Company) -> int:
    return int(Supplier.objects.filter(company=company).aggregate(n=Max("number"))["n"] or 0) + 1


def create(
    company: Company,
    actor: Any,
    *,
    name: str,
    orgnr: str = "",
    vat_id: str = "",
    address: dict[str, str] | None = None,
    source: str = "",
) -> Supplier:
    """Register a supplier read from a document (one audit event ``supplier.created``)."""
    address = address or {}
    orgnr = valid_orgnr(orgnr)
    country = (address.get("country") or ("NO" if orgnr else "")).upper()[:2] or "NO"
    supplier = Supplier.objects.create(
        company=company,
        number=next_number(company),
        name=(name or orgnr or vat_id).strip()[:200],
        orgnr=orgnr,
        vat_id=vat_id.strip()[:30],
        address_line=address.get("address_line", "")[:200],
        postal_code=address.get("postal_code", "")[:10],
        city=address.get("city", "")[:100],
        country=country,
    )
    audit.record(
        company,
        actor,
        "supplier.created",
        supplier,
        after={"number": supplier.number, "name": supplier.name, "orgnr": orgnr, "vat_id": supplier.vat_id},
        source=source,
    )
    return supplier


def layout_of(company: Company, orgnr: str, vat_id: str) -> dict[str, Any] | None:
    """The learnt PDF layout of the supplier with this org.nr or VAT number, if any."""
    supplier = find(company, orgnr=orgnr, vat_id=vat_id)
    if supplier is None:
        return None
    layout = SupplierLayout.objects.filter(supplier=supplier).values_list("layout", flat=True).first()
    return layout or None
