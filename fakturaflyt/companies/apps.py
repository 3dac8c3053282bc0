from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "fakturaflyt.companies"
    verbose_name = _("Companies and users")

    def ready(self) -> None:
        # Make the project's Celery app the current one, so @shared_task binds to it.
        import fakturaflyt.celery  # noqa: F401
