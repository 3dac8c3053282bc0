"""The Celery application: workers with Redis when ``CELERY_BROKER_URL`` is set.

Without a broker, ``CELERY_TASK_ALWAYS_EAGER`` makes ``.delay()`` run the task
in-process, so the product works on a laptop with nothing else installed.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")

app = Celery("fakturaflyt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
