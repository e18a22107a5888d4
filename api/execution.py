"""Plain scalar fields completed in one step instead of graphql-core's generic path per field.

graphql-core resolves every field the same way: a resolve-info object, the arguments, the
resolver, an awaitable check, then completion by type. For a field of a strawberry type with no
resolver of its own (`id`, `name`, `depth` ...) all that ends in `getattr` and the scalar's
output coercion, yet it costs ~8 µs a field: most of a request that lists a few dozen objects
(docs/BENCHMARKS.md, "GraphQL overhead"). `LeafFirstExecutionContext` completes an object
whose selected fields are all such fields in one loop.

It changes no answer: anything else (a field with arguments, directives or a resolver of its
own, an object-typed field, a null in a non-null field, a value that is an error or awaitable,
a coercion that fails, middleware, deferred fragments) sends the whole object back to
graphql-core, which then answers and reports errors exactly as before.
tests/api/test_execution.py compares both on every example query and on edge cases.
"""
from __future__ import annotations

from collections import OrderedDict
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import GraphQLEnumType, GraphQLField, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class Leaf(NamedTuple):
    key: str  # the response name (an alias or the field's name)
    read: Any  # the value from the source object (one argument); None for __typename
    coerce: Any  # the scalar's or enum's output coercion
    non_null: bool


class LeafFirstExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._leaf_plans: dict[int, tuple[Any, tuple[Leaf, ...] | None]] = {}

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Any,
                       grouped_field_set: Any, position_context: Any) -> Any:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None:
            results = self._complete_leaves(parent_type, source_value, plan)
            if results is not None:
                return results
        return super().execute_fields(parent_type, source_value, path, grouped_field_set,
                                      position_context)

    def complete_iterable_value(self, item_type: Any, field_details_list: Any, info: Any, path: Any,
                                items: Any, position_context: Any) -> Any:
        # A list of plain objects (no is_type_of, no @stream) whose selection is all plain fields:
        # every item in one loop, without graphql-core's completion of each item and its fields.
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(object_type, GraphQLObjectType) and object_type.is_type_of is None \
                and isinstance(items, list) and not self.middleware_manager \
                and not any(detail.node.directives for detail in field_details_list):
            grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
            plan = None if new_defer_usages else self._plan(object_type, grouped_field_set)
            if plan is not None:
                completed = []
                for item in items:
                    row = None if item is None or self.is_awaitable(item) \
                        else self._complete_leaves(object_type, item, plan)
                    if row is None:
                        break  # graphql-core completes the whole list, and reports what is wrong
                    completed.append(row)
                else:
                    return completed
        return super().complete_iterable_value(item_type, field_details_list, info, path, items,
                                               position_context)

    def _complete_leaves(self, parent_type: GraphQLObjectType, source: Any,
                         plan: tuple[Leaf, ...]) -> dict[str, Any] | None:
        """The object's answer, or None to leave it to graphql-core."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        for leaf in plan:
            if leaf.read is None:
                results[leaf.key] = parent_type.name
                continue
            try:
                value = leaf.read(source)
            except Exception:  # noqa: BLE001 - graphql-core reports it, with its path
                return None
            if value is None:
                if leaf.non_null:
                    return None
                results[leaf.key] = None
                continue
            if isinstance(value, Exception) or is_awaitable(value):
                return None
            try:
                coerced = leaf.coerce(value)
            except Exception:  # noqa: BLE001
                return None
            if coerced is None or coerced is Undefined:
                return None
            results[leaf.key] = coerced
        return results

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> tuple[Leaf, ...] | None:
        # graphql-core memoizes a selection's grouped field set per request and keeps it alive,
        # so its id names the same selection for the whole request (as in collect_subfields).
        cached = self._leaf_plans.get(id(grouped_field_set))
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        plan = None if self.middleware_manager else _remembered_plan(parent_type, grouped_field_set)
        self._leaf_plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan


# Plans across requests: the same document (the parse cache hands out one per text) selects the
# same field nodes, so the type and the nodes' identities name a plan. The nodes are kept in the
# entry, so their ids cannot be reused while it lives; bounded like the parse cache.
_PLANS: "OrderedDict[tuple, tuple[tuple, tuple[Leaf, ...] | None]]" = OrderedDict()
PLANS_KEPT = 1024


def _remembered_plan(parent_type: GraphQLObjectType, grouped_field_set: Any) -> tuple[Leaf, ...] | None:
    nodes = tuple(detail.node for details in grouped_field_set.values() for detail in details)
    key = (parent_type, tuple(grouped_field_set), tuple(map(id, nodes)))
    found = _PLANS.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], nodes)):
        return found[1]
    plan = _leaf_plan(parent_type, grouped_field_set)
    _PLANS[key] = (nodes, plan)
    if len(_PLANS) > PLANS_KEPT:
        _PLANS.popitem(last=False)
    return plan


def _leaf_plan(parent_type: GraphQLObjectType, grouped_field_set: Any) -> tuple[Leaf, ...] | None:
    """How to complete every field of the selection in one step; None if any field needs more."""
    plan = []
    for key, details in grouped_field_set.items():
        for detail in details:
            node = detail.node
            if detail.defer_usage is not None or detail.fragment_variable_values is not None \
                    or node.arguments or node.directives or node.selection_set is not None:
                return None
        name = details[0].node.name.value
        if name == "__typename":
            plan.append(Leaf(key, None, None, True))
            continue
        field = parent_type.fields.get(name)
        if field is None or field.args or not getattr(field.resolve, "_is_default", False):
            return None
        leaf_type = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if not isinstance(leaf_type, (GraphQLScalarType, GraphQLEnumType)):
            return None
        plan.append(Leaf(key, _reader(field), leaf_type.coerce_output_value,
                         isinstance(field.type, GraphQLNonNull)))
    return tuple(plan)


def _reader(field: GraphQLField) -> Any:
    """The field's value from its source: `attrgetter` when strawberry would call `getattr` with
    the attribute's name (three Python calls fewer a field), else strawberry's resolver."""
    definition = (field.extensions or {}).get("strawberry-definition")
    if definition is not None and definition.is_basic_field and definition.default_resolver is getattr:
        return attrgetter(definition.python_name)
    resolve = field.resolve
    return lambda source: resolve(source, None)
