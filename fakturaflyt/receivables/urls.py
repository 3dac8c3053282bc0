from django.urls import path

from fakturaflyt.receivables import views

app_name = "receivables"

urlpatterns = [
    path("customers/", views.customer_list, name="customers"),
    path("invoices/", views.invoices, name="invoices"),
]
