"""Fixtures of the appeals tests: a `flow` that drives an appeal to any status through
the services, and `snapshot` to prove that a refusal changed nothing."""

from typing import Any

import pytest

from tests.factories import register_appeal
from vikno.appeals import services
from vikno.appeals.choices import RejectionReason, Status
from vikno.appeals.models import Appeal, AppealEvent, Applicant, Assignment, Attachment


class Flow:
    """Takes a fresh appeal step by step to the wanted status, as staff would."""

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world
        self.users = world["users"]
        self.operator = self.users["operator"]
        self.supervisor = self.users["supervisor"]
        self.executor = self.users["executor"]  # of КП «Водоканал», where water goes

    def registered(self, **overrides: Any) -> Appeal:
        overrides.setdefault("category", self.world["no_water"])
        return register_appeal(actor=self.operator, **overrides)

    def preprocessed(self, **overrides: Any) -> Appeal:
        appeal = self.registered(**overrides)
        return services.appeal_preprocess(actor=self.operator, appeal=appeal)

    def forwarded(self, co_executors=(), **overrides: Any) -> Appeal:
        appeal = self.preprocessed(**overrides)
        return services.appeal_forward(
            actor=self.operator, appeal=appeal, co_executors=co_executors
        )

    def accepted(self, **overrides: Any) -> Appeal:
        appeal = self.forwarded(**overrides)
        services.appeal_accept(actor=self.executor, appeal=appeal)
        return reload(appeal)

    def in_work(self, **overrides: Any) -> Appeal:
        appeal = self.accepted(**overrides)
        services.appeal_start_work(actor=self.executor, appeal=appeal)
        return reload(appeal)

    def executed(self, **overrides: Any) -> Appeal:
        appeal = self.in_work(**overrides)
        services.appeal_report_execution(
            actor=self.executor, appeal=appeal, report="Подачу води відновлено."
        )
        return reload(appeal)

    def closed(self, **overrides: Any) -> Appeal:
        appeal = self.executed(**overrides)
        return services.appeal_verify(actor=self.operator, appeal=appeal, confirmed=True)

    def consulted(self, **overrides: Any) -> Appeal:
        appeal = self.registered(**overrides)
        return services.appeal_answer_on_spot(
            actor=self.operator, appeal=appeal, answer="Роз'яснено графік подачі води."
        )

    def returned(self, **overrides: Any) -> Appeal:
        appeal = self.forwarded(**overrides)
        services.appeal_return(
            actor=self.executor, appeal=appeal, reason="Мережа не на нашому балансі."
        )
        return reload(appeal)

    def rejected(self, **overrides: Any) -> Appeal:
        appeal = self.preprocessed(**overrides)
        return services.appeal_reject(
            actor=self.operator, appeal=appeal, reason=RejectionReason.NO_COMPETENCE
        )

    def forwarded_out(self, **overrides: Any) -> Appeal:
        appeal = self.preprocessed(**overrides)
        return services.appeal_forward_out(
            actor=self.operator, appeal=appeal, organization=self.world["outside"]
        )

    def merged(self, **overrides: Any) -> Appeal:
        parent = self.registered()
        appeal = self.registered(**overrides)
        return services.appeal_merge(actor=self.operator, appeal=appeal, parent=parent)

    def at(self, status: str, **overrides: Any) -> Appeal:
        appeal = getattr(self, STATUS_STEPS[status])(**overrides)
        assert appeal.status == status
        return appeal


STATUS_STEPS = {
    Status.REGISTERED: "registered",
    Status.PREPROCESSED: "preprocessed",
    Status.FORWARDED: "forwarded",
    Status.RETURNED: "returned",
    Status.ACCEPTED: "accepted",
    Status.IN_WORK: "in_work",
    Status.EXECUTED: "executed",
    Status.FORWARDED_OUT: "forwarded_out",
    Status.CLOSED: "closed",
    Status.REJECTED: "rejected",
    Status.MERGED: "merged",
}
assert set(STATUS_STEPS) == set(Status)


def reload(appeal: Appeal) -> Appeal:
    return Appeal.objects.get(pk=appeal.pk)


def take_snapshot(appeal: Appeal) -> dict[str, Any]:
    """Everything a transition may write, read fresh from the database."""
    return {
        "appeal": Appeal.objects.filter(pk=appeal.pk).values().get(),
        "events": list(AppealEvent.objects.filter(appeal=appeal).values().order_by("id")),
        "assignments": list(Assignment.objects.filter(appeal=appeal).values().order_by("id")),
        "attachments": list(Attachment.objects.filter(appeal=appeal).values().order_by("id")),
        "appeals_total": Appeal.objects.count(),
        "applicants": list(Applicant.objects.values().order_by("id")),
    }


@pytest.fixture
def flow(world) -> Flow:
    return Flow(world)


@pytest.fixture
def snapshot():
    return take_snapshot
