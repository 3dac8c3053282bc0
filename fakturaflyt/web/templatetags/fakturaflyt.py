"""Template filters and tags of the web shell: ``{% load fakturaflyt %}``.

Amounts are shown the Norwegian way whatever the interface language: a (non-breaking)
space between thousands and a comma before the øre, e.g. ``1 234 567,50``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import format_kontonr, format_orgnr
from fakturaflyt.core.money import D, format_nok
from fakturaflyt.web.nav import NavItem, section_of, visible_items

register = template.Library()

NBSP = "\u00a0"


@register.filter
def nok(value: Any, blank_zero: str = "") -> str:
    """``Decimal('-1234.5')`` as ``-1 234,50`` (non-breaking spaces); ``None`` as ''.

    ``{{ amount|nok:"blank" }}`` leaves zero empty, as in debit/credit columns.
    """
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else D(str(value) if isinstance(value, float) else value)
    except FakturaflytError:
        return str(value)
    if blank_zero and amount == 0:
        return ""
    # ASCII minus, not U+2212: amounts are copied into spreadsheets, which only read the former.
    return format_nok(amount).replace(" ", NBSP)


@register.filter
def qty(value: Any) -> str:
    """A quantity or rate without trailing zeros, with a decimal comma: ``Decimal('3.500')`` as ``3,5``, ``25.00`` as ``25``."""
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else D(str(value))
    except FakturaflytError:
        return str(value)
    text = f"{number.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def orgnr(value: str | None) -> str:
    """``923609016`` as ``923 609 016``; anything unreadable as it is."""
    if not value:
        return ""
    try:
        return format_orgnr(value)
    except FakturaflytError:
        return value


@register.filter
def kontonr(value: str | None) -> str:
    """``15032080119`` as ``1503.20.80119``; anything unreadable as it is."""
    if not value:
        return ""
    try:
        return format_kontonr(value)
    except FakturaflytError:
        return value


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> list[NavItem]:
    """The navigation the user may see in the active company."""
    return visible_items(context.get("perms_in_company") or set())


@register.simple_tag(takes_context=True)
def current_section(context: template.Context) -> str:
    """Key of the nav item the current page belongs to, for ``aria-current``."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return section_of(match.namespace, match.url_name)
