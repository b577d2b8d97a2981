"""Fixtures of the console and queue tests: appeals at each step, made through the services."""

import re
from datetime import timedelta
from typing import Any

import pytest

from tests.factories import applicant_data, register_appeal
from vikno.appeals import services
from vikno.appeals.models import Appeal, AppealEvent, Applicant, Assignment, NumberSequence
from vikno.core.clock import now


class Steps:
    """Takes a fresh appeal to the wanted step, as staff would (water goes to Водоканал)."""

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world
        self.operator = world["users"]["operator"]
        self.executor = world["users"]["executor"]

    def registered(self, **overrides: Any) -> Appeal:
        overrides.setdefault("category", self.world["no_water"])
        return register_appeal(actor=self.operator, **overrides)

    def preprocessed(self, **overrides: Any) -> Appeal:
        return services.appeal_preprocess(actor=self.operator, appeal=self.registered(**overrides))

    def forwarded(self, **overrides: Any) -> Appeal:
        return services.appeal_forward(actor=self.operator, appeal=self.preprocessed(**overrides))

    def returned(self, **overrides: Any) -> Appeal:
        appeal = self.forwarded(**overrides)
        services.appeal_return(actor=self.executor, appeal=appeal, reason="Не наш баланс.")
        return Appeal.objects.get(pk=appeal.pk)

    def executed(self, **overrides: Any) -> Appeal:
        appeal = self.forwarded(**overrides)
        services.appeal_accept(actor=self.executor, appeal=appeal)
        services.appeal_start_work(actor=self.executor, appeal=appeal)
        services.appeal_report_execution(actor=self.executor, appeal=appeal, report="Зроблено.")
        return Appeal.objects.get(pk=appeal.pk)

    def closed(self, **overrides: Any) -> Appeal:
        return services.appeal_verify(
            actor=self.operator, appeal=self.executed(**overrides), confirmed=True
        )

    def received_hours_ago(self, hours: int, **overrides: Any) -> Appeal:
        return self.registered(received_at=now() - timedelta(hours=hours), **overrides)


@pytest.fixture
def steps(world) -> Steps:
    return Steps(world)


@pytest.fixture
def person():
    return applicant_data


def numbers_in(html: str, attribute: str = "data-number", tag: str = "tr") -> list[str]:
    """The appeal numbers of the rows of a page, in page order."""
    return re.findall(rf'<{tag} data-number="([^"]+)"', html)


def database_state() -> dict[str, Any]:
    """Everything registering a call may write: to prove a refusal wrote nothing."""
    return {
        "appeals": list(Appeal.objects.values().order_by("id")),
        "events": AppealEvent.objects.count(),
        "applicants": list(Applicant.objects.values().order_by("id")),
        "assignments": list(Assignment.objects.values().order_by("id")),
        "numbers": list(NumberSequence.objects.values().order_by("id")),
    }
