from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "fakturaflyt.cards"
    verbose_name = _("Company cards")

    def ready(self) -> None:
        from fakturaflyt.cards.coding import resuggest_after_confirmation
        from fakturaflyt.coding.models import LineSource
        from fakturaflyt.coding.services import RESUGGESTERS

        # a card line confirmed anywhere (card inbox, coding queue, API) keeps the card rules on its neighbours
        RESUGGESTERS[LineSource.CARD] = resuggest_after_confirmation
        RESUGGESTERS[LineSource.AMAZON] = resuggest_after_confirmation
