"""Reads of the registry: overdue and due-soon, list filters, the public history."""

from datetime import UTC, datetime, timedelta

import pytest

from vikno.appeals import services
from vikno.appeals.choices import Channel, EventKind, RejectionReason, Status
from vikno.appeals.models import Appeal
from vikno.appeals.selectors import (
    AppealFilter,
    appeal_by_tracking_token,
    appeal_get,
    appeal_list,
    appeal_public_history,
)
from vikno.core.clock import travel
from vikno.core.deadlines import due_soon_threshold

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 17, 21, 59, 59, tzinfo=UTC)  # 15 days, end of the Kyiv day


def numbers(qs) -> list[str]:
    return list(qs.values_list("number", flat=True))


def test_overdue_and_due_soon_around_the_due_moment(flow):
    with travel(T0):
        open_one = flow.forwarded()
        closed_one = flow.consulted()
    assert open_one.due_at == DUE == closed_one.due_at

    at_due = DUE
    assert numbers(Appeal.objects.overdue(at_due)) == []
    assert numbers(Appeal.objects.overdue(at_due + timedelta(seconds=1))) == [open_one.number]

    before = DUE - timedelta(hours=72)
    assert numbers(Appeal.objects.due_soon(before, due_soon_threshold(before))) == []
    just_in = before + timedelta(seconds=1)
    assert numbers(Appeal.objects.due_soon(just_in, due_soon_threshold(just_in))) == [
        open_one.number
    ]
    after = DUE + timedelta(seconds=1)
    assert numbers(Appeal.objects.due_soon(after, due_soon_threshold(after))) == []


def test_list_filters(flow, world):
    with travel(T0):
        water = flow.forwarded(channel=Channel.WEB, address="вул. Соборна, 5")
    with travel(T0 + timedelta(days=20)):
        pothole = flow.preprocessed(category=world["pothole"], territory=world["district"])
        rejected = flow.rejected()

        def listed(**kwargs):
            return numbers(appeal_list(AppealFilter(**kwargs)))

        assert listed() == [rejected.number, pothole.number, water.number]
        assert listed(status=[Status.FORWARDED, Status.PREPROCESSED]) == [
            pothole.number,
            water.number,
        ]
        assert listed(category="housing") == [rejected.number, water.number]  # the subtree
        assert listed(organization="city") == [water.number]  # executor in the subtree
        assert listed(territory=world["district"].code) == [pothole.number]
        assert listed(channel=Channel.WEB) == [water.number]
        assert listed(overdue=True) == [water.number]
        assert listed(overdue=False) == [rejected.number, pothole.number]
        assert listed(received_from=T0 + timedelta(days=1)) == [rejected.number, pothole.number]
        assert listed(received_to=T0 + timedelta(days=1)) == [water.number]
        assert listed(text="соборна, 5") == [water.number]
        assert listed(text="ВУЛИЦЯ Соборна 5") == [water.number]
        assert listed(text="третій день") == [rejected.number, pothole.number, water.number]
        assert listed(text="Холодної води") == [rejected.number, pothole.number, water.number]
        assert listed(text=water.number) == [water.number]
        assert listed(text="067 111 22 33") == [rejected.number, pothole.number, water.number]


def test_list_order_is_stable_for_equal_receipt_times(flow):
    with travel(T0):
        first, second, third = (flow.registered() for _ in range(3))
    assert numbers(appeal_list(AppealFilter())) == [third.number, second.number, first.number]


def test_list_reads_cards_without_n_plus_one(flow, django_assert_num_queries):
    for _ in range(3):
        flow.forwarded()
    with django_assert_num_queries(1):
        rows = [
            (a.category.name, a.executor.name, a.applicant.name, a.territory)
            for a in appeal_list(AppealFilter())
        ]
    assert len(rows) == 3


def test_public_history_shows_public_steps_only(flow):
    earlier = flow.consulted()
    appeal = flow.registered()
    services.appeal_preprocess(actor=flow.operator, appeal=appeal)  # flagged as repeated
    services.appeal_reject(actor=flow.operator, appeal=appeal, reason=RejectionReason.REPEATED)
    assert Appeal.objects.get(pk=appeal.pk).repeated_of == earlier
    assert list(appeal_public_history(appeal).values_list("kind", flat=True)) == [
        EventKind.REGISTERED,
        EventKind.REJECTED,
    ]


@pytest.mark.parametrize("how", ["number", "token"])
def test_get_by_number_and_tracking_token(flow, how):
    appeal = flow.registered()
    found = (
        appeal_get(appeal.number)
        if how == "number"
        else appeal_by_tracking_token(appeal.tracking_token)
    )
    assert found == appeal
    assert appeal_get("2026-9999999") is None
    assert appeal_by_tracking_token("nope") is None
