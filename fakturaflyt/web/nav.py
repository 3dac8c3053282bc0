"""The main navigation: one table of areas, each with the permission that shows it.

The shell shows an item only when the user's role in the active company has its
permission (:data:`~fakturaflyt.companies.roles.ROLE_PERMISSIONS`); the view behind it
checks the same permission again, so hiding a link is convenience, not security.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.roles import Perm


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    perms: tuple[Perm, ...]
    group: str

    def visible_to(self, perms: Collection[str]) -> bool:
        return all(p.value in perms for p in self.perms)


NAV: tuple[NavItem, ...] = (
    NavItem("home", _("Overview"), "home", (Perm.VIEW_DASHBOARD,), "start"),
    NavItem("dashboards", _("Dashboards"), "dashboards:index", (Perm.VIEW_DASHBOARD,), "start"),
    NavItem("inbox", _("Inbox"), "payables:inbox", (Perm.VIEW_PAYABLES,), "purchases"),
    NavItem("coding", _("Coding"), "coding:queue", (Perm.VIEW_PAYABLES,), "purchases"),
    NavItem("suppliers", _("Suppliers"), "payables:suppliers", (Perm.VIEW_SUPPLIERS,), "purchases"),
    NavItem("orders", _("Purchase orders"), "purchasing:orders", (Perm.VIEW_PAYABLES,), "purchases"),
    NavItem("approvals", _("Approvals"), "approvals:pending", (Perm.APPROVE,), "purchases"),
    NavItem("payments", _("Payments"), "payments:runs", (Perm.MANAGE_PAYMENTS,), "purchases"),
    NavItem("customers", _("Customers"), "receivables:customers", (Perm.VIEW_CUSTOMERS,), "sales"),
    NavItem("invoices", _("Invoices"), "receivables:invoices", (Perm.VIEW_RECEIVABLES,), "sales"),
    NavItem("billing", _("Billing"), "billing:index", (Perm.VIEW_RECEIVABLES,), "sales"),
    NavItem("products", _("Products"), "receivables:products", (Perm.VIEW_CUSTOMERS,), "sales"),
    NavItem("customer_ledger", _("Customer ledger"), "receivables_ledger:overview", (Perm.VIEW_RECEIVABLES,), "sales"),
    NavItem("dunning", _("Reminders"), "dunning:index", (Perm.VIEW_RECEIVABLES,), "sales"),
    NavItem("bank", _("Bank"), "banking:index", (Perm.VIEW_BANK,), "money"),
    NavItem("cards", _("Cards"), "cards:inbox", (Perm.VIEW_PAYABLES,), "money"),
    NavItem("ledger", _("Ledger"), "ledger:vouchers", (Perm.VIEW_LEDGER,), "books"),
    # The reports live on ledger pages, so the item needs both permissions.
    NavItem("reports", _("Reports"), "ledger:trial_balance", (Perm.VIEW_REPORTS, Perm.VIEW_LEDGER), "books"),
    NavItem("integrations", _("Integrations"), "integrations:index", (Perm.VIEW_LEDGER,), "books"),
    NavItem("audit_report", _("Audit report"), "privacy:audit", (Perm.VIEW_AUDIT,), "books"),
)
# A supplier contact's start page is the portal, so its one item shares the key of the start page.
SUPPLIER_NAV: tuple[NavItem, ...] = (NavItem("home", _("Supplier portal"), "home", (Perm.SUPPLIER_PORTAL,), "start"),)

# Which nav item a page belongs to: "namespace:url_name" first, then "namespace:*".
SECTIONS: dict[str, str] = {
    "home": "home",
    "ledger:trial_balance": "reports",
    "ledger:saft": "reports",
    "ledger:saft_export": "reports",
    "ledger:saft_import": "reports",
    "ledger:*": "ledger",
    "payables:inbox": "inbox",
    "payables:document": "inbox",
    "coding:*": "coding",
    "portal:*": "home",
    "payables:suppliers": "suppliers",
    "purchasing:*": "orders",
    "approvals:*": "approvals",
    "payments:*": "payments",
    "receivables:customers": "customers",
    "receivables:invoices": "invoices",
    "billing:*": "billing",
    "receivables:customer_new": "customers",
    "receivables:customer_edit": "customers",
    "receivables:products": "products",
    "receivables:product_new": "products",
    "receivables:product_edit": "products",
    "receivables:*": "invoices",
    "banking:*": "bank",
    "receivables_ledger:*": "customer_ledger",
    "dunning:*": "dunning",
    "cards:*": "cards",
    "integrations:*": "integrations",
    "dashboards:*": "dashboards",
    "privacy:audit": "audit_report",
}


def visible_items(perms: Collection[str]) -> list[NavItem]:
    """The nav items a role with ``perms`` may open, in menu order."""
    items = [item for item in NAV if item.visible_to(perms)]
    return items or [item for item in SUPPLIER_NAV if item.visible_to(perms)]


def section_of(namespace: str, url_name: str | None) -> str:
    """The nav item key a resolved URL belongs to ('' when none)."""
    full = f"{namespace}:{url_name}" if namespace else (url_name or "")
    return SECTIONS.get(full) or SECTIONS.get(f"{namespace}:*", "")
