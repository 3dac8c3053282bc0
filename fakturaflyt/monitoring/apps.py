from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "fakturaflyt.monitoring"
    verbose_name = _("Operations and monitoring")

    def ready(self) -> None:
        # Connect the Celery signal handlers (request id into tasks, task metrics) in web and worker.
        from fakturaflyt.monitoring import tasks_signals  # noqa: F401
