from django.urls import path

from fakturaflyt.purchasing import views

app_name = "purchasing"

urlpatterns = [
    path("", views.orders, name="orders"),
    path("new/", views.order_new, name="order_new"),
    path("import/", views.order_import, name="import"),
    path("<int:pk>/", views.order_detail, name="order"),
    path("<int:pk>/receive/", views.receive, name="receive"),
]
