"""Which statuses each step of the lifecycle starts from: one table for the services
(which check it under the row lock) and for the pages (which offer only possible steps)."""

from vikno.appeals.choices import OPEN_STATUSES, AssignmentState, Status

_FRONT = frozenset({Status.REGISTERED, Status.PREPROCESSED, Status.RETURNED})

# Appeal-level actions: the appeal's status must be one of these.
ACTION_STATUSES: dict[str, frozenset[str]] = {
    "preprocess": frozenset({Status.REGISTERED}),
    "answer_on_spot": frozenset({Status.REGISTERED, Status.PREPROCESSED}),
    "forward": frozenset({Status.PREPROCESSED, Status.RETURNED}),
    "resolve": frozenset({Status.PREPROCESSED, Status.RETURNED}),
    "forward_out": _FRONT,
    "reject": _FRONT,
    "merge": _FRONT,
    "verify": frozenset({Status.EXECUTED}),
    "extend": OPEN_STATUSES,
    "request_extension": OPEN_STATUSES,
    "reopen": frozenset({Status.CLOSED, Status.REJECTED}),
    "note": frozenset(Status.values),
}

# Executors' actions: the state of the assignment they act on must be one of these.
ASSIGNMENT_ACTION_STATES: dict[str, frozenset[str]] = {
    "accept": frozenset({AssignmentState.PENDING}),
    "return": frozenset({AssignmentState.PENDING, AssignmentState.ACCEPTED}),
    "start_work": frozenset({AssignmentState.ACCEPTED}),
    "report_execution": frozenset({AssignmentState.ACCEPTED, AssignmentState.IN_WORK}),
}

# The lead executor's acceptance also needs the appeal to be waiting for it.
LEAD_ACCEPT_STATUSES = frozenset({Status.FORWARDED})
