"""Who may do what to an appeal: the one place these rules live.

Staff act by role; executors act only for their own organization's assignment (and a
supervisor bound to an organization, for its subtree). API keys act as their service
account. The public registers appeals without an account.
"""

from vikno.accounts.models import Role
from vikno.appeals.models import Assignment
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
