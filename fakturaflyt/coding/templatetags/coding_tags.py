"""``{% load coding_tags %}``: the link from a supplier document to its lines in the coding queue."""

from __future__ import annotations

from typing import Any

from django import template

from fakturaflyt.coding.models import CodingLine, LineState

register = template.Library()


@register.inclusion_tag("coding/_document_link.html")
def coding_link(document: Any) -> dict[str, Any]:
    """How many of the document's lines wait in the queue and how many are coded, and the tab to open."""
    counts: dict[str, int] = {}
    for state in CodingLine.objects.filter(document=document).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    queued = counts.get(LineState.QUEUED, 0)
    auto = counts.get(LineState.AUTO, 0)
    coded = sum(counts.values()) - queued
    tab = "queued" if queued else "auto" if auto and auto == coded else "coded"
    return {"document": document, "queued": queued, "coded": coded, "tab": tab, "total": sum(counts.values())}
