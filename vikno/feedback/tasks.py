"""Durable-queue tasks of feedback: thin wrappers around the services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vikno.feedback.services import feedback_auto_confirm_sweep


@db_periodic_task(crontab(minute="17"))
def feedback_auto_confirm() -> int:
    """Every hour: close as confirmed the executed appeals whose applicant did not answer
    the feedback link in time. Idempotent: a re-run closes nothing twice."""
    return feedback_auto_confirm_sweep()
