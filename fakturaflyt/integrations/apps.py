from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "fakturaflyt.integrations"
    verbose_name = _("Accounting system export")
