"""How urgent a due time is: one rule for every staff list that colours deadlines.

    overdue                    → red     ("urgency--overdue")
    due today or within 24 h   → orange  ("urgency--today")
    due soon (the due-soon     → yellow  ("urgency--soon")
      threshold, settings.VIKNO_TERMS["DUE_SOON_HOURS"])
    later                      → plain   ("urgency--later")

The CSS classes live in static/css/staff-inbox.css; the label says the same in words so the
colour is never the only signal (WCAG 1.4.1).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vikno.core.clock import hours_from, local_date
from vikno.core.deadlines import due_soon_threshold


@dataclass(frozen=True)
class Urgency:
    level: str  # "overdue" | "today" | "soon" | "later"
    css_class: str
    label: str | Promise

    def __str__(self) -> str:
        return str(self.label)


OVERDUE = Urgency("overdue", "urgency--overdue", _("Overdue"))
TODAY = Urgency("today", "urgency--today", _("Due within 24 hours"))
SOON = Urgency("soon", "urgency--soon", _("Due soon"))
LATER = Urgency("later", "urgency--later", _("On schedule"))


def urgency(due_at: datetime, now: datetime) -> Urgency:
    """The urgency of a due time seen at `now` (pass vikno.core.clock.now())."""
    if due_at < now:
        return OVERDUE
    if due_at < hours_from(now, 24) or local_date(due_at) == local_date(now):
        return TODAY
    if due_at < due_soon_threshold(now):
        return SOON
    return LATER
