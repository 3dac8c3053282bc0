from django.urls import path

from fakturaflyt.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.pending, name="pending"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("rules/", views.rules, name="rules"),
    path("rules/add/", views.rule_add, name="rule_add"),
    path("rules/<int:pk>/active/", views.rule_active, name="rule_active"),
    path("substitutes/add/", views.substitute_add, name="substitute_add"),
    path("substitutes/<int:pk>/delete/", views.substitute_delete, name="substitute_delete"),
    path("settings/", views.settings_save, name="settings"),
]
