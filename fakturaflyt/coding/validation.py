"""Checking a coding against the company's books: the account, VAT code, department and project must exist
and be open; a purchase takes no output (sales) VAT code. Errors name the field."""

from __future__ import annotations

from collections.abc import Mapping

from fakturaflyt.coding.error_codes import CodingCode, CodingError
from fakturaflyt.companies.models import Company
from fakturaflyt.ledger.models import Account, Department, Project, VatCode, VatDirection


def validate(company: Company, coding: Mapping[str, str], *, account_required: bool = True) -> None:
    """Every code must exist and be active in the company; raises :class:`CodingError` naming the field."""
    account = coding.get("account", "")
    if not account:
        if account_required:
            raise CodingError(CodingCode.ACCOUNT_REQUIRED, "Choose the account the line is posted to.", "account")
    else:
        row = Account.objects.filter(company=company, number=account).values_list("is_active", flat=True).first()
        if row is None:
            raise CodingError(
                CodingCode.UNKNOWN_ACCOUNT, f"Account {account} is not in the chart of accounts.", "account"
            )
        if not row:
            raise CodingError(CodingCode.INACTIVE_ACCOUNT, f"Account {account} is closed for posting.", "account")
    vat = coding.get("vat_code", "")
    if vat:
        found = VatCode.objects.filter(company=company, code=vat).values_list("is_active", "direction").first()
        if found is None:
            raise CodingError(CodingCode.UNKNOWN_VAT_CODE, f"VAT code {vat} does not exist.", "vat_code")
        if not found[0]:
            raise CodingError(CodingCode.INACTIVE_VAT_CODE, f"VAT code {vat} is not in use.", "vat_code")
        if found[1] == VatDirection.OUTPUT:
            raise CodingError(
                CodingCode.OUTPUT_VAT_CODE,
                f"VAT code {vat} is for sales (output VAT); a purchase needs an input VAT code.",
                "vat_code",
            )
    for target, model, unknown, inactive, noun in (
        ("department", Department, CodingCode.UNKNOWN_DEPARTMENT, CodingCode.INACTIVE_DEPARTMENT, "Department"),
        ("project", Project, CodingCode.UNKNOWN_PROJECT, CodingCode.INACTIVE_PROJECT, "Project"),
    ):
        code = coding.get(target, "")
        if not code:
            continue
        active = model.objects.filter(company=company, code=code).values_list("is_active", flat=True).first()
        if active is None:
            raise CodingError(unknown, f"{noun} {code} does not exist.", target)
        if not active:
            raise CodingError(inactive, f"{noun} {code} is closed.", target)


def is_valid(company: Company, coding: Mapping[str, str]) -> bool:
    try:
        validate(company, coding)
    except CodingError:
        return False
    return True


__all__ = ["is_valid", "validate"]
