from django.urls import path

from fakturaflyt.coding import views

app_name = "coding"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("lines/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("lines/accept/", views.bulk_accept, name="bulk_accept"),
    path("rules/", views.rules, name="rules"),
    path("rules/add/", views.rule_add, name="rule_add"),
    path("rules/<int:pk>/active/", views.rule_active, name="rule_active"),
    path("settings/", views.settings_save, name="settings"),
]
