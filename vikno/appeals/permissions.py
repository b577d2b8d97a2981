"""Who may do what to an appeal: the one place these rules live.

Staff act by role; executors act only for their own organization's assignment (and a
supervisor bound to an organization, for its subtree). API keys act as their service
account. The public registers appeals without an account.
"""

from vikno.accounts.models import Role
from vikno.appeals.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_STATUSES,
    AssignmentRole,
)
from vikno.appeals.models import Assignment
from vikno.appeals.transitions import (
    ACTION_STATUSES,
    ASSIGNMENT_ACTION_STATES,
    LEAD_ACCEPT_STATUSES,
)
from vikno.core.errors import Forbidden
from vikno.reference.selectors import subtree_ids

FRONT_OFFICE = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR})
EXECUTION = frozenset({Role.EXECUTOR, Role.SUPERVISOR, Role.ADMINISTRATOR})
HEADS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})

ROLES_FOR_ACTION: dict[str, frozenset[str]] = {
    "register": frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR}),
    "preprocess": FRONT_OFFICE,
    "answer_on_spot": FRONT_OFFICE,
    "forward": FRONT_OFFICE,
    "forward_out": FRONT_OFFICE,
    "reject": FRONT_OFFICE,
    "merge": FRONT_OFFICE,
    "accept": EXECUTION,
    "return": EXECUTION,
    "start_work": EXECUTION,
    "report_execution": EXECUTION,
    "verify": FRONT_OFFICE,
    "extend": HEADS,
    "reopen": HEADS,
    "attach": FRONT_OFFICE | EXECUTION,
    "view": frozenset(Role.values),
    # Internal comments: everyone who works the appeal (not the read-only analyst).
    "note": FRONT_OFFICE | EXECUTION,
    # Resolutions (резолюції) are the heads' word.
    "resolve": HEADS,
    "delegate": HEADS,
    # An executor asks for a longer term; only a head decides on it (and extends).
    "request_extension": EXECUTION,
    "decide_extension": HEADS,
}


def role_of(actor) -> str | None:
    if actor is None or not actor.is_authenticated:
        return None
    if actor.is_superuser:
        return Role.ADMINISTRATOR
    return actor.role or None


def require(actor, action: str, *, assignment: Assignment | None = None) -> None:
    """Refuse (Forbidden) unless `actor` may do `action` (to `assignment`, if given)."""
    from django.utils.translation import gettext as _

    role = role_of(actor)
    if role not in ROLES_FOR_ACTION[action]:
        raise Forbidden(_("Your role does not allow this action."))
    if assignment is None or role == Role.ADMINISTRATOR:
        return
    if role in (Role.EXECUTOR, Role.SUPERVISOR) and actor.organization_id is not None:
        allowed = (
            {actor.organization_id}
            if role == Role.EXECUTOR
            else subtree_ids(type(actor.organization), [actor.organization_id])
        )
        if assignment.organization_id not in allowed:
            raise Forbidden(_("This appeal is assigned to another organization."))
    elif role == Role.EXECUTOR:
        raise Forbidden(_("Your account is not bound to an organization."))


def scope_organization_ids(actor) -> set[int] | None:
    """The organizations whose appeals the actor works with; None means all of them.

    An executor: its own organization. A supervisor bound to an organization: that
    organization and everything under it. Everyone else in the front office: all.
    """
    role = role_of(actor)
    if role == Role.EXECUTOR:
        return {actor.organization_id} if actor.organization_id else set()
    if role == Role.SUPERVISOR and actor.organization_id:
        return subtree_ids(type(actor.organization), [actor.organization_id])
    return None


def visible_appeals(actor, queryset):
    """Narrow a queryset of appeals to what the actor may see at all."""
    if role_of(actor) is None:
        return queryset.none()
    organizations = scope_organization_ids(actor)
    if organizations is None:
        return queryset
    return queryset.filter(
        pk__in=Assignment.objects.filter(organization_id__in=organizations).values("appeal_id")
    )


def personal_data_visible(actor, appeal_ids) -> set[int]:
    """Ids of the appeals whose applicant's personal data this actor may see.

    Front office (operators, supervisors, administrators) see all; an executor sees the
    applicants of appeals assigned to its organization; analysts and others see none.
    """
    ids = list(appeal_ids)
    role = role_of(actor)
    if role in FRONT_OFFICE:
        return set(ids)
    if role == Role.EXECUTOR and actor.organization_id:
        return set(
            Assignment.objects.filter(
                appeal_id__in=ids, organization_id=actor.organization_id
            ).values_list("appeal_id", flat=True)
        )
    return set()


# --- the appeal card: notes, resolutions, which actions a person may take ---------------


# The order the card lists them in.
CARD_ACTIONS = [
    "preprocess",
    "answer_on_spot",
    "resolve",
    "forward",
    "forward_out",
    "accept",
    "return",
    "start_work",
    "report_execution",
    "verify",
    "extend",
    "reject",
    "merge",
    "reopen",
    "delegate",
    "note",
]


def can_see_appeal(actor, appeal) -> bool:
    """Whether the appeal is within the actor's scope (the card is 404 otherwise)."""
    from vikno.appeals.models import Appeal

    if role_of(actor) is None:
        return False
    if scope_organization_ids(actor) is None:
        return True
    return visible_appeals(actor, Appeal.objects.filter(pk=appeal.pk)).exists()


def acting_assignment(actor, assignments) -> Assignment | None:
    """The active assignment an executor's action applies to, as the services choose it:
    the actor's own organization's, else the lead one."""
    active = [a for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES]
    own = getattr(actor, "organization_id", None)
    if own is not None:
        for assignment in active:
            if assignment.organization_id == own:
                return assignment
    for assignment in active:
        if assignment.role == AssignmentRole.LEAD:
            return assignment
    return None


def delegable_assignments(actor, assignments) -> list[Assignment]:
    """Active assignments whose part this head may pass further down."""
    role = role_of(actor)
    if role not in ROLES_FOR_ACTION["delegate"]:
        return []
    active = [a for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES]
    if role == Role.ADMINISTRATOR:
        return active
    if actor.organization_id is None:
        return []
    own = subtree_ids(type(actor.organization), [actor.organization_id])
    return [a for a in active if a.organization_id in own]


def available_actions(actor, appeal, assignments=None) -> list[str]:
    """The actions the card offers this person on this appeal now, in the card's order.

    One place: the role (ROLES_FOR_ACTION), the appeal's status (ACTION_STATUSES) and, for
    the executors' steps, the state of the assignment the action applies to. `assignments`
    may be passed when already loaded (the card does), to save a query.
    """
    if role_of(actor) is None or not can_see_appeal(actor, appeal):
        return []
    if assignments is None:
        assignments = list(appeal.assignments.all())
    acting = acting_assignment(actor, assignments)
    found = []
    for action in CARD_ACTIONS:
        if action in ACTION_STATUSES:
            if appeal.status in ACTION_STATUSES[action] and may(actor, action):
                found.append(action)
        elif action in ASSIGNMENT_ACTION_STATES:
            if (
                acting is not None
                and acting.state in ASSIGNMENT_ACTION_STATES[action]
                and appeal.status in OPEN_STATUSES
                and not (
                    action == "accept"
                    and acting.role == AssignmentRole.LEAD
                    and appeal.status not in LEAD_ACCEPT_STATUSES
                )
                and may(actor, action, assignment=acting)
            ):
                found.append(action)
        elif (
            action == "delegate"
            and appeal.status in OPEN_STATUSES
            and delegable_assignments(actor, assignments)
        ):
            found.append(action)
    return found


# --- extension requests, executor inbox, supervisor control ------------------------------


INBOX_ROLES = EXECUTION
CONTROL_ROLES = HEADS


def may(actor, action: str, *, assignment: Assignment | None = None) -> bool:
    """Whether `require` would let `actor` do `action`: for showing only allowed buttons."""
    try:
        require(actor, action, assignment=assignment)
    except Forbidden:
        return False
    return True


def inbox_organization_id(actor) -> int | None:
    """The organization whose assignments make up the actor's inbox: its own, if bound."""
    if role_of(actor) not in INBOX_ROLES:
        return None
    return actor.organization_id


def sees_personal_data(actor) -> bool:
    """Whether the actor's role sees applicants' names and contacts at all (the front
    office everywhere, executors on their own organization's appeals; analysts never).
    A role that does not may not search by a phone number either."""
    return role_of(actor) in FRONT_OFFICE | {Role.EXECUTOR}
