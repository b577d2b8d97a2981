"""What the private status page tells the applicant, in plain words.

Built from the appeal and its public history only. Nothing here names a person: not the
applicant (the page may be opened by anyone holding the link), not the official who did
a step, and no internal comment, except the reasons the law says the applicant must be
told (an extension of the term, a refusal to consider).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vikno.appeals.choices import AssignmentRole, EventKind, RejectionReason, Status
from vikno.appeals.models import Appeal, AppealEvent
from vikno.appeals.selectors import appeal_public_history
from vikno.core.deadlines import Term

# The ordinary path as the applicant sees it; the index of the step each status is at.
STEP_OF_STATUS = {
    Status.REGISTERED: 0,
    Status.PREPROCESSED: 0,
    Status.RETURNED: 0,
    Status.FORWARDED: 1,
    Status.ACCEPTED: 1,
    Status.IN_WORK: 2,
    Status.EXECUTED: 3,
    Status.CLOSED: 4,
}

# Events that belong to one executor's work: only the lead executor's are shown, so that
# co-executors' steps do not read as the appeal going back and forth.
_EXECUTOR_EVENTS = {EventKind.ACCEPTED, EventKind.WORK_STARTED, EventKind.EXECUTED}


def _steps() -> list[str]:
    return [_("Registered"), _("Sent to the executor"), _("In work"), _("Done"), _("Closed")]


def status_text(appeal: Appeal) -> str:
    texts = {
        Status.REGISTERED: _("Registered. The contact center is checking the appeal."),
        Status.PREPROCESSED: _("Checked. The appeal is being sent to the body that decides it."),
        Status.RETURNED: _("The appeal is being sent to the body competent to decide it."),
        Status.FORWARDED: _("Sent to the executor, waiting to be taken into work."),
        Status.ACCEPTED: _("The executor has taken the appeal."),
        Status.IN_WORK: _("In work."),
        Status.EXECUTED: _("The executor reports it is done. We will check it with you."),
        Status.CLOSED: _("Closed. The matter is decided."),
        Status.FORWARDED_OUT: _("Sent by competence to another body, which will answer you."),
        Status.REJECTED: _("Left without consideration."),
        Status.MERGED: _(
            "Joined with an earlier appeal on the same matter; it is considered together."
        ),
    }
    return texts.get(appeal.status, str(Status(appeal.status).label))


def _date(moment: datetime | None, *, with_time: bool = True) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return formats.date_format(local, "DATETIME_FORMAT" if with_time else "DATE_FORMAT")


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    title: str
    detail: str = ""


def _public_event(event: AppealEvent, appeal: Appeal, due_with_time: bool) -> PublicEvent | None:
    data = event.data or {}
    if (
        event.kind in _EXECUTOR_EVENTS
        and data.get("role", AssignmentRole.LEAD) != AssignmentRole.LEAD
    ):
        return None
    organization = data.get("organization", "")
    title, detail = str(EventKind(event.kind).label), ""
    if event.kind == EventKind.REGISTERED:
        title = _("Appeal registered")
    elif event.kind == EventKind.ANSWERED_ON_SPOT:
        title = _("Answer given")
    elif event.kind == EventKind.FORWARDED:
        title = _("Sent to the executor")
        detail = organization
    elif event.kind == EventKind.FORWARDED_OUT:
        title = _("Sent by competence to another body")
        detail = organization
    elif event.kind == EventKind.ACCEPTED:
        title = _("The executor took the appeal")
    elif event.kind == EventKind.WORK_STARTED:
        title = _("Work started")
    elif event.kind == EventKind.EXECUTED:
        title = _("The executor reported the result")
    elif event.kind == EventKind.CONFIRMED:
        title = _("Completion confirmed, appeal closed")
    elif event.kind == EventKind.NOT_CONFIRMED:
        title = _("Completion not confirmed, back in work")
    elif event.kind == EventKind.EXTENDED:
        # Art. 20: the applicant is told of an extension and its reason.
        new_due = data.get("to")
        title = _("Term extended")
        if new_due:
            until = _date(datetime.fromisoformat(new_due), with_time=due_with_time)
            title = _("Term extended until %(date)s") % {"date": until}
        detail = event.comment
    elif event.kind == EventKind.REJECTED:
        # The applicant is told the legal ground and the explanation.
        reason = data.get("reason") or appeal.rejection_reason
        title = _("Left without consideration")
        ground = str(RejectionReason(reason).label) if reason in RejectionReason.values else ""
        detail = ": ".join(part for part in (ground, event.comment) if part)
    elif event.kind == EventKind.MERGED:
        title = _("Joined with an appeal on the same matter")
    elif event.kind == EventKind.REOPENED:
        title = _("Appeal re-opened")
    return PublicEvent(at=event.created_at, title=title, detail=detail)


@dataclass(frozen=True)
class PublicStatus:
    """Everything the status page shows; deliberately without any personal data."""

    number: str
    kind: str
    category: str
    received: str
    due: str
    closed: str
    is_open: bool
    status: str
    status_text: str
    steps: list[dict]
    on_path: bool
    executor: str
    answer: str
    answered: str
    history: list[PublicEvent]


def _step_state(index: int, current: int | None) -> str:
    if current is None or index > current:
        return "todo"
    return "done" if index < current else "current"


def public_status(appeal: Appeal) -> PublicStatus:
    due_with_time = appeal.term == Term.SERVICE_LEVEL
    history = [
        shown
        for event in appeal_public_history(appeal)
        if (shown := _public_event(event, appeal, due_with_time)) is not None
    ]
    current = STEP_OF_STATUS.get(appeal.status)
    labels = _steps()
    if current == len(labels) - 1:
        current = len(labels)  # closed: every step is behind
    steps = [
        {"label": label, "state": _step_state(index, current)} for index, label in enumerate(labels)
    ]
    show_answer = appeal.status in (Status.EXECUTED, Status.CLOSED) and bool(appeal.answer)
    return PublicStatus(
        number=appeal.number,
        kind=str(appeal.get_kind_display()),
        category=appeal.category.name,
        received=_date(appeal.received_at),
        due=_date(appeal.due_at, with_time=due_with_time),
        closed=_date(appeal.closed_at),
        is_open=appeal.is_open,
        status=appeal.status,
        status_text=status_text(appeal),
        steps=steps,
        on_path=appeal.status in STEP_OF_STATUS,
        executor=appeal.executor.name if appeal.executor_id else "",
        answer=appeal.answer if show_answer else "",
        answered=_date(appeal.answered_at) if show_answer else "",
        history=history,
    )
