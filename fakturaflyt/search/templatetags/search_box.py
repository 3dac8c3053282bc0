"""``{% can_search as ok %}``: whether the header shows the search box (the membership may search something)."""

from __future__ import annotations

from django import template

from fakturaflyt.search.services import kinds_for

register = template.Library()


@register.simple_tag(takes_context=True)
def can_search(context: template.Context) -> bool:
    return bool(kinds_for(context.get("membership")))
