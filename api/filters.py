"""`where` inputs generated per node type, and their translation to a Cypher condition.

Every public property gets a filter by its type: strings `eq ne in contains
startsWith isNull`, numbers and dates `eq ne in gt gte lt lte isNull`, booleans
`eq isNull`; `AND`, `OR` (lists) and `NOT` combine them. Property names come
from the model, never from the client; every value travels as a parameter.
A null operand (`eq: null`) means "no condition"; ask `isNull` for missing values.
"""
import datetime as dt
import sys
from typing import Annotated, Any, List, Optional

import strawberry

from orggraph.schema.model import BOOL, DATE, FLOAT, INT, NODES, STRING, NodeType

from .naming import camel
from .types import public


@strawberry.input(description="Conditions on a string; all given ones must hold (case-sensitive).")
class StringFilter:
    eq: Optional[str] = None
    ne: Optional[str] = None
    in_: Optional[List[str]] = strawberry.field(default=None, name="in")
    contains: Optional[str] = None
    starts_with: Optional[str] = None
    is_null: Optional[bool] = None


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


def _make_where(node: NodeType) -> type:
    name = f"{node.label}Where"
    myself = Annotated[name, strawberry.lazy(__name__)]
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for prop in public(node.all_props):
        ns["__annotations__"][prop.name] = Optional[FILTERS[prop.type]]
        ns[prop.name] = strawberry.field(default=None, name=camel(prop.name))
    for op, many in (("and_", True), ("or_", True), ("not_", False)):
        ns["__annotations__"][op] = Optional[List[myself]] if many else Optional[myself]
        ns[op] = strawberry.field(default=None, name=op.rstrip("_").upper())
    return strawberry.input(type(name, (), ns), name=name,
                            description=f"Conditions on {node.label}s: every field given must hold; "
                                        "AND, OR and NOT combine nested conditions.")


WHERE: dict[str, type] = {n.label: _make_where(n) for n in NODES}
for _cls in WHERE.values():
    setattr(sys.modules[__name__], _cls.__name__, _cls)

_PROPS = {n.label: [p.name for p in public(n.all_props)] for n in NODES}


class Compiler:
    """Turns a where input into one Cypher condition on `var`, collecting parameters."""

    def __init__(self, label: str, var: str = "n"):
        self.label, self.var, self.params = label, var, {}

    def param(self, value: Any) -> str:
        name = f"w{len(self.params)}"
        self.params[name] = value
        return "$" + name

    def condition(self, where: Any) -> str:
        parts = []
        for prop in _PROPS[self.label]:
            conditions = getattr(where, prop, None)
            if conditions is not None:
                parts += self._prop(prop, conditions)
        if where.and_:
            parts += [self.condition(w) for w in where.and_]
        if where.or_:
            parts.append("(" + " OR ".join(self.condition(w) for w in where.or_) + ")")
        if where.not_ is not None:
            parts.append(f"NOT {self.condition(where.not_)}")
        return "(" + " AND ".join(parts) + ")" if parts else "true"

    def _prop(self, prop: str, conditions: Any) -> list[str]:
        ref, out = f"{self.var}.{prop}", []
        for op, cypher in OPS.items():
            value = getattr(conditions, op, None)
            if value is None:
                continue
            if op == "in_" and not value:
                out.append("false")  # nothing is in an empty list
            else:
                out.append(f"{ref} {cypher} {self.param(value)}")
        if conditions.is_null is not None:
            out.append(f"{ref} IS {'' if conditions.is_null else 'NOT '}NULL")
        return out


def compile_where(label: str, where: Any, var: str = "n") -> tuple[str, dict[str, Any]]:
    if where is None:
        return "true", {}
    compiler = Compiler(label, var)
    return compiler.condition(where), compiler.params
