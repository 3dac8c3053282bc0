from django.urls import path

from fakturaflyt.integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.index, name="index"),
    path("journal.csv", views.journal_download, name="journal"),
    path("<str:system>/keys", views.configure, name="configure"),
    path("<str:system>/remove", views.remove, name="remove"),
    path("<str:system>/push", views.push_now, name="push"),
]
