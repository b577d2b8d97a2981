"""The operators' work queues: which appeals each holds, and how many.

A queue is a condition on appeals at a moment over what the user may see
(vikno.appeals.permissions); its count stops at the cap (vikno.core.paging), so the tabs
cost the same with 4,000 open appeals as with 400,000.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from vikno.accounts.models import Role
from vikno.appeals.choices import Status
from vikno.appeals.models import OPEN_CONDITION, Appeal
from vikno.appeals.permissions import role_of, visible_appeals
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold
from vikno.core.paging import CappedCount, capped_count, capped_counts

# Roles that work with the queues (executors have their organization's inbox instead).
QUEUE_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST})


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    hint: str

    def condition(self, moment: datetime) -> Q:
        open_ = OPEN_CONDITION
        match self.slug:
            case "preprocess":
                return Q(status=Status.REGISTERED)
            case "returned":
                return Q(status=Status.RETURNED)
            case "verification":
                return Q(status=Status.EXECUTED)
            case "due-soon":
                return open_ & Q(due_at__gte=moment, due_at__lt=due_soon_threshold(moment))
            case "overdue":
                return open_ & Q(due_at__lt=moment)
            case "open":
                return open_
        raise ValueError(self.slug)


QUEUES = [
    Queue("preprocess", _("To pre-process"), _("Registered, not yet checked and classified.")),
    Queue("returned", _("Returned"), _("Returned by executors as not their competence.")),
    Queue("verification", _("Awaiting verification"), _("Executed: confirm with the applicant.")),
    Queue("due-soon", _("Due soon"), _("Open appeals whose term ends soon.")),
    Queue("overdue", _("Overdue"), _("Open appeals past their term.")),
    Queue("open", _("All open"), _("Every appeal still being considered.")),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


def queue_counts(user, *, moment: datetime | None = None) -> dict[str, CappedCount] | None:
    """How many appeals each queue holds for this user, up to the cap: {slug: count}.

    One query; each queue's count reads at most cap + 1 index entries (one aggregate over
    every open appeal grew with the backlog: bench/, scenario 2). None for a user who does
    not work with the queues.
    """
    if role_of(user) not in QUEUE_ROLES:
        return None
    moment = moment or now()
    return capped_counts({queue.slug: _appeals(user, queue, moment) for queue in QUEUES})


def _appeals(user, queue: Queue, moment: datetime) -> QuerySet[Appeal]:
    return visible_appeals(user, Appeal.objects.filter(queue.condition(moment)))


def queue_count(user, slug: str, *, moment: datetime | None = None) -> CappedCount | None:
    """How many appeals one queue holds for this user (the menu's badge), up to the cap.

    None for a user who does not work with the queues.
    """
    if role_of(user) not in QUEUE_ROLES:
        return None
    return capped_count(_appeals(user, QUEUES_BY_SLUG[slug], moment or now()))
