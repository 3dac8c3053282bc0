"""URLs of the security app (``/security/``)."""

from django.urls import path

from fakturaflyt.security import views

app_name = "security"

urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/reset-two-factor/", views.member_reset_two_factor, name="member_reset"),
    path("members/<int:membership_id>/unlock/", views.member_unlock, name="member_unlock"),
]
