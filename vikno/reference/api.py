"""Reference data over the API: categories, organizations, territories (read-only)."""

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from ninja import Router, Schema

from vikno.api.errors import ERROR_RESPONSES
from vikno.reference.models import Category, Organization, Territory

router = Router()


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    is_leaf: bool
    term: str
    service_level_hours: int | None
    default_executor: str | None


class OrganizationOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    is_external: bool
    phone: str
    email: str
    address: str
    website: str
    schedule: str


class TerritoryOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None


def _code(node) -> str | None:
    return node.code if node is not None else None


def _tree_order(categories: list[Category]) -> list[Category]:
    """Parents before their children, siblings by position and name (depth first)."""
    ids = {c.pk for c in categories}
    children: dict[int | None, list[Category]] = {}
    for c in categories:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    ordered: list[Category] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


@router.get("/categories", response={200: list[CategoryOut], **ERROR_RESPONSES})
def category_list(request: HttpRequest, leaves_only: bool = False):
    """Active categories as a flat list in tree order; `parent` is the parent's code.

    Appeals are registered in leaf categories (`is_leaf`), which carry the term.
    """
    active_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    categories = _tree_order(
        list(
            Category.objects.filter(is_active=True)
            .select_related("parent", "default_executor")
            .annotate(has_children=Exists(active_children))
            .order_by("position", "name", "id")
        )
    )
    return [
        CategoryOut(
            code=c.code,
            name=c.name,
            parent=_code(c.parent),
            is_leaf=not c.has_children,
            term=c.term,
            service_level_hours=c.service_level_hours,
            default_executor=_code(c.default_executor),
        )
        for c in categories
        if not (leaves_only and c.has_children)
    ]


@router.get("/organizations", response={200: list[OrganizationOut], **ERROR_RESPONSES})
def organization_list(request: HttpRequest):
    """Active organizations: executive bodies, utilities and bodies outside Vikno."""
    qs = Organization.objects.filter(is_active=True).select_related("parent").order_by("name", "id")
    return [
        OrganizationOut(
            code=o.code,
            name=o.name,
            short_name=o.short_name,
            kind=o.kind,
            parent=_code(o.parent),
            is_external=o.is_external,
            phone=o.phone,
            email=o.email,
            address=o.address,
            website=o.website,
            schedule=o.schedule,
        )
        for o in qs
    ]


@router.get("/territories", response={200: list[TerritoryOut], **ERROR_RESPONSES})
def territory_list(request: HttpRequest):
    """Territories: the hromada, its districts, settlements and streets."""
    qs = Territory.objects.select_related("parent").order_by("name", "id")
    return [TerritoryOut(code=t.code, name=t.name, kind=t.kind, parent=_code(t.parent)) for t in qs]
