from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "fakturaflyt.privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from fakturaflyt.privacy import retention

        retention.connect_signals()
        post_migrate.connect(retention.install_triggers, sender=self, dispatch_uid="privacy-retention-triggers")
