"""Pre-processing: art. 5 checks, anonymous and repeated appeals (art. 8), duplicates."""

from datetime import UTC, datetime

import pytest

from tests.factories import applicant_data
from vikno.appeals import services
from vikno.appeals.choices import Channel, EventKind, Kind, Outcome, RejectionReason, Status
from vikno.appeals.models import Appeal, Applicant
from vikno.appeals.selectors import duplicate_candidates
from vikno.core.clock import travel
from vikno.core.deadlines import Term
from vikno.core.errors import ValidationFailed
from vikno.core.text import address_key

T0 = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


def preprocess(flow, appeal, changes=None):
    return services.appeal_preprocess(actor=flow.operator, appeal=appeal, changes=changes)


# --- art. 5 -----------------------------------------------------------------------------


def test_missing_residence_is_art5_incomplete(flow, snapshot):
    appeal = flow.registered(applicant=applicant_data(address=""))
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        preprocess(flow, appeal)
    assert exc.value.code == "art5_incomplete"
    assert exc.value.status == 422
    assert list(exc.value.fields) == ["applicant.address"]
    assert len(exc.value.fields["applicant.address"]) == 1
    assert snapshot(appeal) == before
    assert Appeal.objects.get(pk=appeal.pk).status == Status.REGISTERED


def test_refused_preprocessing_keeps_the_operator_corrections_unsaved(flow, world, snapshot):
    appeal = flow.registered(applicant=applicant_data(address=""))
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed):
        preprocess(
            flow,
            appeal,
            services.Preprocessing(
                category=world["pothole"],
                address="вул. Нова, 1",
                applicant_updates={"name": "Інше Ім'я"},
            ),
        )
    assert snapshot(appeal) == before


def test_completing_the_residence_while_preprocessing_passes(flow):
    appeal = flow.registered(applicant=applicant_data(address=""))
    preprocess(
        flow,
        appeal,
        services.Preprocessing(applicant_updates={"address": " вул. Соборна, 10, кв. 5 "}),
    )
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == Status.PREPROCESSED
    assert appeal.applicant.address == "вул. Соборна, 10, кв. 5"


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.EMAIL, Channel.CHAT, Channel.API])
def test_electronic_appeal_without_email_or_phone(flow, snapshot, channel):
    appeal = flow.registered(channel=channel, applicant=applicant_data(email="", phone=""))
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        preprocess(flow, appeal)
    assert exc.value.code == "art5_incomplete"
    assert list(exc.value.fields) == ["applicant.email"]
    assert snapshot(appeal) == before


@pytest.mark.parametrize(("email", "phone"), [("olena@example.org", ""), ("", "0671112233")])
def test_electronic_appeal_with_one_means_of_reply_passes(flow, email, phone):
    appeal = flow.registered(
        channel=Channel.EMAIL, applicant=applicant_data(email=email, phone=phone)
    )
    assert preprocess(flow, appeal).status == Status.PREPROCESSED


def test_phone_appeal_needs_no_email(flow):
    appeal = flow.registered(
        channel=Channel.IN_PERSON, applicant=applicant_data(email="", phone="")
    )
    assert preprocess(flow, appeal).status == Status.PREPROCESSED


def test_service_request_needs_no_residence(flow):
    appeal = flow.registered(kind=Kind.SERVICE_REQUEST, applicant=applicant_data(address=""))
    appeal = preprocess(flow, appeal)
    assert appeal.status == Status.PREPROCESSED
    assert appeal.term == Term.SERVICE_LEVEL


def test_the_essence_must_be_set_out(flow, snapshot):
    appeal = flow.registered(text="Вода")
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        preprocess(flow, appeal)
    assert exc.value.code == "art5_incomplete"
    assert list(exc.value.fields) == ["text"]
    assert snapshot(appeal) == before


def test_preprocessing_reclassifies_and_recomputes_the_term(flow, world):
    with travel(T0):
        appeal = flow.registered()
        assert appeal.term == Term.SHORT
        preprocess(flow, appeal, services.Preprocessing(category=world["pothole"]))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.category == world["pothole"]
    assert appeal.term == Term.STANDARD
    assert appeal.due_at == datetime(2026, 6, 4, 20, 59, 59, tzinfo=UTC)  # a month, end of day


def test_preprocessing_refuses_a_category_that_is_not_a_leaf(flow, world, snapshot):
    appeal = flow.registered()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        preprocess(flow, appeal, services.Preprocessing(category=world["housing"]))
    assert list(exc.value.fields) == ["category"]
    assert snapshot(appeal) == before


# --- anonymous (art. 8) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "applicant", [None, applicant_data(name="  ")], ids=["no-applicant", "no-name"]
)
def test_anonymous_appeal_is_recorded_and_closed_unconsidered(flow, applicant):
    with travel(T0):
        appeal = flow.registered(applicant=applicant)
        preprocess(flow, appeal)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == Status.REJECTED
    assert appeal.outcome == Outcome.REJECTED
    assert appeal.rejection_reason == RejectionReason.ANONYMOUS
    assert appeal.closed_at == T0
    events = list(appeal.events.values_list("kind", "from_status", "to_status", "actor_id"))
    assert events == [
        (EventKind.REGISTERED, "", Status.REGISTERED, flow.operator.pk),
        (EventKind.REJECTED, Status.REGISTERED, Status.REJECTED, flow.operator.pk),
    ]
    assert appeal.events.last().data == {"reason": RejectionReason.ANONYMOUS}


def test_an_anonymous_appeal_can_be_rejected_by_hand_too(flow):
    appeal = flow.registered(applicant=None)
    services.appeal_reject(actor=flow.operator, appeal=appeal, reason=RejectionReason.ANONYMOUS)
    assert Appeal.objects.get(pk=appeal.pk).rejection_reason == RejectionReason.ANONYMOUS


# --- repeated (art. 8) -----------------------------------------------------------------------


def test_repeated_appeal_is_flagged_and_linked(flow):
    earlier = flow.consulted()
    appeal = flow.registered()
    preprocess(flow, appeal)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == Status.PREPROCESSED
    assert appeal.applicant_id == earlier.applicant_id
    assert appeal.repeated_of == earlier
    assert list(appeal.events.values_list("kind", "to_status")) == [
        (EventKind.REGISTERED, Status.REGISTERED),
        (EventKind.PREPROCESSED, Status.PREPROCESSED),
        (EventKind.FLAGGED_REPEATED, Status.PREPROCESSED),
    ]
    assert appeal.events.last().data == {"repeats": earlier.number}

    services.appeal_reject(actor=flow.operator, appeal=appeal, reason=RejectionReason.REPEATED)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == Status.REJECTED
    assert appeal.rejection_reason == RejectionReason.REPEATED
    assert appeal.repeated_of == earlier


def test_repeated_is_found_by_the_phone_across_applicant_records(flow):
    earlier = flow.closed(applicant=applicant_data(name="Олена Коваленко"))
    # The same person, her name typed differently: another applicant row, the same phone.
    appeal = flow.registered(applicant=applicant_data(name="Коваленко О."))
    assert appeal.applicant_id != earlier.applicant_id
    preprocess(flow, appeal)
    assert Appeal.objects.get(pk=appeal.pk).repeated_of == earlier


@pytest.mark.parametrize("earlier_state", ["other-category", "rejected", "open", "other-person"])
def test_not_repeated(flow, world, earlier_state):
    if earlier_state == "other-category":
        flow.consulted(category=world["pothole"])
    elif earlier_state == "rejected":
        flow.rejected()
    elif earlier_state == "open":
        flow.forwarded()
    else:
        flow.consulted(applicant=applicant_data(name="Петро Іваненко", phone="+380501234567"))
    appeal = flow.registered()
    preprocess(flow, appeal)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.repeated_of is None
    assert not appeal.events.filter(kind=EventKind.FLAGGED_REPEATED).exists()


def test_rejecting_as_repeated_names_a_decided_appeal(flow, snapshot):
    open_one = flow.forwarded()
    appeal = flow.preprocessed()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_reject(
            actor=flow.operator,
            appeal=appeal,
            reason=RejectionReason.REPEATED,
            repeated_of=open_one,
        )
    assert list(exc.value.fields) == ["repeated_of"]
    assert snapshot(appeal) == before


def test_applicant_is_found_again_by_phone_and_name(world, flow):
    first = flow.registered(applicant=applicant_data(phone="067 111 22 33"))
    second = flow.registered(applicant=applicant_data(name="олена  коваленко", phone="0671112233"))
    assert first.applicant_id == second.applicant_id
    assert Applicant.objects.count() == 1
    assert Applicant.objects.get().phone == "+380671112233"


# --- duplicates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("вулиця Соборна, буд. 5", "вул. Соборна 5"),
        ("вул.Соборна,5", "ВУЛ. СОБОРНА, б.5"),
        ("проспект Миру, 10", "просп.Миру 10"),
        ("вул. Кам’янецька, 5", "вулиця Кам'янецька, будинок 5"),
    ],
)
def test_address_key_equal_spellings(one, other):
    assert address_key(one) == address_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("вул. Соборна 5", "вул. Соборна 7"), ("вул. Соборна 5", "просп. Соборний 5")],
)
def test_address_key_different_places(one, other):
    assert address_key(one) != address_key(other)


def test_duplicate_candidates_by_normalized_address_and_category(flow, world):
    first = flow.registered(address="вулиця Соборна, буд. 5")
    second = flow.forwarded(address="вул.Соборна, 5")
    flow.registered(address="вул. Соборна 7")  # another house
    flow.registered(address="вул. Соборна 5", category=world["pothole"])  # another matter
    flow.closed(address="вул. Соборна 5")  # decided
    flow.merged(address="вул. Соборна 5")  # already a duplicate (its parent is elsewhere)
    appeal = flow.registered(address="вул. Соборна 5")
    assert list(duplicate_candidates(appeal)) == [first, second]

    services.appeal_merge(actor=flow.operator, appeal=appeal, parent=first)
    assert list(duplicate_candidates(second)) == [first]


def test_no_duplicate_candidates_without_an_address(flow):
    flow.registered(address="")
    appeal = flow.registered(address="")
    assert list(duplicate_candidates(appeal)) == []
