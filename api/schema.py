"""The strawberry schema, built once from the model, its SDL, and how one request runs on it.

`run` executes an operation as strawberry's `Schema.execute` did with this schema's extensions
(parse cache, validation cache, masked internal errors), without its extension machinery: that
cost ~0.1 ms of every request (docs/BENCHMARKS.md, "GraphQL overhead"). The resolvers, the
types and graphql-core's execution are strawberry's and graphql-core's as before.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from functools import lru_cache
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema, execute, parse, specified_rules
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import validate_document

from .errors import masked
from .execution import LeafFirstExecutionContext
from .mutations import build_mutation
from .root import build_query
from .scalars import OVERRIDES
from .types import NODE_TYPES

log = logging.getLogger("orggraph.api")
DOCUMENTS_CACHED = 256
RULES = tuple(specified_rules)  # strawberry's validate_document adds its own two (maybe-null, oneOf)


@lru_cache(maxsize=1)
def get_schema() -> strawberry.Schema:
    # Depth, aliases, tokens, complexity and time are limited per request in app.py (limits.py),
    # before execution, so that a violation is a 400 naming the limit.
    return strawberry.Schema(query=build_query(), mutation=build_mutation(), types=list(NODE_TYPES.values()),
                             execution_context_class=LeafFirstExecutionContext, scalar_overrides=OVERRIDES)


def sdl() -> str:
    """The GraphQL schema in SDL, as served at /graphql/schema.graphql."""
    return get_schema().as_str() + "\n"


# Validation results per query text (bounded LRU). Clients send the same few documents again and
# again, and validation depends only on the text and the schema (both in the key). Keyed by text,
# not by document: hashing a document walks its whole tree on every request.
_VALIDATED: "OrderedDict[tuple[str, int], list[GraphQLError]]" = OrderedDict()


def validation_errors(schema: GraphQLSchema, query: str, document: DocumentNode) -> list[GraphQLError]:
    key = (query, id(schema))
    errors = _VALIDATED.get(key)
    if errors is None:
        errors = validate_document(schema, document, RULES)
        _VALIDATED[key] = errors
        if len(_VALIDATED) > DOCUMENTS_CACHED:
            _VALIDATED.popitem(last=False)
    else:
        _VALIDATED.move_to_end(key)
    return errors


async def run(query: str, document: DocumentNode | None = None, *, variables: dict[str, Any] | None = None,
              operation: str | None = None, context: Any = None) -> ExecutionResult:
    """One GraphQL operation: syntax, validation and execution errors in `errors`, internal ones
    masked (errors.masked). `document` is `query` parsed (the limits check parses it first);
    None parses it here, to report a syntax error with its location."""
    schema = get_schema()._schema
    if document is None:
        try:
            document = parse(query)
        except GraphQLError as error:
            return ExecutionResult(None, masked([error]))
    errors = validation_errors(schema, query, document)
    if errors:
        return ExecutionResult(None, masked(errors))
    try:
        result = execute(schema, document, variable_values=variables, operation_name=operation,
                         context_value=context, is_awaitable=optimized_is_awaitable,
                         executor_class=LeafFirstExecutionContext)
        if isawaitable(result):
            result = await result
    except Exception as exc:  # noqa: BLE001 - reported as an internal error, logged with its traceback
        return ExecutionResult(None, masked([GraphQLError(str(exc), original_error=exc)]))
    if result.errors:
        result.errors = masked(result.errors)
    return result
