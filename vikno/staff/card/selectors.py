"""Reads for the appeal card: the appeal within the reader's scope and everything around it,
in a fixed number of queries whatever the length of its history."""

from dataclasses import dataclass, field
from datetime import datetime

from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES
from vikno.appeals.models import Appeal, AppealEvent, AppealNote, Assignment, Attachment
from vikno.appeals.permissions import visible_appeals
from vikno.appeals.selectors import appeal_history
from vikno.reference.models import Category


def card_appeal(actor, number: str) -> Appeal | None:
    """The appeal by its number, or None when it is outside the actor's scope."""
    qs = Appeal.objects.with_card().select_related(
        "category__parent__parent__parent", "territory__parent", "parent", "repeated_of"
    )
    return visible_appeals(actor, qs).filter(number=number).first()


@dataclass
class ResolutionNode:
    assignment: Assignment
    children: list["ResolutionNode"] = field(default_factory=list)


@dataclass
class CardData:
    events: list[AppealEvent]
    assignments: list[Assignment]
    attachments: list[Attachment]
    notes: list[AppealNote]
    duplicates: list[Appeal]
    repeats: list[Appeal]
    tree: list[ResolutionNode]
    owed: list[Assignment]
    category_path: list[Category]


def category_path(category: Category) -> list[Category]:
    """The category and its ancestors, root first (parents are select_related above)."""
    chain: list[Category] = []
    node: Category | None = category
    while node is not None and len(chain) < 10:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def resolution_tree(assignments: list[Assignment]) -> list[ResolutionNode]:
    """Assignments nested by `parent`: who passed which part to whom."""
    nodes = {a.pk: ResolutionNode(a) for a in assignments}
    roots = []
    for assignment in assignments:
        node = nodes[assignment.pk]
        parent = nodes.get(assignment.parent_id) if assignment.parent_id else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def card_data(appeal: Appeal) -> CardData:
    assignments = list(
        appeal.assignments.select_related("organization", "assigned_by", "official").order_by(
            "created_at", "id"
        )
    )
    owed = sorted(
        (a for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES),
        key=lambda a: (a.due_at, a.pk),
    )
    return CardData(
        events=list(appeal_history(appeal)),
        assignments=assignments,
        attachments=list(appeal.attachments.order_by("created_at", "id")),
        notes=list(appeal.notes.select_related("author").order_by("created_at", "id")),
        duplicates=list(appeal.duplicates.order_by("received_at", "id")),
        repeats=list(appeal.repeats.order_by("received_at", "id")),
        tree=resolution_tree(assignments),
        owed=owed,
        category_path=category_path(appeal.category),
    )


def is_overdue(due_at: datetime, moment: datetime) -> bool:
    return due_at < moment
