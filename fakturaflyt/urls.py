"""URL map: the web UI, the API under /api/ (docs at /api/docs) and the admin."""

from django.contrib import admin
from django.urls import include, path

from fakturaflyt.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("coding/", include("fakturaflyt.coding.urls")),
    path("purchasing/", include("fakturaflyt.purchasing.urls")),
    path("payments/", include("fakturaflyt.payments.urls")),
    path("approvals/", include("fakturaflyt.approvals.urls")),
    path("billing/", include("fakturaflyt.billing.urls")),
    path("banking/", include("fakturaflyt.banking.urls")),
    path("cards/", include("fakturaflyt.cards.urls")),
    path("dunning/", include("fakturaflyt.dunning.urls")),
    path("dashboards/", include("fakturaflyt.dashboards.urls")),
    path("integrations/", include("fakturaflyt.integrations.urls")),
    path("search/", include("fakturaflyt.search.urls")),
    path("security/", include("fakturaflyt.security.urls")),
    path("privacy/", include("fakturaflyt.privacy.urls")),
    path("receivables/ledger/", include("fakturaflyt.receivables.ledger_urls")),
    path("", include("fakturaflyt.monitoring.urls")),
    path("", include("fakturaflyt.web.urls")),
]
