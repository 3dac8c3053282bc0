from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "fakturaflyt.cards"
    verbose_name = _("Company cards")
