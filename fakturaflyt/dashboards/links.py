"""Links from a figure to the list it counts, and who may open them.

Every figure carries the URL (with the list's own query parameters) of the page that lists what
it counts. :data:`LINK_PERMS` says which permission each of those lists needs, so a page shows
a figure's link only to a role that can open it (the list checks the permission again).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from django.urls import Resolver404, resolve, reverse

from fakturaflyt.companies.roles import Perm

#: The lists the dashboards link to and the permission their views require.
LINK_PERMS: dict[str, Perm] = {
    "payables:inbox": Perm.VIEW_PAYABLES,
    "approvals:pending": Perm.APPROVE,
    "payments:runs": Perm.MANAGE_PAYMENTS,
    "ledger:vouchers": Perm.VIEW_LEDGER,
    "receivables:invoices": Perm.VIEW_RECEIVABLES,
    "receivables_ledger:overview": Perm.VIEW_RECEIVABLES,
    "dunning:index": Perm.VIEW_RECEIVABLES,
    "cards:inbox": Perm.VIEW_PAYABLES,
}


def link(name: str, **params: object) -> str:
    """``reverse(name)`` with the non-empty ``params`` as query string (dates as ISO)."""
    query = {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in params.items() if v not in (None, "")
    }
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def perm_for(url: str) -> Perm | None:
    """The permission the list at ``url`` needs (None: not a list the dashboards know)."""
    return _perm_for_path(urlsplit(url).path)


@lru_cache(maxsize=256)
def _perm_for_path(path: str) -> Perm | None:
    # A dashboard links a few lists hundreds of times (per month, per bar): resolve each path once.
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return LINK_PERMS.get(match.view_name)


def may_open(url: str, perms: frozenset[Perm] | set[Perm]) -> bool:
    perm = perm_for(url)
    return perm is not None and perm in perms
