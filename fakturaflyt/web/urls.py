from django.contrib.auth import views as auth_views
from django.urls import include, path

from fakturaflyt.security import views as security_views
from fakturaflyt.web import views

urlpatterns = [
    # Password, lock-out after repeated failures, then a one-time code where needed (fakturaflyt.security).
    path("login/", security_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("company/switch/", views.switch_company, name="switch_company"),
    path("ledger/", include("fakturaflyt.ledger.urls")),
    path("payables/", include("fakturaflyt.payables.urls")),
    path("portal/", include("fakturaflyt.payables.portal_urls")),
    path("receivables/", include("fakturaflyt.receivables.urls")),
]
