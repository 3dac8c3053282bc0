"""``{% comments_panel document %}``: the comments of a supplier document the current user may read, and the form."""

from __future__ import annotations

from typing import Any

from django import template

from fakturaflyt.approvals.forms import CommentForm
from fakturaflyt.approvals.services import comments_for
from fakturaflyt.companies.permissions import has_perm
from fakturaflyt.companies.roles import Perm, Role

register = template.Library()


@register.inclusion_tag("approvals/_comments_panel.html", takes_context=True)
def comments_panel(context: template.Context, document: Any) -> dict[str, Any]:
    request = context.get("request")
    m = getattr(request, "membership", None)
    if m is None or document is None:
        return {"show": False}
    return {
        "show": True,
        "document": document,
        "comments": list(comments_for(document, m)),
        # an auditor (revisor) reads the comments but may not add one (the view refuses it too)
        "form": CommentForm() if has_perm(m, Perm.VIEW_PAYABLES) and m.role != Role.AUDITOR else None,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "voucher": document.voucher.label if document.voucher_id else "",
    }
