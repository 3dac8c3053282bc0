"""``{% load dashboards %}``: a figure formatted by its unit, and whether the viewer may open a figure's list."""

from __future__ import annotations

from typing import Any

from django import template

from fakturaflyt.dashboards.links import may_open
from fakturaflyt.web.templatetags.fakturaflyt import nok, qty

register = template.Library()


@register.filter
def figure(value: Any, unit: str = "") -> str:
    """Norwegian display by unit: ``nok`` 1 234,50; ``pct`` 81,1 %; ``days`` 4,5; ``count`` 12; None as –."""
    if value is None or value == "":
        return "–"
    if unit == "nok":
        return nok(value)
    if unit == "pct":
        return f"{qty(value)}\u00a0%"
    if unit == "days":
        return qty(value)
    return str(value)


@register.filter
def openable(url: str, perms: Any) -> bool:
    """True if ``url`` is a list the viewer's permissions open (the link is then shown)."""
    return bool(url) and may_open(url, perms)
