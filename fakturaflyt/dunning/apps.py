from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DunningConfig(AppConfig):
    name = "fakturaflyt.dunning"
    verbose_name = _("Reminders and collection")
