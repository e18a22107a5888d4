"""`where` inputs generated from the model, and their translation to a Cypher condition.

* `<Type>Where` per node type, and `NodeWhere` (the properties every node has) for
  relationship ends that may be of several types;
* `<Edge>Where` per relationship direction: the relationship's own properties plus
  `node`, a condition on the node at the other end.

Every public property gets a filter by its type: strings `eq ne in contains
startsWith isNull` (and `ignoreCase`), numbers and dates `eq ne in gt gte lt lte isNull`,
booleans `eq isNull`; `AND`, `OR` (lists) and `NOT` combine them. Property names come
from the model, never from the client; every value travels as a parameter.
A null operand (`eq: null`) means "no condition"; ask `isNull` for missing values.
`ne` and `NOT` also match nodes without the property (not this value, nor any: a comparison
with a missing value is false, never null), and `OR: []`, like `in: []`, matches nothing.
"""
import datetime as dt
import sys
from typing import Annotated, Any, List, Optional

import strawberry

from orggraph.schema.model import BOOL, DATE, FLOAT, INT, NODES, RELS, STRING, Prop

from .naming import IN, OUT, camel, edge_type_name

COMMON = ("id", "valid_from", "valid_to", "source", "dataset")
NODE_COMMON = tuple(p for p in NODES[0].all_props if p.name in COMMON)


def public(props: tuple[Prop, ...]) -> list[Prop]:
    """The properties anyone may read and filter on (not personal data)."""
    return [p for p in props if not p.private]


@strawberry.input(description="Conditions on a string; all given ones must hold. Case matters "
                             "unless ignoreCase is true (then eq, ne, in, contains and startsWith "
                             "compare lower-cased text; accents still count: use `search` for that).")
class StringFilter:
    eq: Optional[str] = None
    ne: Optional[str] = None
    in_: Optional[List[str]] = strawberry.field(default=None, name="in")
    contains: Optional[str] = None
    starts_with: Optional[str] = None
    is_null: Optional[bool] = None
    ignore_case: bool = False


def _range(name: str, py: type) -> type:
    ns = {"__annotations__": {}, "__module__": __name__}
    for op in ("eq", "ne", "gt", "gte", "lt", "lte"):
        ns["__annotations__"][op] = Optional[py]
        ns[op] = None
    ns["__annotations__"]["in_"] = Optional[List[py]]
    ns["in_"] = strawberry.field(default=None, name="in")
    ns["__annotations__"]["is_null"] = Optional[bool]
    ns["is_null"] = None
    return strawberry.input(type(name, (), ns), name=name,
                            description=f"Conditions on a {py.__name__}; all given ones must hold.")


@strawberry.input(description="Conditions on a boolean.")
class BooleanFilter:
    eq: Optional[bool] = None
    is_null: Optional[bool] = None


FILTERS = {STRING: StringFilter, INT: _range("IntFilter", int), FLOAT: _range("FloatFilter", float),
           DATE: _range("DateFilter", dt.date), BOOL: BooleanFilter}
OPS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in_": "IN",
       "contains": "CONTAINS", "starts_with": "STARTS WITH"}


def _make_where(name: str, props: list[Prop], what: str, node: Any = None) -> type:
    """An input with a filter per property, AND/OR/NOT, and (for edges) `node`."""
    myself = Annotated[name, strawberry.lazy(__name__)]
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for prop in props:
        ns["__annotations__"][prop.name] = Optional[FILTERS[prop.type]]
        ns[prop.name] = strawberry.field(default=None, name=camel(prop.name))
    if node is not None:
        ns["__annotations__"]["node"] = Optional[node]
        ns["node"] = strawberry.field(default=None, description="conditions on the node at the other end")
    for op, many in (("and_", True), ("or_", True), ("not_", False)):
        ns["__annotations__"][op] = Optional[List[myself]] if many else Optional[myself]
        ns[op] = strawberry.field(default=None, name=op.rstrip("_").upper())
    return strawberry.input(type(name, (), ns), name=name,
                            description=f"Conditions on {what}: every field given must hold; "
                                        "AND, OR and NOT combine nested conditions.")


#: where inputs by node type; "Node" holds the properties every node has
WHERE: dict[str, type] = {n.label: _make_where(f"{n.label}Where", public(n.all_props), f"{n.label}s")
                          for n in NODES}
WHERE["Node"] = _make_where("NodeWhere", list(NODE_COMMON), "nodes of any type (the properties all have)")
_PROPS = {n.label: [p.name for p in public(n.all_props)] for n in NODES}
_PROPS["Node"] = list(COMMON)


def end_label(ends: tuple[str, ...]) -> str:
    """The where/type name for a relationship end: its type if it has one, else Node."""
    return ends[0] if len(ends) == 1 else "Node"


#: where inputs by (relationship, direction): its own properties and `node`
EDGE_WHERE: dict[tuple[str, str], type] = {
    (r.name, d): _make_where(edge_type_name(r, d)[:-4] + "Where", public(r.all_props),
                             f"{r.name} relationships and the nodes they lead to",
                             node=WHERE[end_label(r.targets if d == OUT else r.sources)])
    for r in RELS for d in (OUT, IN)}
for _cls in [*WHERE.values(), *EDGE_WHERE.values()]:
    setattr(sys.modules[__name__], _cls.__name__, _cls)
_REL_PROPS = {r.name: [p.name for p in public(r.all_props)] for r in RELS}


class Compiler:
    """Turns a where input into one Cypher condition on `var`, collecting parameters.

    `props` are the property names the input may hold; `node` (for edge inputs) is
    `(label, var)` of the node at the other end. Parameters are shared through `params`.
    """

    def __init__(self, props: list[str], var: str = "n", params: dict[str, Any] | None = None,
                 node: tuple[str, str] | None = None):
        self.props, self.var, self.node = props, var, node
        self.params = {} if params is None else params

    def param(self, value: Any) -> str:
        name = f"w{len(self.params)}"
        self.params[name] = value
        return "$" + name

    def condition(self, where: Any) -> str:
        parts = []
        for prop in self.props:
            conditions = getattr(where, prop, None)
            if conditions is not None:
                parts += self._prop(prop, conditions)
        if self.node is not None and getattr(where, "node", None) is not None:
            label, var = self.node
            parts.append(Compiler(_PROPS[label], var, self.params).condition(where.node))
        if where.and_:
            parts += [self.condition(w) for w in where.and_]
        if where.or_ is not None:  # none of no alternatives holds, as nothing is `in: []`
            parts.append("(" + " OR ".join(self.condition(w) for w in where.or_) + ")" if where.or_ else "false")
        if where.not_ is not None:  # a comparison with a missing property is null, not false:
            # NOT (fte > 5) must hold for a unit without fte, as `ne` does, so null counts as false
            parts.append(f"NOT coalesce({self.condition(where.not_)}, false)")
        return "(" + " AND ".join(parts) + ")" if parts else "true"

    def _prop(self, prop: str, conditions: Any) -> list[str]:
        ref, out = f"{self.var}.{prop}", []
        folded = getattr(conditions, "ignore_case", False)
        if folded:  # both sides through the engine's own toLower, so Æ/æ fold alike everywhere
            ref = f"toLower({ref})"
        for op, cypher in OPS.items():
            value = getattr(conditions, op, None)
            if value is None:
                continue
            if op == "in_" and not value:
                out.append("false")  # nothing is in an empty list
            elif op in ("contains", "starts_with") and value == "":
                # every text holds the empty text; LadybugDB's CONTAINS '' is false, Neo4j's true
                out.append(f"{self.var}.{prop} IS NOT NULL")
            elif op == "ne":  # "not this value" includes having none: Cypher's <> alone drops nulls
                out.append(f"({self.var}.{prop} IS NULL OR {ref} <> {'toLower(' if folded else ''}"
                           f"{self.param(value)}{')' if folded else ''})")
            elif folded and op == "in_":  # LadybugDB takes no parameters inside list comprehensions
                out.append("(" + " OR ".join(f"{ref} = toLower({self.param(v)})" for v in value) + ")")
            else:
                out.append(f"{ref} {cypher} {'toLower(' if folded else ''}{self.param(value)}"
                           f"{')' if folded else ''}")
        if conditions.is_null is not None:
            out.append(f"{self.var}.{prop} IS {'' if conditions.is_null else 'NOT '}NULL")
        return out


def compile_where(label: str, where: Any, var: str = "n") -> tuple[str, dict[str, Any]]:
    """A condition on nodes of type `label` (or "Node") bound to `var`."""
    if where is None:
        return "true", {}
    compiler = Compiler(_PROPS[label], var)
    return compiler.condition(where), compiler.params


def compile_edge_where(rel: str, ends: tuple[str, ...], where: Any) -> tuple[str, dict[str, Any]]:
    """A condition on relationship `r` and the node `b` at its other end."""
    if where is None:
        return "true", {}
    compiler = Compiler(_REL_PROPS[rel], "r", node=(end_label(ends), "b"))
    return compiler.condition(where), compiler.params
