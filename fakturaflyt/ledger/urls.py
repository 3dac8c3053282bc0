from django.urls import path

from fakturaflyt.ledger import saft_import_views, saft_views, views

app_name = "ledger"

urlpatterns = [
    path("", views.voucher_list, name="vouchers"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher"),
    path("vouchers/<int:pk>/reverse/", views.voucher_reverse, name="reverse"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("general-ledger/", views.account_ledger, name="account_ledger"),
    path("accounts/", views.chart_of_accounts, name="accounts"),
    path("saft/", saft_views.saft_page, name="saft"),
    path("saft/export/", saft_views.export_download, name="saft_export"),
    path("saft/import/", saft_import_views.import_page, name="saft_import"),
]
