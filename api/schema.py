"""The strawberry schema, built once from the model, and its SDL."""
from __future__ import annotations

import logging
from collections import OrderedDict
from functools import lru_cache
from typing import Iterator

import strawberry
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.schema import validate_document

from .errors import MaskInternalErrors
from .execution import LeafFirstExecutionContext
from .mutations import build_mutation
from .root import build_query
from .types import NODE_TYPES


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[override]
        # MaskInternalErrors logged internal errors with their traceback; the rest are the client's.
        for error in errors:
            logging.getLogger("orggraph.api").debug("client error: %s", error.message)


DOCUMENTS_CACHED = 256


class ValidationByText(SchemaExtension):
    """Validation results remembered per query text (bounded LRU).

    Strawberry's own ValidationCache keys its LRU by the parsed document, and hashing a
    document walks its whole tree on every request (0.1–0.3 ms for a small query); the text's
    hash is computed once by Python. Validation depends only on the text, the schema and the
    rules, which are all in the key."""

    _results: "OrderedDict[tuple, list]" = OrderedDict()

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        key = (context.query, id(context.schema._schema), tuple(context.validation_rules))
        errors = self._results.get(key)
        if errors is None:
            errors = validate_document(context.schema._schema, context.graphql_document,
                                       tuple(context.validation_rules))
            self._results[key] = errors
            if len(self._results) > DOCUMENTS_CACHED:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(key)
        context.pre_execution_errors = errors
        yield


@lru_cache(maxsize=1)
def get_schema() -> Schema:
    # Depth, aliases, tokens, complexity and time are limited per request in app.py (limits.py),
    # before execution, so that a violation is a 400 naming the limit.
    # Clients send the same few documents again and again: parsing and validating one cost ~2/3 of
    # a request's time (docs/BENCHMARKS.md), so both are remembered per query text (bounded LRU).
    return Schema(query=build_query(), mutation=build_mutation(), types=list(NODE_TYPES.values()),
                  extensions=[MaskInternalErrors, lambda: ParserCache(maxsize=DOCUMENTS_CACHED),
                              ValidationByText],
                  execution_context_class=LeafFirstExecutionContext)


def sdl() -> str:
    """The GraphQL schema in SDL, as served at /graphql/schema.graphql."""
    return get_schema().as_str() + "\n"
