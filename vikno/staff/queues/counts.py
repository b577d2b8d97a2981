"""The operators' work queues: which appeals each holds, and how many, in one query.

A queue is a condition on appeals at a moment; `queue_counts` counts all of them with
conditional aggregation over what the user may see (vikno.appeals.permissions).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from vikno.accounts.models import Role
from vikno.appeals.choices import OPEN_STATUSES, Status
from vikno.appeals.models import Appeal
from vikno.appeals.permissions import role_of, visible_appeals
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold

# Roles that work with the queues (executors have their organization's inbox instead).
QUEUE_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST})


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    hint: str

    def condition(self, moment: datetime) -> Q:
        open_ = Q(status__in=sorted(OPEN_STATUSES))
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


def queue_counts(user, *, moment: datetime | None = None) -> dict[str, int] | None:
    """How many appeals each queue holds for this user: {slug: count}, in one query.

    None for a user who does not work with the queues. The staff menu shows the
    "to pre-process" count next to "Queues".
    """
    if role_of(user) not in QUEUE_ROLES:
        return None
    moment = moment or now()
    aggregates = {
        queue.slug.replace("-", "_"): Count("pk", filter=queue.condition(moment))
        for queue in QUEUES
    }
    # Every queue holds open appeals only: counting over them, not over every appeal ever
    # received, keeps the count to the open ones (bench/, scenario 2).
    open_appeals = Appeal.objects.filter(status__in=sorted(OPEN_STATUSES))
    row = visible_appeals(user, open_appeals).aggregate(**aggregates)
    return {queue.slug: row[queue.slug.replace("-", "_")] for queue in QUEUES}


def queue_count(user, slug: str, *, moment: datetime | None = None) -> int | None:
    """How many appeals one queue holds for this user (the menu's badge): one COUNT.

    None for a user who does not work with the queues.
    """
    if role_of(user) not in QUEUE_ROLES:
        return None
    condition = QUEUES_BY_SLUG[slug].condition(moment or now())
    return visible_appeals(user, Appeal.objects.filter(condition)).count()
