"""Request limits, checked before anything executes; a violation is a 400 naming the limit.

| limit                | default   | environment                      |
|----------------------|-----------|----------------------------------|
| max_depth            | 16        | ORGGRAPH_MAX_DEPTH               |
| max_aliases          | 30        | ORGGRAPH_MAX_ALIASES             |
| max_tokens           | 5000      | ORGGRAPH_MAX_TOKENS              |
| max_complexity       | 200000    | ORGGRAPH_MAX_COMPLEXITY          |
| list_estimate        | 5         | ORGGRAPH_COMPLEXITY_LIST_SIZE    |
| max_body_bytes       | 1000000   | ORGGRAPH_MAX_BODY_BYTES (413)    |
| max_query_seconds    | 30        | ORGGRAPH_MAX_QUERY_SECONDS       |
| introspection        | on        | ORGGRAPH_INTROSPECTION=off       |

Depth counts nested fields (fragments inlined; a relationship level is two: edges,
then node). Complexity estimates how many fields the query resolves: every field
costs the product of the sizes of the lists around it, where a list's size is
its `first` argument (given, from a variable, or the argument's default: 50 for
root lists, 20 for search) and `list_estimate` for lists without `first`
(relationship fields, question answers). Introspection fields cost nothing.
The time limit applies to queries; a mutation is never abandoned half-way (its
transaction decides), see docs/API.md.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from functools import lru_cache
from dataclasses import dataclass, fields
from typing import Any

from graphql import (DocumentNode, FieldNode, FragmentDefinitionNode, FragmentSpreadNode,
                     GraphQLError, GraphQLInterfaceType, GraphQLList, GraphQLNonNull,
                     GraphQLObjectType, GraphQLSchema, InlineFragmentNode, OperationDefinitionNode,
                     SelectionSetNode, parse, type_from_ast, value_from_ast)

from orggraph.errors import OrggraphError

INTROSPECTION = ("__schema", "__type")
ENV = {"max_depth": "ORGGRAPH_MAX_DEPTH", "max_aliases": "ORGGRAPH_MAX_ALIASES",
       "max_tokens": "ORGGRAPH_MAX_TOKENS", "max_complexity": "ORGGRAPH_MAX_COMPLEXITY",
       "list_estimate": "ORGGRAPH_COMPLEXITY_LIST_SIZE", "max_body_bytes": "ORGGRAPH_MAX_BODY_BYTES",
       "max_query_seconds": "ORGGRAPH_MAX_QUERY_SECONDS", "introspection": "ORGGRAPH_INTROSPECTION"}


class LimitExceeded(OrggraphError):
    """A request over a limit; the client gets this message with 400 (413 for the body)."""

    exit_code = 2

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    max_depth: int = 16
    max_aliases: int = 30
    max_tokens: int = 5000
    max_complexity: int = 200000
    list_estimate: int = 5
    max_body_bytes: int = 1_000_000
    max_query_seconds: float = 30.0
    introspection: bool = True

    @classmethod
    def from_env(cls) -> "Limits":
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV[f.name])
            if raw is None or raw.strip() == "":
                continue
            raw = raw.strip()
            if f.name == "introspection":
                if raw.lower() not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
                    raise OrggraphError(f"{ENV[f.name]} must be on or off, not {raw!r}")
                values[f.name] = raw.lower() in ("on", "true", "1", "yes")
                continue
            try:
                value = float(raw) if f.name == "max_query_seconds" else int(raw)
            except ValueError:
                raise OrggraphError(f"{ENV[f.name]} must be a number, not {raw!r}") from None
            if value <= 0:
                raise OrggraphError(f"{ENV[f.name]} must be positive, not {raw!r}")
            values[f.name] = value
        return cls(**values)

    def exceeded(self, name: str, actual: Any, what: str, status: int = 400) -> LimitExceeded:
        limit = getattr(self, name)
        return LimitExceeded(f"{what} {actual} exceeds the limit {name} = {limit:g} "
                             f"(set {ENV[name]} to change it)", status)

    def describe(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@lru_cache(maxsize=256)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)  # a document is never changed after parsing: share it


def parse_within(query: str, limits: Limits) -> DocumentNode | None:
    """The parsed document; None for a syntax error (execution reports it with its location)."""
    try:
        return _parse(query, limits.max_tokens)
    except GraphQLError as exc:
        if "tokens. Parsing aborted" in exc.message:
            raise LimitExceeded(f"the query has more than {limits.max_tokens} tokens: it exceeds the "
                                f"limit max_tokens = {limits.max_tokens} (set {ENV['max_tokens']} "
                                "to change it)") from None
        return None


# Documents that passed and whose check read no variable (no `first: $n`) pass again whatever the
# variables: clients send the same few documents again and again. Keyed by identity, as the
# parse cache hands out the same document for the same text; bounded like that cache.
_PASSED: "OrderedDict[tuple, tuple]" = OrderedDict()


def check(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
          variables: dict[str, Any] | None, limits: Limits) -> None:
    """Raise LimitExceeded if the document breaks a limit (depth, aliases, complexity, introspection)."""
    key = (id(document), id(schema), operation_name, limits)
    passed = _PASSED.get(key)
    if passed is not None and passed[0] is document and passed[1] is schema:
        _PASSED.move_to_end(key)
        return
    if not _check(schema, document, operation_name, variables, limits):
        _PASSED[key] = (document, schema)
        if len(_PASSED) > 256:
            _PASSED.popitem(last=False)


def _check(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
           variables: dict[str, Any] | None, limits: Limits) -> bool:
    """check(); True if the answer depended on the variables."""
    read_variables = False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    aliases = _count_aliases(document)
    if aliases > limits.max_aliases:
        raise limits.exceeded("max_aliases", aliases, "the query's number of aliases")
    for operation in operations:
        walker = _Walker(schema, fragments, variables or {}, operation, limits)
        root = {"query": schema.query_type, "mutation": schema.mutation_type,
                "subscription": schema.subscription_type}[operation.operation.value]
        depth, cost = walker.walk(operation.selection_set, root, 1, 1, None, frozenset())
        if walker.introspects and not limits.introspection:
            raise LimitExceeded(f"introspection is switched off on this server ({ENV['introspection']}"
                                "=off): the query asks for __schema or __type")
        if depth > limits.max_depth:
            raise limits.exceeded("max_depth", depth, "the query's depth")
        if cost > limits.max_complexity:
            raise limits.exceeded("max_complexity", cost, "the query's estimated complexity")
        read_variables = read_variables or walker.read_variables
    return read_variables


def _count_aliases(node: Any) -> int:
    count = 0
    selection_set = getattr(node, "selection_set", None)
    for definition in getattr(node, "definitions", ()) or ():
        count += _count_aliases(definition)
    if isinstance(node, FieldNode) and node.alias is not None:
        count += 1
    if selection_set is not None:
        for selection in selection_set.selections:
            count += _count_aliases(selection)
    return count


def _unwrap(type_: Any) -> tuple[Any, bool]:
    is_list = False
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        if isinstance(type_, GraphQLList):
            is_list = True
        type_ = type_.of_type
    return type_, is_list


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], operation: OperationDefinitionNode, limits: Limits):
        self.schema, self.fragments, self.limits = schema, fragments, limits
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                var_type = type_from_ast(schema, definition.type)
                if var_type is not None:  # an unknown type is a validation error, reported later
                    self.variables[name] = value_from_ast(definition.default_value, var_type)
        self.introspects = False
        self.read_variables = False

    def _first(self, node: FieldNode, field_def: Any) -> int | None:
        """The page size a field asks for, if it takes `first`."""
        if field_def is None or "first" not in field_def.args:
            return None
        value: Any = field_def.args["first"].default_value
        for argument in node.arguments or ():
            if argument.name.value == "first":
                ast = argument.value
                if ast.kind == "variable":
                    self.read_variables = True
                    value = self.variables.get(ast.name.value, value)
                else:
                    value = value_from_ast(ast, field_def.args["first"].type)  # Undefined if invalid
        return value if isinstance(value, int) and value >= 0 else self.limits.list_estimate

    def walk(self, selection_set: SelectionSetNode, parent: Any, depth: int, multiplier: int,
             page: int | None, visiting: frozenset[str]) -> tuple[int, int]:
        """(deepest level, estimated fields) below a selection set at `depth`."""
        deepest, cost = depth - 1, 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name == "__typename":
                    continue
                in_introspection = name in INTROSPECTION or multiplier == 0
                if name in INTROSPECTION:
                    self.introspects = True
                field_def = None
                if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
                    field_def = parent.fields.get(name)
                if name == "__schema":
                    field_def = None
                    child_type: Any = self.schema.get_type("__Schema")
                    is_list = False
                elif name == "__type":
                    field_def, child_type, is_list = None, self.schema.get_type("__Type"), False
                elif field_def is not None:
                    child_type, is_list = _unwrap(field_def.type)
                else:
                    child_type, is_list = None, False
                here = 0 if in_introspection else multiplier
                cost += here
                deepest = max(deepest, depth)
                if selection.selection_set is None:
                    continue
                first = self._first(selection, field_def)
                size, child_page = 1, None
                if is_list:
                    size = first if first is not None else (page if page is not None
                                                             else self.limits.list_estimate)
                elif first is not None:  # a connection: its edges and nodes lists are this big
                    child_page = first
                sub_depth, sub_cost = self.walk(selection.selection_set, child_type, depth + 1,
                                                here * size, child_page, visiting)
                deepest, cost = max(deepest, sub_depth), cost + sub_cost
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                sub_depth, sub_cost = self.walk(selection.selection_set, target, depth, multiplier,
                                                page, visiting)
                deepest, cost = max(deepest, sub_depth), cost + sub_cost
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visiting:
                    continue  # unknown or cyclic: validation reports it
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                sub_depth, sub_cost = self.walk(fragment.selection_set, target, depth, multiplier,
                                                page, visiting | {name})
                deepest, cost = max(deepest, sub_depth), cost + sub_cost
        return deepest, cost
