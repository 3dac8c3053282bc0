from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "fakturaflyt.security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from fakturaflyt.security import signals  # noqa: F401  (connects the lock-out receiver)
