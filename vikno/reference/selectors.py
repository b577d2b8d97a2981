"""Reads of reference data: trees and routing by competence."""

from collections.abc import Iterable
from typing import TypeVar

from vikno.reference.models import Category, Organization, RoutingRule, Territory

Node = TypeVar("Node", Category, Organization, Territory)


def ancestors(node: Node | None) -> list[Node]:
    """The node and its ancestors, nearest first (trees here are a few levels deep)."""
    chain: list[Node] = []
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(node)
        node = node.parent
    return chain


def subtree_ids(model: type[Node], root_ids: Iterable[int]) -> set[int]:
    """Ids of the given nodes and all their descendants, one query per level."""
    found: set[int] = set(root_ids)
    frontier = set(found)
    while frontier:
        frontier = (
            set(model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def route_for(*, category: Category, territory: Territory | None) -> Organization | None:
    """The organization competent for this category on this territory, or None.

    The most specific rule wins: the category itself before its parents, and for each of
    them the nearest territory before wider ones and before a rule for anywhere. Without a
    rule, the nearest category's default executor. None sends the appeal to the operators.
    """
    categories = ancestors(category)
    territories: list[Territory | None] = [*ancestors(territory), None]
    rules = {
        (rule.category_id, rule.territory_id): rule.organization
        for rule in RoutingRule.objects.filter(
            category__in=categories, organization__is_active=True
        ).select_related("organization")
    }
    for cat in categories:
        for ter in territories:
            organization = rules.get((cat.pk, ter.pk if ter else None))
            if organization is not None:
                return organization
    for cat in categories:
        if cat.default_executor_id and cat.default_executor.is_active:
            return cat.default_executor
    return None


def leaf_categories():
    return Category.objects.filter(is_active=True, children__isnull=True).select_related("parent")


def leaf_category_paths() -> list[tuple[Category, str]]:
    """Active leaf categories with their branch ("Житлово-комунальне › Водопостачання"),
    in branch order; one query whatever the depth of the tree."""
    nodes = {c.pk: c for c in Category.objects.all()}
    with_children = {c.parent_id for c in nodes.values() if c.parent_id}
    result = []
    for category in nodes.values():
        if not category.is_active or category.pk in with_children:
            continue
        chain, parent_id, seen = [], category.parent_id, set()
        while parent_id and parent_id in nodes and parent_id not in seen:
            seen.add(parent_id)
            chain.append(nodes[parent_id].name)
            parent_id = nodes[parent_id].parent_id
        result.append((category, " › ".join(reversed(chain))))

    def order(item: tuple[Category, str]) -> tuple:
        return (item[1], item[0].position, item[0].name)

    return sorted(result, key=order)


def category_search(query: str, *, limit: int = 15) -> list[tuple[Category, str]]:
    """Leaf categories whose name or branch holds every word of `query`, ignoring case
    and the spelling of the apostrophe (ʼ ' ’); own-name matches first. An empty query
    finds nothing."""
    from vikno.core.text import fold

    words = fold(query or "").split()
    if not words:
        return []
    found = []
    for category, path in leaf_category_paths():
        name = fold(category.name)
        haystack = f"{fold(path)} {name} {category.code}"
        if all(word in haystack for word in words):
            # Matches in the category's own name first, then those found by their branch.
            found.append((0 if all(word in name for word in words) else 1, category, path))
    found.sort(key=lambda item: item[0])
    return [(category, path) for _rank, category, path in found[:limit]]
