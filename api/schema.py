"""The strawberry schema, built once from the model, and its SDL."""
from __future__ import annotations

import logging
from functools import lru_cache

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from .errors import MaskInternalErrors
from .mutations import build_mutation
from .root import build_query
from .types import NODE_TYPES


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[override]
        # MaskInternalErrors logged internal errors with their traceback; the rest are the client's.
        for error in errors:
            logging.getLogger("orggraph.api").debug("client error: %s", error.message)


DOCUMENTS_CACHED = 256


@lru_cache(maxsize=1)
def get_schema() -> Schema:
    # Depth, aliases, tokens, complexity and time are limited per request in app.py (limits.py),
    # before execution, so that a violation is a 400 naming the limit.
    # Clients send the same few documents again and again: parsing and validating one cost ~2/3 of
    # a request's time (docs/BENCHMARKS.md), so both are remembered per query text (bounded LRU).
    return Schema(query=build_query(), mutation=build_mutation(), types=list(NODE_TYPES.values()),
                  extensions=[MaskInternalErrors, lambda: ParserCache(maxsize=DOCUMENTS_CACHED),
                              lambda: ValidationCache(maxsize=DOCUMENTS_CACHED)])


def sdl() -> str:
    """The GraphQL schema in SDL, as served at /graphql/schema.graphql."""
    return get_schema().as_str() + "\n"
