"""The customer ledger pages, included by the project's url map at ``/receivables/ledger/``."""

from django.urls import path

from fakturaflyt.receivables import ledger_views

app_name = "receivables_ledger"

urlpatterns = [
    path("", ledger_views.overview, name="overview"),
    path("<int:pk>/", ledger_views.customer_statement, name="statement"),
]
