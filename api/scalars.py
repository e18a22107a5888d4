"""Date and DateTime as strawberry defines them, except that a bad value written in the document
is reported with its location, as graphql-core's own scalars (Int, Float ...) are: strawberry's
parser raises an error without the value's node, so "2017-02-30" came back with no `locations`.
A Date is YYYY-MM-DD only (orggraph.dates), not every form Python's fromisoformat takes."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Callable

from graphql import GraphQLError, ValueNode, value_from_ast_untyped
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition

from orggraph.dates import iso_date


def _with_location(definition: ScalarDefinition) -> Callable[..., Any]:
    parse_value = definition.parse_value

    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        try:
            return parse_value(value_from_ast_untyped(node, variables))
        except GraphQLError as error:  # the same message, now pointing at the value
            raise GraphQLError(error.message, node) from None
    return parse_literal


def _located(definition: ScalarDefinition) -> ScalarDefinition:
    return replace(definition, parse_literal=_with_location(definition))


#: for strawberry.Schema(scalar_overrides=...)
OVERRIDES = {dt.date: _located(replace(DateDefinition, parse_value=wrap_parser(iso_date, "Date"))), dt.datetime: _located(DateTimeDefinition)}
