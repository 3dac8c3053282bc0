"""Scheduled approval work: reminders for steps waiting past the company's SLA (beat: every hour)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="approvals.remind_overdue")
def remind_overdue() -> int:
    from fakturaflyt.approvals import services

    return services.remind_overdue()
