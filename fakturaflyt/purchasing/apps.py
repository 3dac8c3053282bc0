from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "fakturaflyt.purchasing"
    label = "purchasing"
    verbose_name = _("Purchase orders")
    default_auto_field = "django.db.models.BigAutoField"
