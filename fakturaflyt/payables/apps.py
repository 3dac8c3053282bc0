from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayablesConfig(AppConfig):
    name = "fakturaflyt.payables"
    verbose_name = _("Accounts payable")
